"""Every sample delivery (switchboard_testing's fixtures/twitter/) parses into what it should, and
every event it yields is one the topic's contract accepts."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from switchboard_contracts.topics import TWITTER_ACTIVITY, TWITTER_WEBHOOKS_RAW
from switchboard_ingest.domain.deliveries import decode_body, parse_delivery
from switchboard_ingest.service_layer.receive_delivery import delivery_records

pytestmark = pytest.mark.unit

# sample -> (envelope, event types in order, dropped reasons)
EXPECTED = {
    "aaa_direct_message_events.docs.json": (
        "direct_message_events",
        ["twitter.direct_message.received"],
        [],
    ),
    "aaa_direct_message_indicate_typing.json": (
        "direct_message_indicate_typing_events",
        [],
        ["typing_indicator"],
    ),
    "aaa_direct_message_mark_read.json": (
        "direct_message_mark_read_events",
        [],
        ["read_receipt"],
    ),
    "aaa_direct_message_with_apps.json": (
        "direct_message_events",
        ["twitter.direct_message.received"],
        [],
    ),
    "aaa_direct_message_with_media.json": (
        "direct_message_events",
        ["twitter.direct_message.received"],
        [],
    ),
    "aaa_favorite_event.json": ("favorite_events", ["twitter.tweet.favorited"], []),
    "aaa_tweet_create_extended_tweet.json": (
        "tweet_create_events",
        ["twitter.tweet.received"],
        [],
    ),
    "aaa_tweet_create_reply_mention.json": (
        "tweet_create_events",
        ["twitter.tweet.received"],
        [],
    ),
    "aaa_tweet_delete_events.docs.json": ("tweet_delete_events", ["twitter.tweet.deleted"], []),
    "aaa_user_event_revoke.docs.json": ("user_event", ["twitter.app.revoked"], []),
    "xaa_dm_received.json": (
        "x_activity:dm.received",
        ["twitter.direct_message.received"],
        [],
    ),
    "xaa_oauth_revoke.json": ("x_activity:oauth.revoke", ["twitter.app.revoked"], []),
    "xaa_post_mention_create.json": (
        "x_activity:post.mention.create",
        ["twitter.tweet.received"],
        [],
    ),
    "xaa_post_reply_create.json": (
        "x_activity:post.reply.create",
        ["twitter.tweet.received"],
        [],
    ),
}


def test_every_sample_has_an_expectation(samples_dir: Path) -> None:
    assert sorted(p.name for p in samples_dir.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_parses_into_contract_events(samples_dir: Path, name: str) -> None:
    envelope, types, dropped = EXPECTED[name]
    raw = (samples_dir / name).read_bytes()
    parsed = parse_delivery(decode_body(raw), correlation_id=uuid.uuid4())
    assert parsed.envelope == envelope
    assert [item.event.type for item in parsed.events] == types
    assert list(parsed.dropped) == dropped
    for item in parsed.events:
        event = item.event
        # The topic's own adapter reads back exactly what ingest writes.
        assert TWITTER_ACTIVITY.parse(event.model_dump_json()) == event
        assert event.org_id is None
        assert event.subject.twitter_account_id == parsed.account_id
        expected_key = ":".join(filter(None, (parsed.account_id, event.subject.customer_id)))
        assert item.key == expected_key
    again = parse_delivery(decode_body(raw), correlation_id=uuid.uuid4())
    assert [i.event.event_id for i in again.events] == [i.event.event_id for i in parsed.events]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_raw_record_keeps_the_body_and_names_the_events(samples_dir: Path, name: str) -> None:
    raw = (samples_dir / name).read_bytes()
    parsed = parse_delivery(decode_body(raw), correlation_id=uuid.uuid4())
    received_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    *activity, last = delivery_records(parsed, raw, received_at, lambda topic: topic.name)
    assert [r.topic for r in activity] == ["twitter.activity.v1"] * len(parsed.events)
    assert (last.topic, last.key) == ("twitter.webhooks.raw.v1", parsed.account_id)
    delivered = TWITTER_WEBHOOKS_RAW.parse(last.value).payload
    assert delivered.body == raw.decode()
    assert delivered.received_at == received_at
    assert delivered.signature_verified is True
    assert delivered.envelope == parsed.envelope
    assert delivered.event_ids == tuple(i.event.event_id for i in parsed.events)
