import json
import uuid
from pathlib import Path

import pytest

from switchboard_contracts.events.twitter import TweetReceived
from switchboard_contracts.topics import TWITTER_ACTIVITY
from switchboard_ingest.domain.deliveries import MalformedDeliveryError, parse_delivery

pytestmark = pytest.mark.unit
CORRELATION = uuid.UUID(int=1)


def _load(samples_dir: Path, name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((samples_dir / name).read_text())
    return data


def test_reply_mention_sample_becomes_a_customer_tweet(samples_dir: Path) -> None:
    parsed = parse_delivery(
        _load(samples_dir, "aaa_tweet_create_reply_mention.json"), correlation_id=CORRELATION
    )
    assert parsed.for_user_id == "2975699229"
    [item] = parsed.events
    event = item.event
    assert isinstance(event, TweetReceived)
    assert item.key == "2975699229:1205290247124217856"
    assert event.payload.tweet_id == "1207623566339919872"
    assert event.payload.text == "@ScruffyMcG This is only a test."
    assert event.payload.relation == "reply"
    assert event.payload.in_reply_to_tweet_id == "1205348660982083584"
    assert event.payload.from_account is False
    assert event.payload.author.screen_name == "pennbrooke1"
    assert event.payload.created_at.isoformat() == "2019-12-19T11:27:49+00:00"
    # The contract accepts what we produce.
    assert TWITTER_ACTIVITY.parse(event.model_dump_json()) == event


def test_event_id_is_stable_across_redeliveries(samples_dir: Path) -> None:
    body = _load(samples_dir, "aaa_tweet_create_reply_mention.json")
    first = parse_delivery(body, correlation_id=uuid.uuid4()).events[0].event
    again = parse_delivery(body, correlation_id=uuid.uuid4()).events[0].event
    assert first.event_id == again.event_id


def test_truncated_tweet_uses_full_text(samples_dir: Path) -> None:
    parsed = parse_delivery(
        _load(samples_dir, "aaa_tweet_create_extended_tweet.json"), correlation_id=CORRELATION
    )
    texts = [item.event.payload.text for item in parsed.events]
    raw = _load(samples_dir, "aaa_tweet_create_extended_tweet.json")
    tweet = raw["tweet_create_events"][0]  # type: ignore[index]
    assert texts == [tweet["extended_tweet"]["full_text"]]


def test_tweet_that_only_starts_with_the_handle_is_a_mention() -> None:
    body = {
        "for_user_id": "100",
        "tweet_create_events": [
            {
                "id_str": "555",
                "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                "text": "@brand help",
                "truncated": False,
                "in_reply_to_status_id_str": None,
                "in_reply_to_user_id_str": "100",
                "user": {"id_str": "200", "screen_name": "cust", "name": "C"},
            }
        ],
    }
    [item] = parse_delivery(body, correlation_id=CORRELATION).events
    assert item.event.payload.relation == "mention"
    assert item.key == "100:200"


def test_own_reply_is_an_echo_keyed_by_the_customer() -> None:
    body = {
        "for_user_id": "100",
        "tweet_create_events": [
            {
                "id_str": "556",
                "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                "text": "@cust on it",
                "in_reply_to_status_id_str": "555",
                "in_reply_to_user_id_str": "200",
                "user": {"id_str": "100", "screen_name": "brand", "name": "B"},
            }
        ],
    }
    [item] = parse_delivery(body, correlation_id=CORRELATION).events
    assert item.event.payload.from_account is True
    assert item.event.payload.relation == "own"
    assert item.key == "100:200"


def test_retweets_are_ignored() -> None:
    body = {
        "for_user_id": "100",
        "tweet_create_events": [
            {
                "id_str": "1",
                "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                "text": "RT",
                "user": {"id_str": "200"},
                "retweeted_status": {},
            }
        ],
    }
    assert parse_delivery(body, correlation_id=CORRELATION).events == ()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([], "not a JSON object"),
        ({}, "found none"),
        ({"for_user_id": "1", "tweet_create_events": [], "favorite_events": []}, "found"),
        ({"tweet_create_events": []}, "for_user_id"),
        ({"for_user_id": "12a", "tweet_create_events": []}, "for_user_id"),
        ({"for_user_id": "1", "tweet_create_events": "x"}, "not a list"),
        ({"for_user_id": "1", "tweet_create_events": [{"id_str": "1"}]}, "user is not an object"),
        (
            {
                "for_user_id": "1",
                "tweet_create_events": [
                    {"id_str": "1", "created_at": "yesterday", "text": "x", "user": {"id_str": "2"}}
                ],
            },
            "not a valid time",
        ),
    ],
)
def test_malformed_deliveries_are_refused(body: object, reason: str) -> None:
    with pytest.raises(MalformedDeliveryError, match=reason):
        parse_delivery(body, correlation_id=CORRELATION)
