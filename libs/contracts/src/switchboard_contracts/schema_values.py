"""Small JSON Schema helpers for the compatibility checker: which keywords it models,
`$ref` lookup, and whether one concrete value (an enum member) passes a schema."""

import json
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

# Keywords that do not constrain values (JSON Schema annotations, Pydantic's extras).
IGNORED_KEYWORDS = frozenset(
    {
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
        "$schema",
        "$id",
        "$defs",
        "definitions",
        "discriminator",
    }
)

# Keywords the checker compares; any other keyword on the reader's side must be unchanged.
CHECKED_KEYWORDS = frozenset(
    {
        "$ref",
        "anyOf",
        "oneOf",
        "type",
        "enum",
        "const",
        "pattern",
        "format",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "uniqueItems",
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
        "maxProperties",
    }
)

_CONTAINER_KEYWORDS = frozenset(
    {
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "uniqueItems",
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
        "maxProperties",
    }
)


def canonical(value: Any) -> str:
    """One spelling per JSON value, so `1`, `1.0` and `true` stay different."""
    return json.dumps(value, sort_keys=True)


_JSON_TYPES: tuple[tuple[type, str], ...] = (  # bool before int: True is an int in Python
    (type(None), "null"),
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
)


def json_type(value: Any) -> str:
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), "object")


def resolve_ref(root: Mapping[str, Any], ref: str) -> Any:
    if not ref.startswith("#"):
        raise ValueError(f"only local $refs are supported, not {ref}")
    node: Any = root
    for part in ref[1:].split("/")[1:]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def value_accepted(value: Any, schema: Mapping[str, Any]) -> bool:
    """Whether `schema` (one branch: no `$ref`, no union) accepts `value`; False when unsure."""
    values = [schema["const"]] if "const" in schema else schema.get("enum")
    listed = values is None or canonical(value) in {canonical(v) for v in values}
    typed = "type" not in schema or _has_type(value, schema["type"])
    modelled = set(schema) <= (CHECKED_KEYWORDS | IGNORED_KEYWORDS) - {"anyOf", "oneOf", "$ref"}
    if not (listed and typed and modelled):
        return False
    if isinstance(value, list | dict):
        return not _CONTAINER_KEYWORDS & set(schema)
    if isinstance(value, str):
        return _string_accepted(value, schema)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_accepted(value, schema)
    return True


def _has_type(value: Any, expected: str | list[str]) -> bool:
    names = [expected] if isinstance(expected, str) else expected
    actual = json_type(value)
    return any(
        actual == name
        or (name == "number" and actual == "integer")
        or (name == "integer" and isinstance(value, float) and value.is_integer())
        for name in names
    )


def _string_accepted(value: str, schema: Mapping[str, Any]) -> bool:
    if not schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", len(value)):
        return False
    if "pattern" in schema:
        try:
            if re.search(schema["pattern"], value) is None:
                return False
        except re.error:
            return False
    if "format" in schema:
        check = _FORMATS.get(schema["format"])
        return check is not None and _parses(check, value)
    return True


def _number_accepted(value: float, schema: Mapping[str, Any]) -> bool:
    checks: tuple[tuple[str, Callable[[float], bool]], ...] = (
        ("minimum", lambda bound: value >= bound),
        ("exclusiveMinimum", lambda bound: value > bound),
        ("maximum", lambda bound: value <= bound),
        ("exclusiveMaximum", lambda bound: value < bound),
        ("multipleOf", lambda step: (value / step).is_integer()),
    )
    return all(check(schema[keyword]) for keyword, check in checks if keyword in schema)


def _parses(check: Callable[[str], object], value: str) -> bool:
    try:
        check(value)
    except ValueError:
        return False
    return True


# Formats Pydantic enforces on the event schemas; any other format is never proven.
_FORMATS: dict[str, Callable[[str], object]] = {
    "uuid": uuid.UUID,
    "date-time": datetime.fromisoformat,
    "date": date.fromisoformat,
}
