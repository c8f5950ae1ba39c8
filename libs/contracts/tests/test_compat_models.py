"""The compatibility checker on two versions of small Pydantic models, as a developer
would change them."""

import uuid
from enum import StrEnum
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field, create_model

from switchboard_contracts.compat import BreakKind, Compatibility, breaking_changes

FULL = Compatibility.FULL


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class StatusWithSnoozed(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    SNOOZED = "snoozed"


class StatusOpenOnly(StrEnum):
    OPEN = "open"


class Line(BaseModel):
    sku: str
    quantity: int = Field(ge=1)


class Order(BaseModel):
    order_id: uuid.UUID
    status: Status
    value: int | str
    note: str | None = None
    lines: tuple[Line, ...]


def changes(old: type[BaseModel], new: type[BaseModel]) -> set[tuple[str, BreakKind]]:
    found = breaking_changes(old.model_json_schema(), new.model_json_schema(), FULL)
    return {(b.path, b.kind) for b in found}


@pytest.mark.unit
def test_the_same_model_is_compatible_with_itself() -> None:
    assert changes(Order, Order) == set()


@pytest.mark.unit
def test_a_removed_field_breaks_old_consumers() -> None:
    class OrderWithoutValue(BaseModel):
        order_id: uuid.UUID
        status: Status
        note: str | None = None
        lines: tuple[Line, ...]

    assert changes(Order, OrderWithoutValue) == {("$.value", BreakKind.FIELD_REMOVED)}


@pytest.mark.unit
def test_a_renamed_field_breaks_both_ways() -> None:
    class OrderRenamed(BaseModel):
        id: uuid.UUID
        status: Status
        value: int | str
        note: str | None = None
        lines: tuple[Line, ...]

    assert changes(Order, OrderRenamed) == {
        ("$.order_id", BreakKind.FIELD_REMOVED),
        ("$.id", BreakKind.FIELD_ADDED_REQUIRED),
    }


@pytest.mark.unit
def test_a_union_narrowed_to_one_member_breaks_new_consumers() -> None:
    class OrderIntValue(BaseModel):
        order_id: uuid.UUID
        status: Status
        value: int
        note: str | None = None
        lines: tuple[Line, ...]

    assert changes(Order, OrderIntValue) == {("$.value", BreakKind.TYPE_NARROWED)}
    assert changes(OrderIntValue, Order) == {("$.value", BreakKind.TYPE_WIDENED)}


@pytest.mark.unit
def test_an_optional_field_made_required() -> None:
    class OrderNoteRequired(BaseModel):
        order_id: uuid.UUID
        status: Status
        value: int | str
        note: str | None
        lines: tuple[Line, ...]

    assert changes(Order, OrderNoteRequired) == {("$.note", BreakKind.OPTIONAL_MADE_REQUIRED)}
    assert changes(OrderNoteRequired, Order) == {("$.note", BreakKind.REQUIRED_MADE_OPTIONAL)}


@pytest.mark.unit
@pytest.mark.parametrize(
    ("status", "kind"),
    [(StatusWithSnoozed, BreakKind.TYPE_WIDENED), (StatusOpenOnly, BreakKind.TYPE_NARROWED)],
    ids=["enum value added", "enum value removed"],
)
def test_enum_values_added_or_removed(status: type[StrEnum], kind: BreakKind) -> None:
    class Before(BaseModel):
        status: Status

    after = create_model("After", status=(status, ...))

    assert changes(Before, after) == {("$.status", kind)}
    backward = breaking_changes(
        Before.model_json_schema(), after.model_json_schema(), Compatibility.BACKWARD
    )
    assert bool(backward) is (kind is BreakKind.TYPE_NARROWED)


@pytest.mark.unit
def test_a_new_optional_field_is_fine_both_ways() -> None:
    class OrderWithChannel(BaseModel):
        order_id: uuid.UUID
        status: Status
        value: int | str
        note: str | None = None
        lines: tuple[Line, ...]
        channel: Literal["web", "shop"] | None = None
        gift: bool = False

    assert changes(Order, OrderWithChannel) == set()
    assert changes(OrderWithChannel, Order) == set()


@pytest.mark.unit
def test_a_nested_model_change_is_caught_through_its_ref() -> None:
    class LineV2(BaseModel):
        sku: str = Field(pattern=r"^[A-Z]{3}-[0-9]+$")
        quantity: int = Field(ge=1)

    class OrderV2(BaseModel):
        order_id: uuid.UUID
        status: Status
        value: int | str
        note: str | None = None
        lines: tuple[LineV2, ...]

    # A pattern added: new consumers reject old skus; old consumers accept every new one.
    assert changes(Order, OrderV2) == {("$.lines[].sku", BreakKind.TYPE_NARROWED)}


@pytest.mark.unit
def test_a_changed_constraint_on_a_nested_field() -> None:
    class LineV2(BaseModel):
        sku: str
        quantity: int = Field(ge=0)

    class OrderV2(BaseModel):
        order_id: uuid.UUID
        status: Status
        value: int | str
        note: str | None = None
        lines: tuple[LineV2, ...]

    found = breaking_changes(Order.model_json_schema(), OrderV2.model_json_schema(), FULL)
    assert [(b.path, b.kind) for b in found] == [("$.lines[].quantity", BreakKind.TYPE_WIDENED)]
    assert "minimum 1 to minimum 0" in found[0].message


class Node(BaseModel):
    name: str
    children: "tuple[Node, ...]" = ()


class NodeV2(BaseModel):
    name: str = Field(max_length=64)
    children: "tuple[NodeV2, ...]" = ()


@pytest.mark.unit
def test_recursive_models() -> None:
    assert changes(Node, Node) == set()
    assert changes(Node, NodeV2) == {("$.name", BreakKind.TYPE_NARROWED)}


@pytest.mark.unit
def test_a_changed_default_on_an_optional_field() -> None:
    class Settings(BaseModel):
        days: int = 30

    class SettingsV2(BaseModel):
        days: int = 14

    assert changes(Settings, SettingsV2) == {("$.days", BreakKind.DEFAULT_CHANGED)}


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="validation")


@pytest.mark.unit
def test_serialization_only_details_do_not_matter() -> None:
    class Before(BaseModel):
        at: int = Field(description="old words", title="At")

    class After(BaseModel):
        at: int = Field(description="new words", examples=[1])

    assert breaking_changes(_schema(Before), _schema(After), FULL) == []
