"""The payloads the simulator builds have the shapes of the real samples: the same keys
at every level consumers read, the same JSON types (null stands in for any type)."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from switchboard_twitter_sim.domain.clock import SimClock
from switchboard_twitter_sim.domain.ids import SnowflakeIds
from switchboard_twitter_sim.domain.model import App
from switchboard_twitter_sim.service_layer import activity
from switchboard_twitter_sim.service_layer.world import World

pytestmark = pytest.mark.unit
OPTIONAL_KEYS = {"profile_banner_url"}  # present only for users with a banner
V1_DATE = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \+0000 \d{4}$")


@pytest.fixture
def world() -> World:
    clock = SimClock()
    app = App("268278", "Switchboard", "https://switchboard.test", "key", "secret", "bearer")
    world = World(app, clock, SnowflakeIds(clock))
    world.add_user("ScruffyMcG", name="Ryan Lue")
    world.add_user("pennbrooke1", name="pennbrooke")
    return world


def _sample(samples_dir: Path, name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((samples_dir / name).read_text())
    return loaded


def assert_same_shape(built: Any, sample: Any, path: str = "$") -> None:
    if sample is None or built is None:
        return
    if isinstance(sample, dict):
        assert isinstance(built, dict), f"{path}: {type(built).__name__}, not an object"
        missing = set(sample) - set(built) - OPTIONAL_KEYS
        extra = set(built) - set(sample)
        assert not missing, f"{path}: missing {sorted(missing)}"
        assert not extra, f"{path}: unexpected {sorted(extra)}"
        for key in set(sample) & set(built):
            assert_same_shape(built[key], sample[key], f"{path}.{key}")
    elif isinstance(sample, list):
        assert isinstance(built, list), f"{path}: {type(built).__name__}, not a list"
        if sample and built:
            assert_same_shape(built[0], sample[0], f"{path}[0]")
    else:
        assert type(built) is type(sample), f"{path}: {type(built).__name__} vs {sample!r}"


def assert_same_map_shape(
    built: dict[str, Any], sample: dict[str, Any], required: set[str]
) -> None:
    """`users`/`apps` maps: keyed by id; entries leave out empty profile fields."""
    allowed = set().union(*(entry.keys() for entry in sample.values()))
    template = next(iter(sample.values()))
    for key, entry in built.items():
        assert entry["id"] == key
        assert required <= set(entry) <= allowed, sorted(set(entry) ^ allowed)
        for field in set(entry) & set(template):
            assert_same_shape(entry[field], template[field], f"map.{field}")


def test_a_mention_has_the_shape_of_the_real_sample(world: World, samples_dir: Path) -> None:
    account, customer = world.user("ScruffyMcG"), world.user("pennbrooke1")
    earlier, _ = activity.post_tweet(
        world, customer, "hello world", in_reply_to=None, via_app=False
    )
    tweet, activities = activity.post_tweet(
        world, customer, "@ScruffyMcG This is only a test.", in_reply_to=earlier, via_app=False
    )
    delivered = next(a.body for a in activities if a.subscriber_id == account.id)
    sample = _sample(samples_dir, "aaa_tweet_create_reply_mention.json")
    assert_same_shape(delivered, sample)
    event = delivered["tweet_create_events"][0]
    assert event["display_text_range"] == [12, 32]  # as in the sample: after "@ScruffyMcG "
    assert event["id"] == int(event["id_str"]) > 2**53
    assert event["in_reply_to_status_id_str"] == earlier.id
    assert V1_DATE.match(event["created_at"])
    assert event["entities"]["user_mentions"][0]["id_str"] == account.id
    assert delivered["for_user_id"] == account.id
    assert tweet.audience == {account.id, customer.id}


def test_a_long_tweet_arrives_truncated_with_extended_tweet(
    world: World, samples_dir: Path
) -> None:
    customer = world.user("pennbrooke1")
    text = "@ScruffyMcG\n This is a test of long tweets. " + "word " * 50
    _, activities = activity.post_tweet(
        world, customer, text.strip(), in_reply_to=None, via_app=False
    )
    delivered = activities[0].body
    sample = _sample(samples_dir, "aaa_tweet_create_extended_tweet.json")
    assert_same_shape(delivered, sample)
    event, real = delivered["tweet_create_events"][0], sample["tweet_create_events"][0]
    assert event["truncated"] is True
    assert event["in_reply_to_user_id_str"] == world.user("ScruffyMcG").id  # starts with @
    assert event["in_reply_to_status_id_str"] is None
    assert event["extended_tweet"]["full_text"] == text.strip()
    assert len(event["text"]) == len(real["text"]) == 140
    assert event["text"][115] == real["text"][115] == "\u2026"
    assert event["entities"]["urls"][-1]["indices"] == real["entities"]["urls"][-1]["indices"]


def test_a_like_has_the_shape_of_the_real_sample(world: World, samples_dir: Path) -> None:
    account, customer = world.user("ScruffyMcG"), world.user("pennbrooke1")
    tweet, _ = activity.post_tweet(
        world, customer, "https://example.com/x is now running", in_reply_to=None, via_app=False
    )
    activities = activity.like(world, account, tweet)
    delivered = next(a.body for a in activities if a.subscriber_id == account.id)
    assert_same_shape(delivered, _sample(samples_dir, "aaa_favorite_event.json"))
    assert isinstance(delivered["favorite_events"][0]["timestamp_ms"], int)


def test_an_echoed_dm_sent_through_the_app_has_the_real_shape(
    world: World, samples_dir: Path
) -> None:
    account, customer = world.user("ScruffyMcG"), world.user("pennbrooke1")
    message, activities = activity.send_direct_message(
        world, account, customer, "Hey! Hello!", via_app=True
    )
    delivered = next(a.body for a in activities if a.subscriber_id == account.id)
    sample = _sample(samples_dir, "aaa_direct_message_with_apps.json")
    assert_same_shape(
        {k: v for k, v in delivered.items() if k not in {"users", "apps"}},
        {k: v for k, v in sample.items() if k not in {"users", "apps"}},
    )
    assert_same_map_shape(delivered["apps"], sample["apps"], {"id", "name", "url"})
    assert_same_map_shape(delivered["users"], sample["users"], {"id", "screen_name", "name"})
    event = delivered["direct_message_events"][0]
    assert event["id"] == message.id
    assert event["message_create"]["sender_id"] == delivered["for_user_id"] == account.id
    assert event["message_create"]["source_app_id"] == world.app.id


def test_a_customer_dm_has_the_shape_of_a_real_one(world: World, samples_dir: Path) -> None:
    account, customer = world.user("ScruffyMcG"), world.user("pennbrooke1")
    _, activities = activity.send_direct_message(world, customer, account, "hi", via_app=False)
    delivered = next(a.body for a in activities if a.subscriber_id == account.id)
    sample = _sample(samples_dir, "aaa_direct_message_with_media.json")
    del sample["direct_message_events"][0]["message_create"]["message_data"]["attachment"]
    assert_same_shape(
        {k: v for k, v in delivered.items() if k != "users"},
        {k: v for k, v in sample.items() if k != "users"},
    )
    assert_same_map_shape(delivered["users"], sample["users"], {"id", "screen_name", "name"})
    assert isinstance(delivered["direct_message_events"][0]["created_timestamp"], str)


def test_a_deletion_has_the_documented_shape(world: World, samples_dir: Path) -> None:
    customer = world.user("pennbrooke1")
    tweet, _ = activity.post_tweet(
        world, customer, "@ScruffyMcG oops", in_reply_to=None, via_app=False
    )
    activities = activity.delete_tweet(world, tweet)
    assert {a.subscriber_id for a in activities} == tweet.audience
    assert_same_shape(activities[0].body, _sample(samples_dir, "aaa_tweet_delete_events.docs.json"))


def test_a_revocation_has_the_documented_shape(world: World, samples_dir: Path) -> None:
    [revoked] = activity.revoke_app(world, world.user("ScruffyMcG"))
    sample = _sample(samples_dir, "aaa_user_event_revoke.docs.json")
    assert_same_shape(revoked.body, sample)
    assert re.match(
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$",
        revoked.body["user_event"]["revoke"]["date_time"],
    )
