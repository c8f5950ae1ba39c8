"""Account Activity envelopes -> contract events: the fields that matter, per sample."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from switchboard_contracts.envelope import twitter_event_id
from switchboard_contracts.events.twitter import (
    AppRevoked,
    DirectMessageReceived,
    TweetDeleted,
    TweetFavorited,
    TweetReceived,
    UserFollowed,
)
from switchboard_ingest.domain.deliveries import MalformedDeliveryError, parse_delivery

pytestmark = pytest.mark.unit
CORRELATION = uuid.UUID(int=1)
Loader = Callable[[str], Any]
ACCOUNT = "2975699229"  # @ScruffyMcG
CUSTOMER = "1205290247124217856"  # @pennbrooke1


def parse(body: object) -> Any:
    return parse_delivery(body, correlation_id=CORRELATION)


def test_truncated_mention_keeps_the_full_text_and_is_a_mention(load_sample: Loader) -> None:
    body = load_sample("aaa_tweet_create_extended_tweet.json")
    [item] = parse(body).events
    event = item.event
    assert isinstance(event, TweetReceived)
    assert event.payload.text == body["tweet_create_events"][0]["extended_tweet"]["full_text"]
    assert event.payload.text.endswith('passed in an "extended_tweet" property.')
    # Starts with @ScruffyMcG (in_reply_to_user_id_str set) but answers no status.
    assert event.payload.relation == "mention"
    assert event.payload.in_reply_to_tweet_id is None
    assert event.payload.in_reply_to_user_id == ACCOUNT
    assert event.payload.user_has_blocked is False
    assert event.payload.created_at == datetime(2019, 12, 23, 13, 3, 29, tzinfo=UTC)
    assert item.key == f"{ACCOUNT}:{CUSTOMER}"
    assert event.event_id == twitter_event_id(ACCOUNT, "tweet", "1209097192914313216")


def test_reply_reads_ids_from_the_str_fields(load_sample: Loader) -> None:
    body = load_sample("aaa_tweet_create_reply_mention.json")
    tweet = body["tweet_create_events"][0]
    tweet["id"] = tweet["in_reply_to_status_id"] = 1  # numeric ids are never read
    [item] = parse(body).events
    assert item.event.payload.tweet_id == "1207623566339919872"
    assert item.event.payload.in_reply_to_tweet_id == "1205348660982083584"
    assert item.event.payload.relation == "reply"
    assert item.event.actor.id == CUSTOMER


@pytest.mark.parametrize(("given", "read"), [("true", True), ("false", False), (True, True)])
def test_user_has_blocked_is_a_boolean_or_a_string(
    load_sample: Loader, given: object, *, read: bool
) -> None:
    body = load_sample("aaa_tweet_create_reply_mention.json") | {"user_has_blocked": given}
    assert parse(body).events[0].event.payload.user_has_blocked is read


def test_customer_dm_with_media_keeps_a_reference(load_sample: Loader) -> None:
    [item] = parse(load_sample("aaa_direct_message_with_media.json")).events
    event = item.event
    assert isinstance(event, DirectMessageReceived)
    assert item.key == f"{ACCOUNT}:{CUSTOMER}"
    assert event.payload.from_account is False
    assert event.payload.customer_id == CUSTOMER
    assert event.payload.sender.screen_name == "pennbrooke1"  # from the users map
    [media] = event.payload.media
    assert media.media_id == "1209117874389843969"
    assert media.type == "animated_gif"
    assert media.url.startswith("https://pbs.twimg.com/dm_gif_preview/1209117874389843969/")
    assert event.payload.created_at == datetime(2019, 12, 23, 14, 25, 48, 216000, tzinfo=UTC)
    assert event.event_id == twitter_event_id(ACCOUNT, "direct_message", "1209117907864571908")


def test_dm_sent_by_the_account_is_an_echo_keyed_by_the_recipient(load_sample: Loader) -> None:
    [item] = parse(load_sample("aaa_direct_message_with_apps.json")).events
    assert item.key == "123:456"
    assert item.event.payload.from_account is True
    assert item.event.payload.customer_id == "456"
    assert item.event.payload.source_app_id == "268278"
    assert item.event.payload.text == "Hey! Hello!"


def test_dm_from_the_docs(load_sample: Loader) -> None:
    [item] = parse(load_sample("aaa_direct_message_events.docs.json")).events
    assert item.key == "4337869213:3001969357"
    assert item.event.payload.sender.name == "Jordan Brinks"
    assert item.event.payload.from_account is False


def test_dm_to_neither_party_is_refused(load_sample: Loader) -> None:
    body = load_sample("aaa_direct_message_events.docs.json") | {"for_user_id": "99"}
    with pytest.raises(MalformedDeliveryError, match="neither to nor from"):
        parse(body)


def test_favorite_by_the_account_belongs_to_the_tweets_author(load_sample: Loader) -> None:
    [item] = parse(load_sample("aaa_favorite_event.json")).events
    event = item.event
    assert isinstance(event, TweetFavorited)
    assert event.payload.tweet_id == "1206549698791657473"
    assert event.payload.user.id == ACCOUNT
    assert event.payload.from_account is True
    assert event.payload.customer_id == "28451785"
    assert item.key == f"{ACCOUNT}:28451785"
    # timestamp_ms is a number in favorites: millisecond precision.
    assert event.payload.favorited_at == datetime(2019, 12, 16, 23, 49, 59, 643000, tzinfo=UTC)
    assert event.event_id == twitter_event_id(
        ACCOUNT, "favorite", "306365f99a761d92af4753775e89f7a4"
    )


def test_deletion_of_the_accounts_own_tweet_is_account_level(load_sample: Loader) -> None:
    [item] = parse(load_sample("aaa_tweet_delete_events.docs.json")).events
    event = item.event
    assert isinstance(event, TweetDeleted)
    assert item.key == "930524282358325248"
    assert event.subject.customer_id is None
    assert event.payload.tweet_id == "1045405559317569537"
    assert event.payload.deleted_at == datetime(2015, 5, 21, 17, 9, 15, 593000, tzinfo=UTC)


def test_deletion_of_a_customers_tweet_is_in_their_conversation(load_sample: Loader) -> None:
    body = load_sample("aaa_tweet_delete_events.docs.json")
    body["tweet_delete_events"][0]["status"]["user_id"] = CUSTOMER
    [item] = parse(body).events
    assert item.key == f"930524282358325248:{CUSTOMER}"


def test_revoke_has_no_for_user_id_and_names_the_account(load_sample: Loader) -> None:
    parsed = parse(load_sample("aaa_user_event_revoke.docs.json"))
    assert parsed.for_user_id is None
    assert parsed.account_id == "63046977"
    [item] = parsed.events
    event = item.event
    assert isinstance(event, AppRevoked)
    assert item.key == "63046977"
    assert event.payload.app_id == "13090192"
    assert event.payload.revoked_at == datetime(2018, 5, 24, 9, 48, 12, tzinfo=UTC)


def test_follow_from_the_docs_shape() -> None:
    body = {
        "for_user_id": "3001969357",
        "follow_events": [
            {
                "type": "follow",
                "created_timestamp": "1517588749178",
                "target": {"id": "3001969357", "name": "Jordan Brinks", "screen_name": "j"},
                "source": {"id": "4337869213", "name": "Harrison Test", "screen_name": "h"},
            }
        ],
    }
    [item] = parse(body).events
    event = item.event
    assert isinstance(event, UserFollowed)
    assert item.key == "3001969357:4337869213"
    assert event.payload.action == "follow"
    assert event.payload.customer_id == "4337869213"
    assert event.payload.from_account is False
    assert parse(body).events[0].event.event_id == event.event_id


@pytest.mark.parametrize(
    ("sample", "reason"),
    [
        ("aaa_direct_message_indicate_typing.json", "typing_indicator"),
        ("aaa_direct_message_mark_read.json", "read_receipt"),
    ],
)
def test_typing_and_read_indicators_are_dropped_on_purpose(
    load_sample: Loader, sample: str, reason: str
) -> None:
    parsed = parse(load_sample(sample))
    assert parsed.events == ()
    assert parsed.dropped == (reason,)


def test_the_accounts_own_broadcast_has_no_customer_and_is_dropped(load_sample: Loader) -> None:
    body = load_sample("aaa_tweet_create_reply_mention.json")
    tweet = body["tweet_create_events"][0]
    tweet["user"]["id_str"] = ACCOUNT
    tweet["in_reply_to_status_id_str"] = tweet["in_reply_to_user_id_str"] = None
    tweet["display_text_range"] = [0, 32]
    parsed = parse(body)
    assert (parsed.events, parsed.dropped) == ((), ("own_tweet_to_nobody",))


def test_the_accounts_reply_in_its_own_thread_belongs_to_the_addressed_customer(
    load_sample: Loader,
) -> None:
    body = load_sample("aaa_tweet_create_reply_mention.json")
    tweet = body["tweet_create_events"][0]
    tweet["user"]["id_str"] = ACCOUNT
    tweet["in_reply_to_user_id_str"] = ACCOUNT  # answering its own previous reply
    tweet["entities"]["user_mentions"][0]["id_str"] = CUSTOMER  # "@pennbrooke1 ..." leads
    [item] = parse(body).events
    assert item.event.payload.relation == "own"
    assert item.event.payload.from_account is True
    assert item.key == f"{ACCOUNT}:{CUSTOMER}"


def test_retweets_and_quotes(load_sample: Loader) -> None:
    body = load_sample("aaa_tweet_create_reply_mention.json")
    retweet, quote = (dict(body["tweet_create_events"][0]) for _ in range(2))
    retweet["retweeted_status"] = {"id_str": "1"}
    quote["quoted_status_id_str"] = "42"
    body["tweet_create_events"] = [retweet, quote]
    parsed = parse(body)
    assert parsed.dropped == ("retweet",)
    [item] = parsed.events
    assert item.event.payload.quoted_tweet_id == "42"
