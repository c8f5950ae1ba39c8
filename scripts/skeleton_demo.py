"""Watch the walking skeleton work against a running `make up` stack.

    uv run python scripts/skeleton_demo.py

1. publishes a `channels.v1` snapshot for the sample's Twitter account (what channel-svc
   will do when an admin connects it; issue 5 replaces this step with the OAuth flow);
2. POSTs the signed sample webhook to ingest-svc;
3. waits for `conversation.created` on `conversations.v1` and prints it.
"""

import asyncio
import json
import os
import sys
import uuid
from typing import Any

import httpx

from switchboard_contracts.topics import CHANNELS, CONVERSATIONS
from switchboard_ingest.domain.signature import signature
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.builders import channel_snapshot
from switchboard_testing.kafka import consume_until
from switchboard_testing.twitter_samples import sample_path

SAMPLE = sample_path("aaa_tweet_create_reply_mention.json")
INGEST = os.environ.get("SB_INGEST_URL", "http://127.0.0.1:8003")
SECRET = os.environ.get("SB_INGEST_TWITTER_CONSUMER_SECRET", "local-dev-consumer-secret")


def step(text: str) -> None:
    sys.stdout.write(f"\n== {text}\n")


async def main() -> None:
    kafka = KafkaSettings()
    org_id, channel_id = uuid.uuid4(), uuid.uuid4()
    broker = build_broker(kafka, client_id="skeleton-demo")
    await broker.start()
    publisher = EventPublisher(broker, kafka)
    step(f"channel connected: @ScruffyMcG in organization {org_id}")
    snapshot = channel_snapshot(org_id=org_id, channel_id=channel_id)
    await publisher.publish(CHANNELS, snapshot, key=str(channel_id))
    await broker.stop()

    # A fresh tweet id each run: the same tweet delivered again is (rightly) a duplicate.
    sample = json.loads(SAMPLE.read_bytes())
    sample["tweet_create_events"][0]["id_str"] = str(
        1_900_000_000_000_000_000 + uuid.uuid4().int % 10**17
    )
    body = json.dumps(sample).encode()
    step(f"POST {INGEST}/webhooks/twitter ({SAMPLE.name}, signed)")
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{INGEST}/webhooks/twitter",
            content=body,
            headers={"x-twitter-webhooks-signature": signature(SECRET, body)},
        )
        sys.stdout.write(f"{response.status_code} {response.text}\n")
        forged = await client.post(
            f"{INGEST}/webhooks/twitter",
            content=body,
            headers={"x-twitter-webhooks-signature": signature("forged", body)},
        )
        sys.stdout.write(f"same body, forged signature: {forged.status_code} {forged.text}\n")

    def ours(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            m["value"]
            for m in messages
            if isinstance(m["value"], dict) and m["value"].get("org_id") == str(org_id)
        ]

    step(f"waiting for the conversation on {CONVERSATIONS.name}")
    seen = await consume_until(
        kafka.bootstrap_servers,
        CONVERSATIONS.name if not kafka.topic_prefix else kafka.topic_prefix + CONVERSATIONS.name,
        lambda messages: len(ours(messages)) >= 2,
        within=30,
    )
    for event in ours(seen):
        state = event["payload"]["conversation"]
        sys.stdout.write(
            f"{event['type']}: conversation {state['conversation_id']} "
            f"status={state['status']} customer=@{state['customer']['screen_name']} "
            f"revision={state['revision']}\n"
        )
    sys.stdout.write("\n" + json.dumps(ours(seen)[0], indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
