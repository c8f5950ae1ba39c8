"""The outbound path as the system runs it: conversation-svc's request on
replies.requested.v1 (real broker) -> channel-svc's worker -> Twitter (the simulator) ->
the result on replies.results.v1. A redelivered request is not sent twice."""

import uuid
from typing import Any

import pytest
from prometheus_client import REGISTRY

from switchboard_contracts.enums import ActorKind, MessageKind
from switchboard_contracts.envelope import Actor, Subject, utc_now
from switchboard_contracts.events.replies import ReplyRequested, ReplyRequestedPayload
from switchboard_contracts.topics import REPLIES_REQUESTED, REPLIES_RESULTS
from switchboard_platform.kafka.broker import EventPublisher
from switchboard_testing.kafka import consume_until

from .conftest import Service, Sim, connect
from .support import Org

pytestmark = pytest.mark.integration


def reply(
    org: Org,
    *,
    channel_id: uuid.UUID,
    conversation_id: uuid.UUID,
    message_id: uuid.UUID,
    customer_id: str,
    tweet_id: str,
    text: str,
) -> ReplyRequested:
    return ReplyRequested(
        event_id=uuid.uuid4(),
        occurred_at=utc_now(),
        org_id=org.id,
        producer="conversation-svc",
        actor=Actor(kind=ActorKind.USER, id=str(org.admin_id)),
        correlation_id=uuid.uuid4(),
        subject=Subject(channel_id=channel_id, conversation_id=conversation_id),
        payload=ReplyRequestedPayload(
            message_id=message_id,
            conversation_id=conversation_id,
            channel_id=channel_id,
            kind=MessageKind.TWEET,
            text=text,
            customer_id=customer_id,
            in_reply_to_tweet_id=tweet_id,
            requested_by=org.admin_id,
        ),
    )


def results_for(message_ids: set[str]) -> Any:
    def select(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            m["value"]
            for m in messages
            if isinstance(m["value"], dict)
            and m["value"].get("payload", {}).get("message_id") in message_ids
        ]

    return select


async def test_a_requested_reply_goes_out_once_and_its_result_comes_back(
    service: Service, sim: Sim, publisher: EventPublisher, kafka_bootstrap_servers: str
) -> None:
    org = Org()
    brand = await sim.client.create_user("kafka_brand")
    customer = await sim.client.create_user("kafka_customer")
    connected = await connect(service, sim, org, "kafka_brand")
    assert connected.status_code == 200, connected.text
    channel_id = uuid.UUID(connected.json()["channel"]["id"])
    mention = await sim.client.mention(customer, brand, "is anyone there?")

    conversation_id = uuid.uuid4()
    first, second = uuid.uuid4(), uuid.uuid4()

    def request(message_id: uuid.UUID, text: str) -> ReplyRequested:
        return reply(
            org,
            channel_id=channel_id,
            conversation_id=conversation_id,
            message_id=message_id,
            customer_id=customer.id,
            tweet_id=mention.id,
            text=text,
        )

    requests = [
        request(first, "@kafka_customer yes, we are here"),
        # The same request delivered again, then another: one key, so one partition, in order.
        request(first, "@kafka_customer yes, we are here"),
        request(second, "@kafka_customer what is your order number?"),
    ]
    for event in requests:
        await publisher.publish(REPLIES_REQUESTED, event, key=str(conversation_id))

    select = results_for({str(first), str(second)})
    seen = await consume_until(
        kafka_bootstrap_servers,
        publisher.topic_name(REPLIES_RESULTS),
        lambda messages: (
            {r["payload"]["message_id"] for r in select(messages)} == {str(first), str(second)}
        ),
        within=60,
    )
    results = select(seen)
    assert [r["type"] for r in results] == ["reply.sent", "reply.sent"]
    assert [r["payload"]["message_id"] for r in results] == [str(first), str(second)]
    assert all(r["org_id"] == str(org.id) for r in results)

    tweets = (await sim.client.sent(brand)).tweets
    texts = [t.text for t in tweets]
    assert texts.count("@kafka_customer yes, we are here") == 1  # not sent twice
    sent_ids = {t.id for t in tweets}
    assert {r["payload"]["twitter_id"] for r in results} <= sent_ids
    sends = REGISTRY.get_sample_value(
        "sb_twitter_api_calls_total", {"operation": "tweet", "outcome": "sent"}
    )
    assert sends is not None
    assert sends >= 2
    assert all(t.in_reply_to_tweet_id == mention.id for t in tweets)
