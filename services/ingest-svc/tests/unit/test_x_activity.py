"""X Activity API deliveries -> the same contract events as Account Activity ones."""

import copy
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from switchboard_contracts.envelope import twitter_event_id
from switchboard_contracts.events.twitter import (
    AppRevoked,
    DirectMessageReceived,
    TweetReceived,
)
from switchboard_ingest.domain.deliveries import MalformedDeliveryError, parse_delivery

pytestmark = pytest.mark.unit
Loader = Callable[[str], Any]
ACCOUNT = "1111111111111111111"  # @ExampleUser
CUSTOMER = "2222222222222222222"  # @OtherUser


def parse(body: object) -> Any:
    return parse_delivery(body, correlation_id=uuid.uuid4())


def test_mention(load_sample: Loader) -> None:
    parsed = parse(load_sample("xaa_post_mention_create.json"))
    assert parsed.envelope == "x_activity:post.mention.create"
    [item] = parsed.events
    event = item.event
    assert isinstance(event, TweetReceived)
    assert item.key == f"{ACCOUNT}:{CUSTOMER}"
    assert event.payload.relation == "mention"
    assert event.payload.text == "hey @ExampleUser"
    assert event.payload.author.screen_name == "OtherUser"  # from includes.users
    assert event.payload.created_at == datetime(2026, 7, 24, 21, 23, 23, tzinfo=UTC)
    assert event.event_id == twitter_event_id(ACCOUNT, "tweet", "2080765813578191303")


def test_reply(load_sample: Loader) -> None:
    [item] = parse(load_sample("xaa_post_reply_create.json")).events
    payload = item.event.payload
    assert payload.relation == "reply"
    assert payload.in_reply_to_tweet_id == "2080761390344937796"
    assert payload.in_reply_to_user_id == ACCOUNT
    assert payload.text == "@ExampleUser Great post — thanks for sharing!"
    assert payload.author.id == CUSTOMER
    assert payload.author.screen_name is None  # this delivery's includes are empty
    assert item.key == f"{ACCOUNT}:{CUSTOMER}"


def test_dm_received(load_sample: Loader) -> None:
    [item] = parse(load_sample("xaa_dm_received.json")).events
    event = item.event
    assert isinstance(event, DirectMessageReceived)
    assert item.key == f"{ACCOUNT}:{CUSTOMER}"
    assert event.payload.text == "hello!"
    assert event.payload.sender.screen_name == "OtherUser"  # users[id].data.username
    assert event.payload.from_account is False
    assert event.event_id == twitter_event_id(ACCOUNT, "direct_message", "2080765901528535096")


def test_dm_sent_is_an_echo(load_sample: Loader) -> None:
    body = load_sample("xaa_dm_received.json")
    body["data"]["event_type"] = "dm.sent"
    create = body["data"]["payload"]["direct_message_events"][0]["message_create"]
    create["sender_id"], create["target"]["recipient_id"] = ACCOUNT, CUSTOMER
    [item] = parse(body).events
    assert item.event.payload.from_account is True
    assert item.event.payload.customer_id == CUSTOMER
    assert item.key == f"{ACCOUNT}:{CUSTOMER}"


def test_oauth_revoke_names_the_account_in_its_payload(load_sample: Loader) -> None:
    parsed = parse(load_sample("xaa_oauth_revoke.json"))
    assert parsed.for_user_id is None  # the filter is empty
    [item] = parsed.events
    assert isinstance(item.event, AppRevoked)
    assert item.key == ACCOUNT
    assert item.event.payload.app_id == "29820954"


def test_unknown_event_type_is_refused(load_sample: Loader) -> None:
    body = load_sample("xaa_oauth_revoke.json")
    body["data"]["event_type"] = "profile.update.bio"
    with pytest.raises(MalformedDeliveryError, match="unknown X Activity event_type"):
        parse(body)


def test_retweet_is_dropped(load_sample: Loader) -> None:
    body = load_sample("xaa_post_mention_create.json")
    body["data"]["payload"]["referenced_tweets"] = [{"type": "retweeted", "id": "5"}]
    parsed = parse(body)
    assert (parsed.events, parsed.dropped) == ((), ("retweet",))


def test_long_post_uses_note_tweet_and_media_are_references(load_sample: Loader) -> None:
    body = load_sample("xaa_post_mention_create.json")
    data = body["data"]
    data["payload"]["note_tweet"] = {"text": "hey @ExampleUser " + "x" * 300}
    data["payload"]["attachments"] = {"media_keys": ["3_1960000000000000001"]}
    data["includes"]["media"] = [
        {"media_key": "3_1960000000000000001", "type": "photo", "url": "https://pbs/x.jpg"},
        {"media_key": "3_9", "type": "photo", "url": "https://pbs/not-ours.jpg"},
    ]
    [item] = parse(body).events
    assert item.event.payload.text.endswith("x" * 300)
    [media] = item.event.payload.media
    assert (media.media_id, media.url) == ("1960000000000000001", "https://pbs/x.jpg")


# The same activity through both APIs: one event id, one key, the same facts.


def _as_account_activity(post: dict[str, Any], author: dict[str, str]) -> dict[str, Any]:
    created = datetime.fromisoformat(post["created_at"]).strftime("%a %b %d %H:%M:%S +0000 %Y")
    return {
        "for_user_id": ACCOUNT,
        "tweet_create_events": [
            {
                "id_str": post["id"],
                "created_at": created,
                "text": post["text"],
                "truncated": False,
                "in_reply_to_status_id_str": post.get("in_reply_to_tweet_id"),
                "in_reply_to_user_id_str": post.get("in_reply_to_user_id"),
                "user": {"id_str": post["author_id"], **author},
            }
        ],
    }


@pytest.mark.parametrize("sample", ["xaa_post_mention_create.json", "xaa_post_reply_create.json"])
def test_a_tweet_through_both_apis_yields_the_same_event(load_sample: Loader, sample: str) -> None:
    xaa = load_sample(sample)
    [via_xaa] = parse(xaa).events
    author = {"screen_name": via_xaa.event.payload.author.screen_name}
    author |= {"name": via_xaa.event.payload.author.name}
    [via_aaa] = parse(_as_account_activity(xaa["data"]["payload"], author)).events
    assert via_aaa.event.event_id == via_xaa.event.event_id
    assert via_aaa.key == via_xaa.key
    assert via_aaa.event.payload == via_xaa.event.payload


def test_a_dm_through_both_apis_yields_the_same_event(load_sample: Loader) -> None:
    xaa = load_sample("xaa_dm_received.json")
    users = {
        uid: {"id": uid, "screen_name": u["data"]["username"], "name": u["data"]["name"]}
        for uid, u in xaa["data"]["payload"]["users"].items()
    }
    aaa = {
        "for_user_id": ACCOUNT,
        "direct_message_events": copy.deepcopy(xaa["data"]["payload"]["direct_message_events"]),
        "users": users,
    }
    [via_xaa], [via_aaa] = parse(xaa).events, parse(aaa).events
    assert via_aaa.event.event_id == via_xaa.event.event_id
    assert via_aaa.event.payload == via_xaa.event.payload


def test_a_revoke_through_both_apis_yields_the_same_event(load_sample: Loader) -> None:
    xaa = load_sample("xaa_oauth_revoke.json")
    payload = xaa["data"]["payload"]
    aaa = {
        "user_event": {
            "revoke": {
                "date_time": payload["date_time"],
                "target": {"app_id": payload["app_id"]},
                "source": {"user_id": payload["user_id"]},
            }
        }
    }
    [via_xaa], [via_aaa] = parse(xaa).events, parse(aaa).events
    assert via_aaa.event.event_id == via_xaa.event.event_id
    assert via_aaa.key == via_xaa.key == ACCOUNT
