"""The checker, on made-up histories: a clean one passes; a lost, duplicated or misplaced
message, a reply sent twice or failed-but-sent, and events that disagree with the API fail,
each naming what is wrong."""

import json
from typing import Any

import pytest

from switchboard_chaos.checker import ApiView, Findings, _judge, check_fold, check_messages
from switchboard_chaos.workload import Reply, SentMessage

pytestmark = pytest.mark.unit
ORG, OTHER = "org-1", "org-2"


def sent(token: str, customer: str = "c1") -> SentMessage:
    return SentMessage(token, ORG, "acct", customer, "tweet", 0.0)


def state(conversation_id: str, revision: int = 2, customer: str = "c1") -> dict[str, Any]:
    return {
        "conversation_id": conversation_id,
        "id": conversation_id,
        "channel_id": "ch",
        "customer": {"id": customer},
        "status": "new",
        "owner_id": None,
        "tags": [],
        "topic_ids": [],
        "created_at": "2026-12-07T06:00:00+00:00",
        "last_activity_at": "2026-12-07T06:00:01+00:00",
        "revision": revision,
    }


def view(*conversations: tuple[str, str, list[str]]) -> ApiView:
    """(conversation id, customer, inbound texts) of ORG."""
    api = ApiView()
    for conversation_id, customer, texts in conversations:
        api.details[conversation_id] = {
            "conversation": state(conversation_id, customer=customer),
            "messages": [{"direction": "inbound", "text": t} for t in texts],
        }
        api.org_of[conversation_id] = ORG
    return api


def test_every_message_once_passes() -> None:
    findings = Findings()
    check_messages(
        findings, [sent("m000001"), sent("m000002")], view(("k", "c1", ["@b m000001 x", "m000002"]))
    )
    assert findings.passed, findings.checks
    assert findings.totals["messages_stored"] == 2


@pytest.mark.parametrize(
    ("texts", "customer", "wrong"),
    [
        (["m000001"], "c1", "1 lost ['m000002']"),
        (["m000001", "m000002", "m000002"], "c1", "1 duplicated ['m000002']"),
        (["m000001", "m000002"], "c9", "2 misplaced"),
    ],
)
def test_a_lost_duplicated_or_misplaced_message_fails(
    texts: list[str], customer: str, wrong: str
) -> None:
    findings = Findings()
    check_messages(findings, [sent("m000001"), sent("m000002")], view(("k", customer, texts)))
    assert not findings.passed
    assert wrong in findings.checks[0].detail


def reply(message_id: str | None = "msg") -> Reply:
    return Reply("r00001", ORG, "k", "acct", message_id=message_id, refused="503 down")


@pytest.mark.parametrize(
    ("delivery", "reason", "on_twitter", "ok"),
    [
        ("sent", None, 1, True),
        ("sent", None, 2, False),  # sent twice
        ("sent", None, 0, False),  # said sent, never reached Twitter
        ("failed", "rate limited", 0, True),
        ("failed", "rate limited", 1, False),  # failed, yet it went out
        ("failed", None, 0, False),  # failed without saying why
        ("requested", None, 0, False),  # left waiting
    ],
)
def test_each_reply_is_judged_by_what_twitter_got(
    delivery: str, reason: str | None, on_twitter: int, *, ok: bool
) -> None:
    outcome, problem = _judge(
        reply(), {"delivery_state": delivery, "failure_reason": reason}, on_twitter
    )
    assert outcome == delivery
    assert (problem is None) is ok


def test_a_refused_reply_is_a_problem() -> None:
    assert _judge(reply(None), None, 0) == ("refused", "r00001 refused: 503 down")


def records(*states: dict[str, Any]) -> list[tuple[str | None, bytes]]:
    return [
        (s["conversation_id"], json.dumps({"org_id": ORG, "payload": {"conversation": s}}).encode())
        for s in states
    ] + [(None, json.dumps({"org_id": OTHER, "payload": {}}).encode())]


def test_events_that_fold_to_the_api_pass_and_a_stale_fold_fails() -> None:
    api = view(("k", "c1", []))
    agreeing = Findings()
    check_fold(agreeing, records(state("k", revision=1), state("k", revision=2)), [ORG], api)
    assert agreeing.passed, agreeing.checks
    behind = Findings()
    check_fold(behind, records(state("k", revision=1)), [ORG], api)
    assert not behind.passed
    missing = Findings()
    check_fold(missing, records(), [ORG], api)
    assert "ids differ" in missing.checks[0].detail
