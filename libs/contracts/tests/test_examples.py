"""One realistic example per event per topic: it parses with the topic's adapter into the
right model, round-trips exactly, and the examples tell one consistent story."""

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from switchboard_contracts.envelope import Event
from switchboard_contracts.export.paths import EXAMPLES, example_path, repo_root
from switchboard_contracts.topics import ALL_TOPICS, DEAD_LETTER_TOPICS, Topic, topic_named

ROOT = repo_root()
BEYOND_DOUBLES = 2**53  # JSON numbers lose Twitter ids past this: they travel as strings
EVENTS = [
    pytest.param(topic, event_type, model, id=f"{topic.name}/{event_type}")
    for topic in ALL_TOPICS
    for event_type, model in zip(topic.event_types, topic.events, strict=True)
]


def load(topic: Topic, event_type: str) -> tuple[str, Any]:
    path = ROOT / example_path(topic.name, event_type)
    assert path.is_file(), f"no example for {event_type} on {topic.name}: add {path}"
    text = path.read_text(encoding="utf-8")
    return text, json.loads(text)


@pytest.mark.unit
@pytest.mark.parametrize(("topic", "event_type", "model"), EVENTS)
def test_example_parses_into_its_model_and_round_trips(
    topic: Topic, event_type: str, model: type[Event[Any]]
) -> None:
    text, data = load(topic, event_type)
    event = topic.parse(text)
    assert type(event) is model
    assert event.type == event_type
    # Every field written out, nothing the model drops: the example shows the full event.
    assert event.model_dump(mode="json") == data


@pytest.mark.unit
def test_no_example_without_an_event() -> None:
    expected = {
        str(example_path(topic.name, event_type))
        for topic in ALL_TOPICS
        for event_type in topic.event_types
    }
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / EXAMPLES).glob("**/*.json")}
    assert on_disk == expected


def all_examples() -> Iterator[tuple[Path, Any]]:
    for path in sorted((ROOT / EXAMPLES).glob("**/*.json")):
        yield path, json.loads(path.read_text(encoding="utf-8"))


def leaves(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for name, value in node.items():
            yield from leaves(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from leaves(value, key)
    else:
        yield key, node


@pytest.mark.unit
def test_ids_and_times_look_like_the_real_thing() -> None:
    for path, data in all_examples():
        for key, value in leaves(data):
            where = f"{path.name}: {key}={value!r}"
            if key.endswith("app_id"):  # Twitter app ids are small numbers
                continue
            if isinstance(value, str) and value.isdigit():
                assert int(value) > BEYOND_DOUBLES, f"Twitter ids are snowflakes: {where}"
            elif key.endswith(("_id", "_ids")) and isinstance(value, str):
                assert str(uuid.UUID(value)) == value, where
            elif key.endswith("_at"):
                assert value.endswith("Z"), f"times are UTC, written with Z: {where}"
                assert datetime.fromisoformat(value).utcoffset() is not None, where


@pytest.mark.unit
def test_dead_letters_carry_a_message_of_their_source_topic() -> None:
    for dlq in DEAD_LETTER_TOPICS:
        _, letter = load(dlq, "dead_letter")
        payload = letter["payload"]
        source = topic_named(payload["source_topic"])
        assert source.dlq == dlq.name
        assert letter["producer"] in source.consumers
        if payload["error_type"] == "validation_error":
            with pytest.raises(ValidationError):
                source.parse(payload["value"])
        else:
            original = source.parse(payload["value"])
            assert str(original.event_id) == payload["original_event_id"]


@pytest.mark.unit
def test_the_examples_tell_one_story() -> None:
    _, tweet = load(topic_named("twitter.activity.v1"), "twitter.tweet.received")
    _, delivery = load(topic_named("twitter.webhooks.raw.v1"), "twitter.webhook.delivered")
    _, created = load(topic_named("conversations.v1"), "conversation.created")
    _, snapshot = load(topic_named("channels.v1"), "channel.snapshot")
    _, requested = load(topic_named("replies.requested.v1"), "reply.requested")
    _, sent = load(topic_named("replies.results.v1"), "reply.sent")

    assert tweet["event_id"] in delivery["payload"]["event_ids"]
    assert tweet["correlation_id"] == delivery["correlation_id"]
    assert created["causation_id"] == tweet["event_id"]
    conversation = created["payload"]["conversation"]
    assert conversation["channel_id"] == snapshot["payload"]["channel_id"]
    assert conversation["customer"] == tweet["payload"]["author"]
    assert tweet["payload"]["account_id"] == snapshot["payload"]["twitter_account_id"]
    assert requested["payload"]["in_reply_to_tweet_id"] == tweet["payload"]["tweet_id"]
    assert sent["causation_id"] == requested["event_id"]
    assert sent["payload"]["message_id"] == requested["payload"]["message_id"]


@pytest.mark.unit
def test_org_scoped_examples_share_one_organization_and_twitter_ones_have_none() -> None:
    orgs = set()
    for topic in ALL_TOPICS:
        for event_type in topic.event_types:
            _, data = load(topic, event_type)
            if topic.org_scoped:
                orgs.add(data["org_id"])
            else:
                assert topic in DEAD_LETTER_TOPICS or data["org_id"] is None
    assert len(orgs) == 1
    assert None not in orgs
