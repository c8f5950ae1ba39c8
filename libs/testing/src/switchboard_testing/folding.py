"""What an outside subscriber of conversations.v1 knows: every conversation's latest state,
folded from the events alone. The e2e tests and the chaos run compare it with the API."""

from typing import Any

# The fields of a conversation the events and the API must agree on.
COMPARED = ("channel_id", "status", "owner_id", "tags", "topic_ids", "revision")


def fold(messages: list[dict[str, Any]], org_id: str) -> dict[str, dict[str, Any]]:
    """Every conversation's latest state, from the events alone; a tolerant reader: any
    event type, unknown fields ignored, an older revision never overwrites a newer one.
    `messages` as `switchboard_testing.kafka.read_all` gives them (`key`, parsed `value`)."""
    states: dict[str, dict[str, Any]] = {}
    for message in messages:
        event = message["value"]
        if not isinstance(event, dict) or event.get("org_id") != org_id:
            continue
        state = event.get("payload", {}).get("conversation")
        if state is None:
            continue
        key = message["key"]
        if key != state["conversation_id"]:
            raise AssertionError(f"the key {key} is not the conversation id")
        if key not in states or state["revision"] > states[key]["revision"]:
            states[key] = {**state, "id": key}
    return states
