"""The checker: at the end, from the outside (the APIs, the simulator, the topics), is
every promise kept over the whole history?"""

import asyncio
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import orjson

from switchboard_chaos.faults import Hit
from switchboard_chaos.workload import Headers, Organization, Reply, SentMessage, Workload
from switchboard_contracts.topics import ALL_TOPICS, DLQ_SUFFIX
from switchboard_testing.folding import COMPARED, fold
from switchboard_testing.kafka import read_all
from switchboard_twitter_sim.client import SimulatorClient

MESSAGE_TOKEN = re.compile(r"\bm\d{6}\b")
REPLY_TOKEN = re.compile(r"\br\d{5}\b")


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Findings:
    checks: list[Check] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    def check(self, name: str, passed: bool, detail: str) -> None:  # noqa: FBT001
        self.checks.append(Check(name, passed, detail))

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


@dataclass
class ApiView:
    """Every conversation of every organization as the API shows it, with its messages."""

    details: dict[str, dict[str, Any]] = field(default_factory=dict)  # by conversation id
    org_of: dict[str, str] = field(default_factory=dict)


async def read_api(conversation_url: str, orgs: list[Organization]) -> ApiView:
    view = ApiView()
    gate = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=conversation_url, timeout=30) as client:
        for org in orgs:
            ids: list[str] = []
            for brand in org.brands:
                ids += await _listed(client, brand.channel_id, org.agent)

            async def detail(conversation_id: str, headers: Headers) -> None:
                async with gate:
                    response = await client.get(
                        f"/v1/conversations/{conversation_id}", headers=headers
                    )
                response.raise_for_status()
                view.details[conversation_id] = response.json()

            await asyncio.gather(*(detail(i, org.agent) for i in ids))
            view.org_of |= dict.fromkeys(ids, str(org.id))
    return view


async def _listed(client: httpx.AsyncClient, channel_id: str, headers: Headers) -> list[str]:
    ids: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        response = await client.get(
            f"/v1/channels/{channel_id}/conversations", params=params, headers=headers
        )
        response.raise_for_status()
        page = response.json()
        ids += [item["id"] for item in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            return ids


def check_messages(findings: Findings, sent_messages: list[SentMessage], view: ApiView) -> None:
    """Every customer message stored exactly once, in its organization, in a conversation
    of its customer."""
    stored: Counter[str] = Counter()
    misplaced = []
    sent = {m.token: m for m in sent_messages}
    for conversation_id, detail in view.details.items():
        customer = detail["conversation"]["customer"]["id"]
        for message in detail["messages"]:
            if message["direction"] != "inbound":
                continue
            for token in MESSAGE_TOKEN.findall(message["text"]):
                stored[token] += 1
                origin = sent.get(token)
                if origin is None or (origin.org_id, origin.customer_id) != (
                    view.org_of[conversation_id],
                    customer,
                ):
                    misplaced.append(token)
    lost = sorted(set(sent) - set(stored))
    duplicated = sorted(t for t, n in stored.items() if n > 1)
    findings.totals |= {
        "messages_sent": len(sent),
        "messages_stored": len(set(stored) & set(sent)),
        "messages_lost": len(lost),
        "messages_duplicated": len(duplicated),
    }
    findings.check(
        "every customer message stored exactly once",
        not lost and not duplicated and not misplaced,
        f"{len(sent)} sent, {len(set(stored) & set(sent))} stored, {len(lost)} lost "
        f"{lost[:10]}, {len(duplicated)} duplicated {duplicated[:10]}, "
        f"{len(misplaced)} misplaced {misplaced[:10]}",
    )


async def check_replies(
    findings: Findings, workload: Workload, view: ApiView, sim: SimulatorClient
) -> None:
    """Every reply sent to Twitter exactly once, or reported failed with a reason (and then
    not sent at all); none left waiting; none shown twice."""
    on_twitter: Counter[str] = Counter()
    accounts = {b.account.id for org in workload.orgs for b in org.brands}
    for account in accounts:
        sent = await sim.sent(account)
        texts = [t.text for t in sent.tweets] + [m.text for m in sent.direct_messages]
        for text in texts:
            on_twitter.update(REPLY_TOKEN.findall(text))
    shown: Counter[str] = Counter()
    states: dict[str, dict[str, Any]] = {}
    for detail in view.details.values():
        for message in detail["messages"]:
            if message["direction"] == "outbound":
                for token in REPLY_TOKEN.findall(message["text"]):
                    shown[token] += 1
                    states[token] = message
    problems: list[str] = []
    tally: Counter[str] = Counter()
    for reply in workload.replies:
        delivery, problem = _judge(reply, states.get(reply.token), on_twitter[reply.token])
        tally[delivery] += 1
        if problem:
            problems.append(problem)
        if shown[reply.token] > 1:
            problems.append(f"{reply.token} shown {shown[reply.token]} times")
    stray = sorted(set(on_twitter) - {r.token for r in workload.replies})
    problems += [f"{token} on Twitter, never requested" for token in stray]
    findings.totals |= {
        "replies_requested": len(workload.replies),
        "replies_sent": tally["sent"],
        "replies_failed": tally["failed"],
        "replies_duplicated": sum(1 for r in workload.replies if on_twitter[r.token] > 1),
    }
    findings.check(
        "every reply sent once, or failed saying why",
        not problems,
        f"{dict(tally)}; retried requests: {sum(r.attempts - 1 for r in workload.replies)}; "
        f"problems: {problems[:10]}",
    )


def _judge(reply: Reply, state: dict[str, Any] | None, on_twitter: int) -> tuple[str, str | None]:
    """The reply's outcome, and what is wrong with it, if anything."""
    if reply.message_id is None:
        return "refused", f"{reply.token} refused: {reply.refused}"
    delivery = state["delivery_state"] if state else "missing"
    if delivery == "sent":
        ok = on_twitter == 1
    elif delivery == "failed":
        ok = on_twitter == 0 and bool(state and state["failure_reason"])
    else:
        ok = False
    reason = state["failure_reason"] if state else None
    problem = f"{reply.token} {delivery} ({reason}), on Twitter {on_twitter} times"
    return delivery, None if ok else problem


def check_fold(
    findings: Findings, records: list[tuple[str | None, bytes]], org_ids: list[str], view: ApiView
) -> None:
    """conversations.v1 folded by an outside subscriber equals what the API shows."""
    messages = [{"key": key, "value": orjson.loads(value)} for key, value in records]
    differences = []
    folded_total = 0
    for org_id in org_ids:
        folded = fold(messages, org_id)
        folded_total += len(folded)
        api = {i: d["conversation"] for i, d in view.details.items() if view.org_of[i] == org_id}
        if set(folded) != set(api):
            differences.append(f"ids differ: {len(set(folded) ^ set(api))}")
        for conversation_id, state in api.items():
            rebuilt = folded.get(conversation_id)
            if rebuilt is None:
                continue
            ours = {k: rebuilt[k] for k in COMPARED} | {"customer": rebuilt["customer"]["id"]}
            theirs = {k: state[k] for k in COMPARED} | {"customer": state["customer"]["id"]}
            if ours != theirs or _instant(rebuilt["last_activity_at"]) != _instant(
                state["last_activity_at"]
            ):
                differences.append(f"{conversation_id}: events {ours} api {theirs}")
    findings.totals["conversations"] = len(view.details)
    findings.check(
        "conversations rebuilt from conversations.v1 equal the API",
        not differences,
        f"{folded_total} folded, {len(view.details)} in the API; differences: {differences[:5]}",
    )


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def check_topics(findings: Findings, bootstrap: str) -> None:
    """No event id twice with different contents, on any topic; the dead letters."""
    conflicting: list[str] = []
    events = 0
    letters: list[str] = []
    for topic in ALL_TOPICS:
        records = await read_all(bootstrap, topic.name, within=120)
        if topic.name.endswith(DLQ_SUFFIX):
            letters += [
                f"{topic.name}: {r['value']['payload']['error_type']}: "
                f"{r['value']['payload']['error']}"[:300]
                for r in records
            ]
            continue
        contents: dict[str, set[bytes]] = defaultdict(set)
        for record in records:
            value = record["value"]
            if isinstance(value, dict) and "event_id" in value:
                contents[value["event_id"]].add(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
        events += len(contents)
        conflicting += [f"{topic.name}:{i}" for i, seen in contents.items() if len(seen) > 1]
    findings.totals["distinct_events"] = events
    findings.totals["dead_letters"] = len(letters)
    findings.check(
        "no event id twice with different contents",
        not conflicting,
        f"{events} distinct events on {len(ALL_TOPICS)} topics; conflicting: {conflicting[:10]}",
    )
    findings.check("dead-letter topics empty", not letters, "; ".join(letters[:10]) or "empty")


async def check_edge(findings: Findings, sim: SimulatorClient, hits: list[Hit]) -> None:
    """While Kafka was down, ingest-svc answered 503 (never 200), so Twitter retried; and
    Twitter never gave up on a delivery."""
    attempts = await sim.deliveries()
    final: dict[int, bool] = defaultdict(bool)
    last: dict[int, str] = {}
    for attempt in attempts:
        final[attempt.delivery_id] |= attempt.succeeded
        last[attempt.delivery_id] = str(attempt.status_code or attempt.error)[:80]
    given_up = [d for d, ok in final.items() if not ok]
    # What the receiver last said to those: the first clue when this fails in CI.
    last_answers = Counter(last[d] for d in given_up)
    findings.totals |= {
        "deliveries": len(final),
        "delivery_attempts": len(attempts),
        "deliveries_given_up": len(given_up),
    }
    findings.check(
        "every webhook delivery accepted in the end",
        not given_up,
        f"{len(final)} deliveries in {len(attempts)} attempts; given up: {len(given_up)}"
        + (f", last answered {dict(last_answers.most_common(5))}" if given_up else ""),
    )
    for hit in hits:
        if hit.fault.kind != "kafka":
            continue
        start, end = hit.wall_down
        during = [a for a in attempts if start + 1 <= a.at.timestamp() <= end]
        statuses = Counter(str(a.status_code or a.error) for a in during)
        accepted = [a for a in during if a.succeeded]
        findings.check(
            "ingest-svc answered 503 while Kafka was down",
            not accepted and statuses.get("503", 0) > 0,
            f"{len(during)} attempts in the {end - start:.1f} s down: {dict(statuses)}",
        )
