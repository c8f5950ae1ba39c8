"""Property-based fuzzing of the parser: whatever JSON arrives, parsing either refuses it
with MalformedDeliveryError or yields events the topic contracts accept. Never anything
else (which the HTTP edge would turn into a 500)."""

import copy
import json
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from switchboard_contracts.topics import TWITTER_ACTIVITY, TWITTER_WEBHOOKS_RAW
from switchboard_ingest.domain.account_activity import ENVELOPES
from switchboard_ingest.domain.deliveries import (
    MalformedDeliveryError,
    ParsedDelivery,
    decode_body,
    parse_delivery,
)
from switchboard_ingest.service_layer.receive_delivery import delivery_records
from switchboard_testing.twitter_samples import sample_files

pytestmark = pytest.mark.unit
SAMPLE_BODIES = [json.loads(p.read_text()) for p in sample_files()]

# Values that sit on the edges of what the parsers check.
EDGY = st.sampled_from(
    [
        None, True, False, 0, -1, 2**64, 1.5, "", "0", "1", "123", "1" * 21, "12a", "²",
        "true", "false", "TRUE", "message_create", "follow", "unfollow", "retweeted",
        "replied_to", "Wed Oct 10 20:19:24 +0000 2018", "Mon Jan 01 00:00:00 +0100 0001",
        "2026-07-24T21:23:23.000Z", "2026-07-24T21:23:23", "9999-12-31T23:59:59-05:00",
        "1576540471102", "99999999999999999", "\ud800", [], {}, [0], [0, 0], {"id_str": "1"},
    ]
)  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | EDGY,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from([*ENVELOPES, "for_user_id", "data", "users", "user_has_blocked"])


IDS = st.from_regex(r"[0-9]{1,20}", fullmatch=True)


def like(value: object) -> st.SearchStrategy[Any]:
    """Something of the same kind, which keeps a delivery plausible for longer."""
    if isinstance(value, bool):
        return st.booleans() | st.sampled_from(["true", "false", "yes"])
    if isinstance(value, int):
        return st.integers()
    if isinstance(value, str):
        return IDS | st.text(max_size=30)
    if isinstance(value, list) and value and not isinstance(value[0], dict | list):
        return st.lists(EDGY | JSON, min_size=len(value), max_size=len(value))  # indices
    return JSON


# Where a mutation lands: anywhere in a sample, or (half the time) where the parsers read.
READ = {
    "for_user_id", "user_has_blocked", "id", "id_str", "text", "full_text", "truncated",
    "extended_tweet", "created_at", "user", "screen_name", "name", "in_reply_to_status_id_str",
    "in_reply_to_user_id_str", "quoted_status_id_str", "display_text_range", "entities",
    "extended_entities", "user_mentions", "indices", "media", "media_url_https", "url", "type",
    "retweeted_status", "message_create", "message_data", "sender_id", "target",
    "recipient_id", "created_timestamp", "source_app_id", "attachment", "users",
    "favorited_status", "timestamp_ms", "status", "user_id", "user_event", "revoke", "source",
    "date_time", "app_id", "data", "event_type", "filter", "payload", "includes", "author_id",
    "referenced_tweets", "note_tweet", "in_reply_to_tweet_id", "in_reply_to_user_id",
    "mentions", "end", "attachments", "media_keys", "media_key", "username",
    "tweet_create_events", "direct_message_events", "favorite_events", "tweet_delete_events",
}  # fmt: skip
Path_ = tuple[str | int, ...]


def paths(node: Any, prefix: Path_ = ()) -> list[Path_]:
    items = node.items() if isinstance(node, dict) else enumerate(node)
    found: list[Path_] = []
    for key, child in items:
        found.append((*prefix, key))
        if isinstance(child, dict | list):
            found.extend(paths(child, (*prefix, key)))
    return found


def _read_here(path: Path_) -> bool:
    return any(isinstance(step, str) and step in READ for step in path[-2:])


SITES = [(paths(body), [p for p in paths(body) if _read_here(p)]) for body in SAMPLE_BODIES]


@st.composite
def mutated_samples(draw: st.DrawFn, most: int) -> Any:
    """A real delivery with values replaced (mostly by their kind), retyped or removed."""
    index = draw(st.integers(0, len(SAMPLE_BODIES) - 1))
    body = copy.deepcopy(SAMPLE_BODIES[index])
    every, read = SITES[index]
    for _ in range(draw(st.integers(1, most))):
        where_read = draw(st.booleans())
        path = draw(st.sampled_from(read if read and where_read else every))
        node: Any = body
        try:
            for step in path[:-1]:
                node = node[step]
            child = node[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or retyped it
        if not isinstance(node, dict | list):
            continue  # ... or replaced a container on the way with a string
        container: Any = node  # a dict or a list, indexed by what the path says
        action = draw(st.integers(0, 9))
        if action == 0:
            del container[path[-1]]
        else:
            container[path[-1]] = draw(like(child) if action > 3 else EDGY | JSON)
    return body


DELIVERIES = (
    mutated_samples(most=1)
    | mutated_samples(most=4)
    | st.dictionaries(KEYS, JSON, max_size=4)
    | st.fixed_dictionaries({"data": st.dictionaries(st.text(max_size=10), JSON)})
    | JSON
)


def check(body: object) -> ParsedDelivery | None:
    try:
        parsed = parse_delivery(body, correlation_id=uuid.uuid4())
        raw = json.dumps(body).encode()  # ASCII: what decode_body would have accepted
        records = delivery_records(parsed, raw, datetime.now(UTC), lambda topic: topic.name)
    except MalformedDeliveryError:
        return None
    *events, last = records
    assert len(events) == len(parsed.events)
    for record in events:
        assert TWITTER_ACTIVITY.parse(record.value).event_id is not None
        assert record.key.startswith(parsed.account_id)
    assert TWITTER_WEBHOOKS_RAW.parse(last.value).payload.envelope == parsed.envelope
    return parsed


def test_parsing_refuses_or_yields_valid_events() -> None:
    parsed = Counter[bool]()

    @settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(DELIVERIES)
    def run(body: object) -> None:
        parsed[check(body) is not None] += 1

    run()
    # Worth something only if many mutated deliveries get past the envelope checks.
    assert parsed[True] > 150, parsed


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_decoding_refuses_what_is_not_utf8_json(raw: bytes) -> None:
    try:
        expected = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, or not JSON
        with pytest.raises(MalformedDeliveryError):
            decode_body(raw)
        return
    # json.dumps so that a NaN compares equal to itself
    assert json.dumps(decode_body(raw)) == json.dumps(expected)
