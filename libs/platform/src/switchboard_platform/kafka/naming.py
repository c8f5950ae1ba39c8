"""The physical topic name of a catalogue topic: the one place the prefix is applied."""

from switchboard_contracts.topics import Topic


def physical_name(topic: Topic | str, prefix: str = "") -> str:
    name = topic if isinstance(topic, str) else topic.name
    return f"{prefix}{name}"
