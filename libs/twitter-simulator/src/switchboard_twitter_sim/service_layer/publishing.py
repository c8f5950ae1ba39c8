"""Routing activity to webhooks: every webhook a concerned account is subscribed to gets
its own copy (with that account as `for_user_id`), and a copy is kept for replay."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from switchboard_twitter_sim.service_layer.delivery import Dispatcher
from switchboard_twitter_sim.service_layer.world import Recorded, World


@dataclass(frozen=True)
class Activity:
    subscriber_id: str  # the account whose subscription carries it
    kind: str  # the envelope key, e.g. "tweet_create_events"
    body: dict[str, Any]


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def publish(world: World, dispatcher: Dispatcher, activities: Iterable[Activity]) -> int:
    """Hand every activity to its webhooks; returns how many deliveries were made."""
    count = 0
    for activity in activities:
        body = encode(activity.body)
        for hook in world.subscribed_webhooks(activity.subscriber_id):
            world.history.append(
                Recorded(hook.id, activity.subscriber_id, activity.kind, body, world.clock.now())
            )
            if hook.valid:  # an invalid webhook receives nothing until a CRC passes
                dispatcher.submit(hook.id, hook.url, activity.subscriber_id, activity.kind, body)
                count += 1
    return count
