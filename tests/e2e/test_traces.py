"""Traces across the system (issue 8): a customer's tweet, and an agent's reply, each make
one OpenTelemetry trace through every service they reach — over HTTP, Kafka headers and
the outbox — exported over OTLP by the service processes to a collector."""

import secrets
from typing import Any

import pytest

from switchboard_contracts.topics import (
    CONVERSATIONS,
    REPLIES_REQUESTED,
    REPLIES_RESULTS,
    TWITTER_ACTIVITY,
    Topic,
)
from switchboard_platform.kafka.naming import physical_name
from switchboard_testing.kafka import consume_until
from switchboard_testing.organization import Org, unique
from switchboard_testing.system import System
from switchboard_testing.traces import Span, SpanCollector, tree_problems
from switchboard_testing.waiting import eventually
from switchboard_twitter_sim.client import SimulatorClient

pytestmark = pytest.mark.e2e


async def test_a_tweet_and_the_reply_to_it_are_each_one_trace_across_the_services(
    system: System, span_collector: SpanCollector
) -> None:
    def topic(t: Topic) -> str:
        return physical_name(t, system.topic_prefix)

    async def whole_trace(
        trace_id: str, expected: set[tuple[str, str]], caller_span_id: str | None = None
    ) -> list[Span]:
        async def probe() -> list[Span] | None:
            spans = span_collector.spans(trace_id)
            present = {(s.service, s.name) for s in spans}
            if expected <= present and not tree_problems(spans, caller_span_id=caller_span_id):
                return spans
            return None

        try:
            return await eventually(f"trace {trace_id}", probe)
        except AssertionError:
            spans = span_collector.spans(trace_id)
            missing = expected - {(s.service, s.name) for s in spans}
            problems = tree_problems(spans, caller_span_id=caller_span_id)
            pytest.fail(f"missing {missing}; {problems}; spans: {spans}")

    async with Org(system) as org, SimulatorClient(system.twitter.base_url) as sim:
        brand, channel_id, _, as_carl = await org.staffed_channel(sim)
        jane = await sim.create_user(unique("jane"))
        await sim.mention(jane, brand, "where is my parcel?")
        item = await org.conversation_of(channel_id, jane, as_carl)

        # Inbound: Twitter's webhook starts the trace; the conversation's first event on
        # conversations.v1 carries it in its headers.
        def created(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [
                m
                for m in messages
                if m["key"] == item["id"] and m["value"]["type"] == "conversation.created"
            ]

        seen = await consume_until(
            system.kafka_bootstrap_servers, topic(CONVERSATIONS), lambda ms: bool(created(ms))
        )
        inbound_trace = created(seen)[0]["headers"]["traceparent"].split("-")[1]
        inbound = await whole_trace(
            inbound_trace,
            {
                ("ingest-svc", "POST /webhooks/twitter"),
                ("ingest-svc", f"{topic(TWITTER_ACTIVITY)} publish"),
                ("conversation-svc", f"{topic(TWITTER_ACTIVITY)} process"),
                ("conversation-svc", f"{topic(CONVERSATIONS)} publish"),
            },
        )
        [root] = [s for s in inbound if s.parent_span_id is None]
        assert (root.service, root.kind) == ("ingest-svc", "server")

        # Outbound: the agent's client sends its own trace context with the reply; the
        # request, the worker's call to Twitter and the result all continue it.
        reply_trace, caller = secrets.token_hex(16), secrets.token_hex(8)
        path = f"/v1/conversations/{item['id']}"
        reply = await org.conversations.post(
            f"{path}/replies",
            json={"text": "Let me look into it"},
            headers={**as_carl, "traceparent": f"00-{reply_trace}-{caller}-01"},
        )
        assert reply.status_code == 202, reply.text
        outbound = await whole_trace(
            reply_trace,
            {
                ("conversation-svc", "POST /v1/conversations/{conversation_id}/replies"),
                ("conversation-svc", f"{topic(REPLIES_REQUESTED)} publish"),
                ("channel-svc", f"{topic(REPLIES_REQUESTED)} process"),
                ("channel-svc", "POST /2/tweets"),
                ("channel-svc", f"{topic(REPLIES_RESULTS)} publish"),
                ("conversation-svc", f"{topic(REPLIES_RESULTS)} process"),
                ("conversation-svc", f"{topic(CONVERSATIONS)} publish"),
            },
            caller_span_id=caller,
        )
        [twitter_call] = [s for s in outbound if s.name == "POST /2/tweets"]
        assert twitter_call.kind == "client"
        assert twitter_call.attributes["switchboard.twitter.outcome"] == "sent"

        # What customers and agents wrote stays out of the traces.
        for span in inbound + outbound:
            for value in span.attributes.values():
                assert "parcel" not in str(value), span
                assert "look into it" not in str(value), span
