"""Short, human type names for JSON Schema fragments, as the field tables in
`docs/events.md` show them (`string (uuid)`, `array of [MediaRef](#mediaref)`)."""

import json
import re
from collections.abc import Mapping
from typing import Any

Schema = Mapping[str, Any]


def anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.lower())
    return text.replace(" ", "-")


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def cell(text: str) -> str:
    """Markdown safe inside a table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_text(text: str) -> str:
    """`<` and `>` outside code spans escaped, so `<account id>` is not taken for HTML."""
    parts = text.split("`")
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts)


def type_text(schema: Schema) -> str:
    if "$ref" in schema:
        name = ref_name(schema["$ref"])
        return f"[{name}](#{anchor(name)})"
    if "anyOf" in schema or "oneOf" in schema:
        members = schema.get("anyOf") or schema.get("oneOf") or ()
        return " or ".join(type_text(member) for member in members)
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "enum" in schema:
        return " or ".join(f"`{json.dumps(value)}`" for value in schema["enum"])
    return _plain_type_text(schema)


def _plain_type_text(schema: Schema) -> str:
    kind = schema.get("type", "any")
    if kind == "array":
        items = schema.get("items")
        return f"array of {type_text(items)}" if isinstance(items, Mapping) else "array"
    extra = schema.get("additionalProperties")
    if kind == "object" and isinstance(extra, Mapping):
        return f"map of string to {type_text(extra)}"
    notes = _constraints(schema)
    return f"{kind} ({', '.join(notes)})" if notes else str(kind)


def _constraints(schema: Schema) -> list[str]:
    notes = [schema["format"]] if "format" in schema else []
    if "pattern" in schema:
        notes.append(f"pattern `{schema['pattern']}`")
    low, high = schema.get("minLength"), schema.get("maxLength")
    if high is not None:
        notes.append(f"length {low or 0}-{high}")
    elif low is not None:
        notes.append(f"length >= {low}")
    for keyword, sign in (
        ("minimum", ">="),
        ("exclusiveMinimum", ">"),
        ("maximum", "<="),
        ("exclusiveMaximum", "<"),
    ):
        if keyword in schema:
            notes.append(f"{sign} {schema[keyword]}")
    return notes
