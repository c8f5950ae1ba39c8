"""The topic catalogue is coherent: names, versions, DLQs, event types, partitions."""

import re
from collections import Counter
from typing import get_args

import pytest

from switchboard_contracts.compat import Compatibility
from switchboard_contracts.events.dead_letters import DeadLetter
from switchboard_contracts.topics import (
    ALL_TOPICS,
    DEAD_LETTER_TOPICS,
    DLQ_SUFFIX,
    TOPICS,
    Topic,
    topic_named,
)

TOPIC_NAME = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)*\.v[1-9][0-9]*(\.dlq)?$")
# The event types of a topic family start with its (singular) name.
TYPE_PREFIXES = {
    "twitter": "twitter.",
    "channels": "channel.",
    "access": "access.",
    "conversations": "conversation.",
    "replies": "reply.",
}
TOPIC_IDS = [pytest.param(topic, id=topic.name) for topic in ALL_TOPICS]


@pytest.mark.unit
def test_topic_names_are_unique() -> None:
    counts = Counter(topic.name for topic in ALL_TOPICS)
    assert [name for name, n in counts.items() if n > 1] == []


@pytest.mark.unit
@pytest.mark.parametrize("topic", TOPIC_IDS)
def test_every_topic_name_ends_in_its_major_version(topic: Topic) -> None:
    assert TOPIC_NAME.match(topic.name), topic.name
    assert topic.name.removesuffix(DLQ_SUFFIX).endswith(f".v{topic.major_version}")


@pytest.mark.unit
@pytest.mark.parametrize("topic", [t for t in TOPICS if t.consumers])
def test_every_consumed_topic_has_a_dead_letter_topic(topic: Topic) -> None:
    dlq = topic_named(topic.dlq)
    assert dlq in DEAD_LETTER_TOPICS
    assert dlq.events == (DeadLetter,)
    assert dlq.key == topic.key
    assert set(dlq.producers) == set(topic.consumers)
    assert dlq.major_version == topic.major_version


@pytest.mark.unit
def test_dead_letter_topics_only_exist_for_consumed_topics() -> None:
    sources = {t.name for t in TOPICS if t.consumers}
    assert {t.name.removesuffix(DLQ_SUFFIX) for t in DEAD_LETTER_TOPICS} == sources


@pytest.mark.unit
def test_event_types_are_unique_across_topics() -> None:
    counts = Counter(event_type for topic in TOPICS for event_type in topic.event_types)
    assert [event_type for event_type, n in counts.items() if n > 1] == []
    for topic in ALL_TOPICS:
        assert len(set(topic.events)) == len(topic.events), topic.name


@pytest.mark.unit
@pytest.mark.parametrize("topic", TOPIC_IDS)
def test_event_types_start_with_their_topic_family(topic: Topic) -> None:
    if topic in DEAD_LETTER_TOPICS:
        assert topic.event_types == ("dead_letter",)
        return
    family = topic.name.split(".", 1)[0]
    assert family in TYPE_PREFIXES, f"add the event type prefix of {family}.* topics here"
    for event_type in topic.event_types:
        assert event_type.startswith(TYPE_PREFIXES[family]), (topic.name, event_type)
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", event_type), event_type


@pytest.mark.unit
@pytest.mark.parametrize("topic", TOPIC_IDS)
def test_each_event_fixes_its_type_and_version(topic: Topic) -> None:
    for event_type, model in zip(topic.event_types, topic.events, strict=True):
        assert get_args(model.model_fields["type"].annotation) == (event_type,)
        version = model.model_fields["schema_version"].default
        assert isinstance(version, int)
        assert version >= 1


@pytest.mark.unit
@pytest.mark.parametrize("topic", TOPIC_IDS)
def test_partitions_retention_and_owners(topic: Topic) -> None:
    assert topic.partitions > 0
    assert topic.producers, f"{topic.name} has no producer"
    assert topic.key.strip()
    if topic.cleanup_policy == "delete":
        assert topic.retention_ms > 0
        assert topic.kafka_config()["retention.ms"] == str(topic.retention_ms)
    else:
        assert "retention.ms" not in topic.kafka_config()


@pytest.mark.unit
def test_every_topic_is_full_as_the_docs_say() -> None:
    assert {topic.compatibility for topic in ALL_TOPICS} == {Compatibility.FULL}


@pytest.mark.unit
def test_twitter_topics_are_not_org_scoped() -> None:
    for topic in TOPICS:
        assert topic.org_scoped is not topic.name.startswith("twitter."), topic.name


@pytest.mark.unit
def test_topic_named_finds_every_topic_and_only_those() -> None:
    for topic in ALL_TOPICS:
        assert topic_named(topic.name) is topic
    with pytest.raises(KeyError):
        topic_named("nope.v1")
