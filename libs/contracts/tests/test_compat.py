"""The compatibility checker on hand-written JSON Schemas: every kind of break, every safe
change, in each direction."""

from typing import Any

import pytest

from switchboard_contracts.compat import Break, BreakKind, Compatibility, breaking_changes

BACKWARD, FORWARD, FULL = Compatibility.BACKWARD, Compatibility.FORWARD, Compatibility.FULL
NARROWED, WIDENED = BreakKind.TYPE_NARROWED, BreakKind.TYPE_WIDENED

INT: dict[str, Any] = {"type": "integer"}
STR: dict[str, Any] = {"type": "string"}
NULL: dict[str, Any] = {"type": "null"}
UUID: dict[str, Any] = {"type": "string", "format": "uuid"}


def obj(required: tuple[str, ...] = ("a",), **properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required)}


def field(schema: Any, *, required: bool = True) -> dict[str, Any]:
    """A one-field object: `a` holding `schema`."""
    return obj(("a",) if required else (), a=schema)


def found(old: Any, new: Any, mode: Compatibility) -> set[tuple[str, BreakKind]]:
    return {(b.path, b.kind) for b in breaking_changes(old, new, mode)}


def kinds(old: Any, new: Any, mode: Compatibility) -> set[BreakKind]:
    """The kinds found, all of them at or under `$.a` (e.g. `$.a[]` for array items)."""
    changes = breaking_changes(old, new, mode)
    assert all(b.path.startswith("$.a") for b in changes), changes
    return {b.kind for b in changes}


# (old `a`, new `a`): accepted by old and not by new (BACKWARD breaks); FORWARD is the reverse.
NARROWINGS = {
    "union member removed": ({"anyOf": [INT, STR]}, INT),
    "null removed": ({"anyOf": [STR, NULL]}, STR),
    "enum value removed": (
        {"enum": ["a", "b"], "type": "string"},
        {"enum": ["a"], "type": "string"},
    ),
    "const changed": ({"const": "x", "type": "string"}, {"const": "y", "type": "string"}),
    "pattern added": (STR, {"type": "string", "pattern": "^[0-9]+$"}),
    "pattern changed": (
        {"type": "string", "pattern": "^[0-9]+$"},
        {"type": "string", "pattern": "^[0-9]{1,20}$"},
    ),
    "format added": (STR, UUID),
    "maxLength lowered": (
        {"type": "string", "maxLength": 280},
        {"type": "string", "maxLength": 140},
    ),
    "maxLength added": (STR, {"type": "string", "maxLength": 140}),
    "minLength raised": ({"type": "string", "minLength": 1}, {"type": "string", "minLength": 2}),
    "minimum raised": ({"type": "integer", "minimum": 0}, {"type": "integer", "minimum": 1}),
    "exclusiveMinimum added": (INT, {"type": "integer", "exclusiveMinimum": 0}),
    "maximum lowered": ({"type": "number", "maximum": 10}, {"type": "number", "maximum": 9.5}),
    "inclusive bound made exclusive": (
        {"type": "number", "minimum": 0},
        {"type": "number", "exclusiveMinimum": 0},
    ),
    "multipleOf added": (INT, {"type": "integer", "multipleOf": 5}),
    "number to integer": ({"type": "number"}, INT),
    "type changed": (STR, INT),
    "any to string": ({}, STR),
    "string to enum": (STR, {"enum": ["a"], "type": "string"}),
    "array items narrowed": (
        {"type": "array", "items": {"anyOf": [INT, STR]}},
        {"type": "array", "items": INT},
    ),
    "maxItems lowered": (
        {"type": "array", "items": INT},
        {"type": "array", "items": INT, "maxItems": 3},
    ),
    "uniqueItems added": (
        {"type": "array", "items": INT},
        {"type": "array", "items": INT, "uniqueItems": True},
    ),
    "map values narrowed": (
        {"type": "object", "additionalProperties": {"anyOf": [STR, NULL]}},
        {"type": "object", "additionalProperties": STR},
    ),
    "unmodelled keyword added": (STR, {"type": "string", "not": {"const": ""}}),
}


@pytest.mark.unit
@pytest.mark.parametrize(("old", "new"), NARROWINGS.values(), ids=NARROWINGS.keys())
def test_a_narrowing_breaks_backward_only(old: Any, new: Any) -> None:
    assert kinds(field(old), field(new), BACKWARD) == {NARROWED}
    assert kinds(field(new), field(old), FORWARD) == {WIDENED}
    assert NARROWED in kinds(field(old), field(new), FULL)


WIDENINGS_ONLY = {
    "union member added": (INT, {"anyOf": [INT, STR]}),
    "null added": (STR, {"anyOf": [STR, NULL]}),
    "enum value added": ({"enum": ["a"], "type": "string"}, {"enum": ["a", "b"], "type": "string"}),
    "pattern removed": ({"type": "string", "pattern": "^x$"}, STR),
    "maxLength raised": (
        {"type": "string", "maxLength": 140},
        {"type": "string", "maxLength": 280},
    ),
    "minimum lowered": ({"type": "integer", "minimum": 1}, {"type": "integer", "minimum": 0}),
    "integer to number": (INT, {"type": "number"}),
    "string to any": (STR, {}),
}


@pytest.mark.unit
@pytest.mark.parametrize(("old", "new"), WIDENINGS_ONLY.values(), ids=WIDENINGS_ONLY.keys())
def test_a_widening_breaks_forward_only(old: Any, new: Any) -> None:
    assert kinds(field(old), field(new), BACKWARD) == set()
    assert kinds(field(old), field(new), FORWARD) == {WIDENED}
    assert kinds(field(old), field(new), FULL) == {WIDENED}


SAFE = {
    "identical": (obj(a=INT), obj(a=INT)),
    "optional field added": (obj(a=INT), obj(a=INT, b={"anyOf": [STR, NULL], "default": None})),
    "optional field removed": (obj(a=INT, b={"type": "boolean", "default": False}), obj(a=INT)),
    "annotations changed": (
        obj(a={"type": "string", "title": "A", "description": "old words"}),
        obj(
            a={"type": "string", "title": "Renamed", "description": "new words", "examples": ["x"]}
        ),
    ),
    "enum and union members reordered": (
        obj(a={"enum": ["x", "y"]}, b={"anyOf": [INT, STR]}, required=("a", "b")),
        obj(a={"enum": ["y", "x"]}, b={"anyOf": [STR, INT]}, required=("b", "a")),
    ),
    "definition renamed": (
        {**obj(a={"$ref": "#/$defs/Old"}), "$defs": {"Old": obj(x=INT, required=("x",))}},
        {**obj(a={"$ref": "#/$defs/New"}), "$defs": {"New": obj(x=INT, required=("x",))}},
    ),
    "definition inlined": (
        {**obj(a={"$ref": "#/$defs/D"}), "$defs": {"D": {"enum": [1, 2]}}},
        obj(a={"enum": [1, 2]}),
    ),
    "exclusive integer bound spelled inclusively": (
        field({"type": "integer", "exclusiveMinimum": 0}),
        field({"type": "integer", "minimum": 1}),
    ),
    "type list and anyOf": (field({"type": ["string", "null"]}), field({"anyOf": [STR, NULL]})),
}


@pytest.mark.unit
@pytest.mark.parametrize(("old", "new"), SAFE.values(), ids=SAFE.keys())
def test_a_safe_change_breaks_nobody(old: Any, new: Any) -> None:
    assert breaking_changes(old, new, FULL) == []
    assert breaking_changes(new, old, FULL) == []


@pytest.mark.unit
def test_a_new_required_field_breaks_backward() -> None:
    assert found(obj(a=INT), obj(("a", "b"), a=INT, b=STR), BACKWARD) == {
        ("$.b", BreakKind.FIELD_ADDED_REQUIRED)
    }
    assert found(obj(a=INT), obj(("a", "b"), a=INT, b=STR), FORWARD) == set()


@pytest.mark.unit
def test_an_optional_field_made_required_breaks_backward() -> None:
    old, new = obj((), a={"anyOf": [INT, NULL], "default": None}), obj(a={"anyOf": [INT, NULL]})
    assert found(old, new, BACKWARD) == {("$.a", BreakKind.OPTIONAL_MADE_REQUIRED)}
    assert found(old, new, FORWARD) == set()


@pytest.mark.unit
def test_a_removed_required_field_breaks_forward() -> None:
    old, new = obj(("a", "b"), a=INT, b=STR), obj(a=INT)
    assert found(old, new, FORWARD) == {("$.b", BreakKind.FIELD_REMOVED)}
    assert found(old, new, BACKWARD) == set()


@pytest.mark.unit
def test_a_rename_is_a_removal_and_an_addition() -> None:
    old, new = obj(("a", "b"), a=INT, b=STR), obj(("a", "c"), a=INT, c=STR)
    assert found(old, new, FULL) == {
        ("$.b", BreakKind.FIELD_REMOVED),
        ("$.c", BreakKind.FIELD_ADDED_REQUIRED),
    }


@pytest.mark.unit
def test_a_required_field_made_optional_breaks_forward() -> None:
    old, new = obj(a=INT), obj((), a={"type": "integer", "default": 0})
    assert found(old, new, FORWARD) == {("$.a", BreakKind.REQUIRED_MADE_OPTIONAL)}
    assert found(old, new, BACKWARD) == set()


@pytest.mark.unit
def test_a_changed_default_is_reported_once_under_full() -> None:
    old = obj((), a={"type": "integer", "default": 30})
    new = obj((), a={"type": "integer", "default": 14})
    changes = breaking_changes(old, new, FULL)
    assert [(b.path, b.kind) for b in changes] == [("$.a", BreakKind.DEFAULT_CHANGED)]
    assert "from 30 to 14" in changes[0].message


@pytest.mark.unit
def test_the_default_of_a_required_field_does_not_matter() -> None:
    # `schema_version` is always emitted: bumping its default is the normal way to revise.
    old = obj(a={"type": "integer", "default": 1})
    new = obj(a={"type": "integer", "default": 2})
    assert breaking_changes(old, new, FULL) == []


@pytest.mark.unit
def test_a_field_the_reader_forbids_breaks() -> None:
    old = obj(("a", "b"), a=INT, b=STR)
    new = {**obj(a=INT), "additionalProperties": False}
    assert found(old, new, BACKWARD) == {("$.b", NARROWED), ("$", NARROWED)}


@pytest.mark.unit
def test_tuples_are_compared_position_by_position() -> None:
    old = field({"type": "array", "prefixItems": [INT, STR], "minItems": 2, "maxItems": 2})
    new = field({"type": "array", "prefixItems": [INT, UUID], "minItems": 2, "maxItems": 2})
    assert found(old, new, BACKWARD) == {("$.a[1]", NARROWED)}
    assert breaking_changes(old, old, FULL) == []


@pytest.mark.unit
def test_nested_changes_are_found_through_refs_with_their_path() -> None:
    def version(sku: dict[str, Any]) -> dict[str, Any]:
        return {
            **obj(items={"type": "array", "items": {"$ref": "#/$defs/Line"}}, required=("items",)),
            "$defs": {
                "Line": obj(("sku",), sku={"$ref": "#/$defs/Sku"}),
                "Sku": sku,
            },
        }

    old, new = version(STR), version({"type": "string", "maxLength": 8})
    assert found(old, new, FULL) == {("$.items[].sku", NARROWED)}


@pytest.mark.unit
def test_recursive_definitions_terminate_and_still_compare() -> None:
    def tree(value: dict[str, Any]) -> dict[str, Any]:
        node = obj(
            ("value",),
            value=value,
            children={"type": "array", "items": {"$ref": "#/$defs/Node"}, "default": []},
            parent={"anyOf": [{"$ref": "#/$defs/Node"}, NULL], "default": None},
        )
        return {"$ref": "#/$defs/Node", "$defs": {"Node": node}}

    assert breaking_changes(tree(INT), tree(INT), FULL) == []
    assert found(tree(INT), tree({"type": "integer", "minimum": 0}), FULL) == {
        ("$.value", NARROWED)
    }


@pytest.mark.unit
def test_enum_values_are_checked_against_a_constrained_reader() -> None:
    literal = {"enum": ["123", "abc"], "type": "string"}
    digits = {"type": "string", "pattern": "^[0-9]+$"}
    changes = breaking_changes(field(literal), field(digits), BACKWARD)
    assert [(b.path, b.kind) for b in changes] == [("$.a", NARROWED)]
    assert '"abc"' in changes[0].message


@pytest.mark.unit
def test_breaks_say_where_what_and_why() -> None:
    change = breaking_changes(field({"anyOf": [INT, STR]}), field(INT), BACKWARD)[0]
    assert change == Break(
        "$.a",
        NARROWED,
        "string member removed: the new schema rejects events written under the old one",
    )
    assert str(change).startswith("$.a: string member removed")
    widened = breaking_changes(field(INT), field({"anyOf": [INT, NULL]}), FORWARD)[0]
    assert widened.message.startswith("null added: the old schema rejects")
    retyped = breaking_changes(field(STR), field(INT), FULL)
    assert retyped[0].message.startswith("type changed from string to integer")


@pytest.mark.unit
def test_an_unreadable_ref_is_an_error_not_a_pass() -> None:
    with pytest.raises(ValueError, match="local"):
        breaking_changes(field({"$ref": "other.json#/X"}), field(INT), FULL)
