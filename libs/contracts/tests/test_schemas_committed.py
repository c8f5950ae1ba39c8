"""The committed schemas are what the models generate, and the models have not broken them:
the guard that keeps a change from breaking consumers that are still deployed."""

import json
from typing import Any, Literal

import pytest
from pydantic import Field, create_model
from pydantic.fields import FieldInfo

from switchboard_contracts.compat import BreakKind, breaking_changes
from switchboard_contracts.envelope import ContractModel, Event
from switchboard_contracts.events import conversations, replies
from switchboard_contracts.export.paths import SCHEMAS, repo_root, schema_path
from switchboard_contracts.export.schemas import event_schema, render_json
from switchboard_contracts.topics import (
    ALL_TOPICS,
    CONVERSATIONS,
    REPLIES_REQUESTED,
    REPLIES_RESULTS,
    Topic,
)

ROOT = repo_root()
REGENERATE = "run `make contracts` (uv run python -m switchboard_contracts.export) and commit"
EVENTS = [
    pytest.param(topic, event_type, model, id=f"{topic.name}/{event_type}")
    for topic in ALL_TOPICS
    for event_type, model in zip(topic.event_types, topic.events, strict=True)
]


def committed(topic: Topic, event_type: str) -> dict[str, Any]:
    path = ROOT / schema_path(topic.name, event_type)
    assert path.is_file(), f"{path} is missing: {REGENERATE}"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@pytest.mark.unit
@pytest.mark.parametrize(("topic", "event_type", "model"), EVENTS)
def test_committed_schema_is_what_the_model_generates(
    topic: Topic, event_type: str, model: type[Event[Any]]
) -> None:
    path = ROOT / schema_path(topic.name, event_type)
    assert path.is_file(), f"{path} is missing: {REGENERATE}"
    on_disk = path.read_text(encoding="utf-8")
    assert on_disk == render_json(event_schema(model)), f"{path} is out of date: {REGENERATE}"


@pytest.mark.unit
@pytest.mark.parametrize(("topic", "event_type", "model"), EVENTS)
def test_the_model_does_not_break_its_committed_schema(
    topic: Topic, event_type: str, model: type[Event[Any]]
) -> None:
    changes = breaking_changes(
        committed(topic, event_type), event_schema(model), topic.compatibility
    )
    assert not changes, (
        f"{model.__name__} breaks consumers of {topic.name} ({topic.compatibility}):\n"
        + "\n".join(f"  {change}" for change in changes)
        + "\nA breaking change needs a new major version of the topic (a new topic, .v2)."
    )


@pytest.mark.unit
def test_every_committed_schema_belongs_to_an_event() -> None:
    expected = {
        str(schema_path(topic.name, event_type))
        for topic in ALL_TOPICS
        for event_type in topic.event_types
    }
    on_disk = {path.relative_to(ROOT).as_posix() for path in (ROOT / SCHEMAS).glob("**/*.json")}
    assert on_disk == expected, REGENERATE


# -- the guard works: a broken variant of a real model is caught against the committed file --


def payload_variant(
    payload: type[ContractModel],
    *,
    drop: tuple[str, ...] = (),
    rename: dict[str, str] | None = None,
    retype: dict[str, Any] | None = None,
) -> type[ContractModel]:
    """`payload` with fields dropped, renamed or given another type (and no constraints)."""
    fields: dict[str, Any] = {}
    for name, info in payload.model_fields.items():
        if name in drop:
            continue
        if retype and name in retype:
            fields[name] = (retype[name], _without_constraints(info))
        else:
            fields[(rename or {}).get(name, name)] = (info.annotation, info)
    return create_model(payload.__name__, __base__=ContractModel, **fields)


def _without_constraints(info: FieldInfo) -> FieldInfo:
    plain: FieldInfo = (
        Field(description=info.description)
        if info.is_required()
        else Field(default=info.default, description=info.description)
    )
    return plain


def event_variant(event: type[Event[Any]], payload: type[ContractModel]) -> type[Event[Any]]:
    return create_model(event.__name__, __base__=event, payload=(payload, ...))


def breaks(topic: Topic, event: type[Event[Any]], payload: type[ContractModel]) -> set[Any]:
    event_type = event.model_fields["type"].default
    found = breaking_changes(
        committed(topic, event_type),
        event_schema(event_variant(event, payload)),
        topic.compatibility,
    )
    return {(change.path, change.kind) for change in found}


@pytest.mark.unit
def test_an_unchanged_variant_passes_so_the_variants_below_are_fair() -> None:
    payload = payload_variant(replies.ReplyRequestedPayload)
    assert breaks(REPLIES_REQUESTED, replies.ReplyRequested, payload) == set()


@pytest.mark.unit
def test_a_removed_payload_field_is_caught() -> None:
    payload = payload_variant(replies.ReplyRequestedPayload, drop=("text",))
    assert breaks(REPLIES_REQUESTED, replies.ReplyRequested, payload) == {
        ("$.payload.text", BreakKind.FIELD_REMOVED)
    }


@pytest.mark.unit
def test_a_renamed_payload_field_is_caught() -> None:
    payload = payload_variant(replies.ReplyRequestedPayload, rename={"customer_id": "recipient_id"})
    assert breaks(REPLIES_REQUESTED, replies.ReplyRequested, payload) == {
        ("$.payload.customer_id", BreakKind.FIELD_REMOVED),
        ("$.payload.recipient_id", BreakKind.FIELD_ADDED_REQUIRED),
    }


@pytest.mark.unit
def test_a_narrowed_enum_is_caught() -> None:
    payload = payload_variant(
        conversations.MessageDeliveryChangedPayload,
        retype={"delivery_state": create_literal("sent", "failed")},
    )
    assert breaks(CONVERSATIONS, conversations.MessageDeliveryChanged, payload) == {
        ("$.payload.delivery_state", BreakKind.TYPE_NARROWED)
    }


@pytest.mark.unit
def test_a_widened_enum_is_caught() -> None:
    reasons = replies.ReplyFailedPayload.model_fields["reason"].annotation
    payload = payload_variant(
        replies.ReplyFailedPayload, retype={"reason": reasons | create_literal("rate_limited")}
    )
    assert breaks(REPLIES_RESULTS, replies.ReplyFailed, payload) == {
        ("$.payload.reason", BreakKind.TYPE_WIDENED)
    }


@pytest.mark.unit
def test_a_change_in_a_nested_model_is_caught_through_its_ref() -> None:
    state = payload_variant(conversations.ConversationState, retype={"owner_id": int})
    payload = payload_variant(conversations.MessageAddedPayload, retype={"conversation": state})
    assert breaks(CONVERSATIONS, conversations.MessageAdded, payload) == {
        ("$.payload.conversation.owner_id", BreakKind.TYPE_NARROWED),
        ("$.payload.conversation.owner_id", BreakKind.TYPE_WIDENED),
    }


def create_literal(*values: str) -> Any:
    return Literal[values]  # built from values at run time


@pytest.mark.unit
def test_the_repository_root_is_found() -> None:
    assert (ROOT / "libs" / "contracts" / "pyproject.toml").is_file()
