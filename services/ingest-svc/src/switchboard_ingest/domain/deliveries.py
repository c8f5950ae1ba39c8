"""Turning one Account Activity delivery into contract events. Pure: no I/O, no clock.

The skeleton normalises tweets; the other Account Activity envelopes are recognised and
kept as raw deliveries only until their parsers land (issue 9). Anything else is refused.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import Actor, Event, Subject, twitter_event_id
from switchboard_contracts.events.twitter import (
    MediaRef,
    TweetReceived,
    TweetReceivedPayload,
    TwitterUser,
)

PRODUCER = "ingest-svc"

ACCOUNT_ACTIVITY_ENVELOPES = (
    "tweet_create_events",
    "favorite_events",
    "follow_events",
    "block_events",
    "mute_events",
    "direct_message_events",
    "direct_message_indicate_typing_events",
    "direct_message_mark_read_events",
    "tweet_delete_events",
    "user_event",
)


class MalformedDeliveryError(ValueError):
    """The body is not a delivery we understand; it is refused and nothing is published."""


@dataclass(frozen=True)
class KeyedEvent:
    key: str
    event: Event[Any]


@dataclass(frozen=True)
class ParsedDelivery:
    envelope: str
    for_user_id: str | None
    events: tuple[KeyedEvent, ...]


def parse_delivery(body: object, *, correlation_id: Any) -> ParsedDelivery:
    if not isinstance(body, Mapping):
        raise MalformedDeliveryError("the body is not a JSON object")
    present = [key for key in ACCOUNT_ACTIVITY_ENVELOPES if key in body]
    if len(present) != 1:
        raise MalformedDeliveryError(
            "expected exactly one Account Activity envelope, found "
            + (", ".join(present) if present else "none")
        )
    envelope = present[0]
    for_user_id = body.get("for_user_id")
    if envelope != "user_event" and not _is_id(for_user_id):
        raise MalformedDeliveryError("for_user_id is missing or not a Twitter id")
    events: tuple[KeyedEvent, ...] = ()
    if envelope == "tweet_create_events":
        tweets = body[envelope]
        if not isinstance(tweets, Sequence) or isinstance(tweets, str):
            raise MalformedDeliveryError("tweet_create_events is not a list")
        events = tuple(
            keyed
            for tweet in tweets
            if (keyed := _tweet(str(for_user_id), tweet, correlation_id)) is not None
        )
    return ParsedDelivery(envelope, str(for_user_id) if for_user_id else None, events)


def _tweet(account_id: str, tweet: object, correlation_id: Any) -> KeyedEvent | None:
    if not isinstance(tweet, Mapping):
        raise MalformedDeliveryError("a tweet is not an object")
    if "retweeted_status" in tweet:
        return None  # retweets are not conversations
    try:
        author = tweet["user"]
        author_id = _id(author["id_str"])
        tweet_id = _id(tweet["id_str"])
        created_at = datetime.strptime(tweet["created_at"], "%a %b %d %H:%M:%S %z %Y")
        extended = tweet.get("extended_tweet") or {}
        text = extended.get("full_text") if tweet.get("truncated") else None
        text = str(text if text is not None else tweet["text"])
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedDeliveryError(f"a tweet lacks a valid field: {exc}") from exc
    reply_to_status = _optional_id(tweet.get("in_reply_to_status_id_str"))
    reply_to_user = _optional_id(tweet.get("in_reply_to_user_id_str"))
    from_account = author_id == account_id
    if from_account:
        if reply_to_user is None or reply_to_user == account_id:
            return None  # the account's own broadcast or self-thread: no customer
        customer_id, relation = reply_to_user, "own"
    else:
        customer_id = author_id
        relation = "reply" if reply_to_status is not None else "mention"
    payload = TweetReceivedPayload(
        account_id=account_id,
        tweet_id=tweet_id,
        author=TwitterUser(
            id=author_id, screen_name=author.get("screen_name"), name=author.get("name")
        ),
        customer_id=customer_id,
        text=text,
        created_at=created_at.astimezone(UTC),
        relation=relation,
        in_reply_to_tweet_id=reply_to_status,
        in_reply_to_user_id=reply_to_user,
        quoted_tweet_id=_optional_id(tweet.get("quoted_status_id_str")),
        from_account=from_account,
        media=_media(tweet, extended),
    )
    event = TweetReceived(
        event_id=twitter_event_id(account_id, "tweet", tweet_id),
        occurred_at=payload.created_at,
        org_id=None,
        producer=PRODUCER,
        actor=Actor(kind=ActorKind.TWITTER_ACCOUNT, id=author_id),
        correlation_id=correlation_id,
        subject=Subject(twitter_account_id=account_id, customer_id=customer_id),
        payload=payload,
    )
    return KeyedEvent(f"{account_id}:{customer_id}", event)


def _media(tweet: Mapping[str, Any], extended: Mapping[str, Any]) -> tuple[MediaRef, ...]:
    entities = extended.get("extended_entities") or tweet.get("extended_entities") or {}
    return tuple(
        MediaRef(
            media_id=_optional_id(item.get("id_str")),
            type=str(item.get("type", "photo")),
            url=str(item.get("media_url_https") or item.get("url")),
        )
        for item in entities.get("media", ())
        if isinstance(item, Mapping)
    )


MAX_ID_DIGITS = 20  # Twitter ids are unsigned 64-bit integers


def _is_id(value: object) -> bool:
    return (
        isinstance(value, str)
        and value.isascii()
        and value.isdigit()
        and len(value) <= MAX_ID_DIGITS
    )


def _id(value: object) -> str:
    if not _is_id(value):
        raise ValueError(f"not a Twitter id: {value!r}")
    return str(value)


def _optional_id(value: object) -> str | None:
    return None if value is None else _id(value)
