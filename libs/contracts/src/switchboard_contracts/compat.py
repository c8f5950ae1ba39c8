"""Which changes between two versions of an event's JSON Schema break a consumer.

The schemas are what Pydantic v2's `model_json_schema()` writes (validation mode). Each
direction asks one question: does every event the *writer's* schema accepts also pass
the *reader's* schema, and does the writer always send what the reader requires?
BACKWARD: the writer is the old schema, the reader the new one. FORWARD: the other way
round. FULL: both. What the checker cannot prove safe, it reports.

Properties only one side declares are fine when optional: consumers ignore unknown fields
and producers only write the fields they declare. `oneOf` is read as `anyOf`: Pydantic
writes it only for discriminated unions, whose members are disjoint.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from switchboard_contracts.schema_values import (
    CHECKED_KEYWORDS,
    IGNORED_KEYWORDS,
    canonical,
    json_type,
    resolve_ref,
    value_accepted,
)

Schema = Mapping[str, Any]
_MAX_DEPTH = 64  # deeper than any event; beyond it nothing is proven


class Compatibility(StrEnum):
    """Which readers a schema change must not break (Confluent's names).

    BACKWARD: consumers on the new schema read events written with the old one.
    FORWARD: consumers still on the old schema read events written with the new one.
    FULL: both. Every Switchboard topic is FULL: consumers upgrade on their own schedule,
    and compacted topics keep old events forever.
    """

    BACKWARD = "BACKWARD"
    FORWARD = "FORWARD"
    FULL = "FULL"


class BreakKind(StrEnum):
    # BACKWARD: the new schema rejects events written under the old one.
    FIELD_ADDED_REQUIRED = "field_added_required"
    OPTIONAL_MADE_REQUIRED = "optional_made_required"
    TYPE_NARROWED = "type_narrowed"
    # FORWARD: the old schema rejects events written under the new one.
    FIELD_REMOVED = "field_removed"
    REQUIRED_MADE_OPTIONAL = "required_made_optional"
    TYPE_WIDENED = "type_widened"
    # Both: an omitted optional field means something else to each side.
    DEFAULT_CHANGED = "default_changed"


@dataclass(frozen=True)
class Break:
    path: str
    kind: BreakKind
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.kind}]"


def breaking_changes(old: Schema, new: Schema, mode: Compatibility) -> list[Break]:
    """Every change from `old` to `new` that breaks a consumer under `mode`."""
    directions = {
        Compatibility.BACKWARD: (Compatibility.BACKWARD,),
        Compatibility.FORWARD: (Compatibility.FORWARD,),
        Compatibility.FULL: (Compatibility.BACKWARD, Compatibility.FORWARD),
    }[mode]
    found: list[Break] = []
    for direction in directions:
        for item in _Checker(old, new, backward=direction is Compatibility.BACKWARD).run():
            if item not in found:  # a changed default is reported by both directions
                found.append(item)
    return found


@dataclass(frozen=True)
class _Branch:
    """One alternative of a union, `$ref`s resolved; `ref` names the definition it is."""

    schema: Schema
    ref: str | None = None


class _Checker:
    def __init__(self, old: Schema, new: Schema, *, backward: bool) -> None:
        self._backward = backward
        self._writer_root, self._reader_root = (old, new) if backward else (new, old)
        # Things the writer accepts and the reader does not: removed (backward) or added.
        self._gone = "removed" if backward else "added"
        self._consequence = (
            "the new schema rejects events written under the old one"
            if backward
            else "the old schema rejects events written under the new one"
        )
        self._assumed: set[tuple[str, str]] = set()
        self._depth = 0

    def run(self) -> list[Break]:
        return self._accepts(self._writer_root, self._reader_root, "$")

    # -- the question at one location: does the reader accept every writer value? --

    def _accepts(self, writer: Any, reader: Any, path: str) -> list[Break]:
        if self._depth > _MAX_DEPTH:
            return [self._reject(path, "nesting too deep to compare")]
        self._depth += 1
        try:
            readers = self._branches(reader, self._reader_root)
            writers = self._writer_branches(writer)
            # "type changed" rather than "member removed" when the writer had one type
            sole = len({_kind(w.schema) for w in writers} - {"null"}) == 1
            found: list[Break] = []
            for branch in writers:
                found += self._branch_accepted(branch, readers, path, sole=sole)
            return found
        finally:
            self._depth -= 1

    def _branch_accepted(
        self, writer: _Branch, readers: Sequence[_Branch], path: str, *, sole: bool
    ) -> list[Break]:
        tried: list[tuple[_Branch, list[Break]]] = []
        for reader in readers:
            found = self._branch_vs_branch(writer, reader, path)
            if not found:
                return []
            tried.append((reader, found))
        kind = _kind(writer.schema)
        alike = [(r, f) for r, f in tried if _same_kind(kind, _kind(r.schema))]
        if alike:  # report the closest reader alternative's reasons
            title = writer.schema.get("title")
            alike.sort(key=lambda rf: (rf[0].schema.get("title") != title, len(rf[1])))
            return alike[0][1]
        return [self._reject(path, self._describe_missing(writer.schema, readers, sole=sole))]

    def _describe_missing(
        self, writer: Schema, readers: Sequence[_Branch], *, sole: bool = False
    ) -> str:
        if "const" in writer:
            value = writer["const"]
            if value is None:
                return f"null {self._gone}"
            return f"enum value {canonical(value)} {self._gone}"
        kinds = [_kind(r.schema) for r in readers if _kind(r.schema) != "null"]
        if sole and len(kinds) == 1:
            return self._changed("type", _kind(writer), kinds[0])
        return f"{_kind(writer)} member {self._gone}"

    def _branch_vs_branch(self, writer: _Branch, reader: _Branch, path: str) -> list[Break]:
        if writer.ref is None or reader.ref is None:
            return self._compare(writer.schema, reader.schema, path)
        key = (writer.ref, reader.ref)
        if key in self._assumed:  # recursive definition: assume what is being proven
            return []
        self._assumed.add(key)
        try:
            return self._compare(writer.schema, reader.schema, path)
        finally:
            self._assumed.discard(key)

    def _compare(self, writer: Schema, reader: Schema, path: str) -> list[Break]:
        if "const" in writer:
            if value_accepted(writer["const"], reader):
                return []
            return [self._reject(path, self._describe_missing(writer, [_Branch(reader)]))]
        if "enum" in reader or "const" in reader:
            allowed = ", ".join(canonical(v) for v in _values(reader) or ())
            what = self._changed("values", f"any {_kind(writer)}", f"one of {allowed}")
            return [self._reject(path, what)]
        wtype, rtype = writer.get("type"), reader.get("type")
        found = self._unchecked_keywords(writer, reader, path)
        if rtype is None:
            return found
        if wtype is None or not _same_kind(wtype, rtype):
            return [*found, self._reject(path, self._changed("type", _kind(writer), rtype))]
        compare = {
            "string": self._string,
            "integer": self._number,
            "number": self._number,
            "array": self._array,
            "object": self._object,
        }.get(rtype)
        return found + (compare(writer, reader, path) if compare else [])

    # -- per type --

    def _string(self, writer: Schema, reader: Schema, path: str) -> list[Break]:
        found = [
            self._reject(path, self._changed(keyword, writer.get(keyword), reader[keyword]))
            for keyword in ("pattern", "format")
            if keyword in reader and writer.get(keyword) != reader[keyword]
        ]
        return found + self._sizes(writer, reader, path, "minLength", "maxLength")

    def _number(self, writer: Schema, reader: Schema, path: str) -> list[Break]:
        integer = writer.get("type") == "integer"
        found: list[Break] = []
        for side, keywords in (("lower", _LOWER), ("upper", _UPPER)):
            wbound = _bound(writer, side, integer=integer)
            rbound = _bound(reader, side, integer=integer)
            if rbound is not None and (wbound is None or not _within(wbound, rbound, side)):
                old, new = _bound_text(writer, keywords), _bound_text(reader, keywords)
                found.append(self._reject(path, self._changed(f"{side} bound", old, new)))
        step, wstep = reader.get("multipleOf"), writer.get("multipleOf")
        if step is not None and not _divides(step, wstep):
            found.append(self._reject(path, self._changed("multipleOf", wstep, step)))
        return found

    def _array(self, writer: Schema, reader: Schema, path: str) -> list[Break]:
        wprefix, rprefix = writer.get("prefixItems", []), reader.get("prefixItems", [])
        witems, ritems = writer.get("items", True), reader.get("items", True)
        wmax = writer.get("maxItems")
        found: list[Break] = []
        positions = max(len(wprefix), len(rprefix))
        for i in range(positions if wmax is None else min(positions, wmax)):
            wi = wprefix[i] if i < len(wprefix) else witems
            ri = rprefix[i] if i < len(rprefix) else ritems
            found += self._accepts(wi, ri, f"{path}[{i}]")
        if wmax is None or wmax > positions:
            found += self._accepts(witems, ritems, f"{path}[]")
        if reader.get("uniqueItems") and not writer.get("uniqueItems"):
            found.append(self._reject(path, self._changed("uniqueItems", "false", "true")))
        return found + self._sizes(writer, reader, path, "minItems", "maxItems")

    def _object(self, writer: Schema, reader: Schema, path: str) -> list[Break]:
        wprops, rprops = writer.get("properties", {}), reader.get("properties", {})
        wrequired = set(writer.get("required", ()))
        found = [
            self._missing(f"{path}.{name}", name, declared=name in wprops)
            for name in reader.get("required", ())
            if name not in wrequired
        ]
        rextra = reader.get("additionalProperties", True)
        for name, wprop in wprops.items():
            at = f"{path}.{name}"
            if name in rprops:
                found += self._accepts(wprop, rprops[name], at)
                if name not in wrequired and name not in reader.get("required", ()):
                    found += self._default(wprop, rprops[name], at)
            elif rextra is False:
                found.append(self._reject(at, f"field '{name}' not allowed"))
            elif rextra is not True:
                found += self._accepts(wprop, rextra, at)
        found += self._additional(writer.get("additionalProperties", True), rextra, path)
        return found + self._sizes(writer, reader, path, "minProperties", "maxProperties")

    def _additional(self, writer: Any, reader: Any, path: str) -> list[Break]:
        if reader is True or reader == {} or writer is False:
            return []
        if reader is False:
            return [self._reject(path, "undeclared fields no longer allowed")]
        return self._accepts(writer, reader, f"{path}.*")

    def _missing(self, path: str, name: str, *, declared: bool) -> Break:
        if self._backward and declared:
            kind = BreakKind.OPTIONAL_MADE_REQUIRED
            text = f"field '{name}' made required: events written under the old schema may lack it"
        elif self._backward:
            kind = BreakKind.FIELD_ADDED_REQUIRED
            text = f"new required field '{name}': events written under the old schema lack it"
        elif declared:
            kind = BreakKind.REQUIRED_MADE_OPTIONAL
            text = f"field '{name}' made optional: new events may lack it, old consumers require it"
        else:
            kind = BreakKind.FIELD_REMOVED
            text = f"required field '{name}' removed (or renamed): old consumers require it"
        return Break(path, kind, text)

    def _default(self, writer: Schema, reader: Schema, path: str) -> list[Break]:
        wdefault, rdefault = _default_text(writer), _default_text(reader)
        if wdefault == rdefault:
            return []
        old, new = (wdefault, rdefault) if self._backward else (rdefault, wdefault)
        text = f"default changed from {old} to {new}: an omitted value means something else"
        return [Break(path, BreakKind.DEFAULT_CHANGED, text + " to each side")]

    def _sizes(self, writer: Schema, reader: Schema, path: str, low: str, high: str) -> list[Break]:
        found: list[Break] = []
        if reader.get(low, 0) > writer.get(low, 0):
            found.append(self._reject(path, self._changed(low, writer.get(low), reader[low])))
        if high in reader and writer.get(high, math.inf) > reader[high]:
            found.append(self._reject(path, self._changed(high, writer.get(high), reader[high])))
        return found

    def _unchecked_keywords(self, writer: Schema, reader: Schema, path: str) -> list[Break]:
        # A reader keyword this checker does not model is only safe if the writer has it too.
        return [
            self._reject(path, f"keyword '{keyword}' changed and cannot be proven compatible")
            for keyword, value in reader.items()
            if keyword not in CHECKED_KEYWORDS
            and keyword not in IGNORED_KEYWORDS
            and not keyword.startswith("x-")
            and not (keyword in writer and canonical(writer[keyword]) == canonical(value))
        ]

    # -- unions and references --

    def _writer_branches(self, schema: Any) -> list[_Branch]:
        # Finite writer alternatives become one branch per value, so each is checked alone.
        branches: list[_Branch] = []
        for branch in self._branches(schema, self._writer_root):
            values = _values(branch.schema)
            if values is None:
                branches.append(branch)
            else:
                branches += [_Branch({**branch.schema, "const": v}) for v in values]
        return branches

    def _branches(self, schema: Any, root: Schema, ref: str | None = None) -> list[_Branch]:
        if isinstance(schema, bool):  # true accepts anything, false nothing
            return [_Branch({})] if schema else []
        if "$ref" in schema:
            target = resolve_ref(root, schema["$ref"])
            return self._branches(_merged(target, schema, drop="$ref"), root, schema["$ref"])
        for union in ("anyOf", "oneOf"):  # Pydantic's oneOf comes with disjoint discriminators
            if union in schema:
                return [
                    branch
                    for member in schema[union]
                    for branch in self._branches(_merged(member, schema, drop=union), root)
                ]
        if len(schema.get("allOf", ())) == 1:
            return self._branches(_merged(schema["allOf"][0], schema, drop="allOf"), root, ref)
        types = schema.get("type")
        if isinstance(types, list):
            return [_Branch({**schema, "type": t}) for t in types]
        return [_Branch(schema, ref)]

    # -- messages --

    def _reject(self, path: str, what: str) -> Break:
        kind = BreakKind.TYPE_NARROWED if self._backward else BreakKind.TYPE_WIDENED
        return Break(path, kind, f"{what}: {self._consequence}")

    def _changed(self, what: str, writer: Any, reader: Any) -> str:
        old, new = (writer, reader) if self._backward else (reader, writer)
        return f"{what} changed from {_text(old)} to {_text(new)}"


_LOWER = ("minimum", "exclusiveMinimum")
_UPPER = ("maximum", "exclusiveMaximum")


def _merged(member: Any, outer: Schema, *, drop: str) -> Any:
    """`member` with the constraints written beside it (annotations there say nothing)."""
    extra = {k: v for k, v in outer.items() if k != drop and k not in IGNORED_KEYWORDS}
    if not extra or member is False:
        return member
    if member is True:
        return extra
    return {**extra, **member}


def _values(schema: Schema) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    if "enum" in schema:
        return list(schema["enum"])
    if schema.get("type") == "null":
        return [None]
    return None


def _kind(schema: Schema) -> str:
    values = _values(schema)
    if values:
        return json_type(values[0])
    return str(schema.get("type", "any"))


def _same_kind(writer: str, reader: str) -> bool:
    return writer == reader or (writer == "integer" and reader == "number")


def _bound(schema: Schema, side: str, *, integer: bool) -> tuple[float, bool] | None:
    """The tightest bound on one side as (value, exclusive); integers made inclusive."""
    inclusive, exclusive = _LOWER if side == "lower" else _UPPER
    bounds: list[tuple[float, bool]] = []
    if inclusive in schema:
        bounds.append((schema[inclusive], False))
    if exclusive in schema:
        value = schema[exclusive]
        if not integer:
            bounds.append((value, True))
        elif side == "lower":
            bounds.append((math.floor(value) + 1, False))
        else:
            bounds.append((math.ceil(value) - 1, False))
    if not bounds:
        return None
    if side == "lower":
        return max(bounds, key=lambda b: (b[0], b[1]))
    return min(bounds, key=lambda b: (b[0], not b[1]))


def _within(writer: tuple[float, bool], reader: tuple[float, bool], side: str) -> bool:
    (wvalue, wstrict), (rvalue, rstrict) = writer, reader
    tighter = wvalue > rvalue if side == "lower" else wvalue < rvalue
    return tighter or (wvalue == rvalue and (wstrict or not rstrict))


def _bound_text(schema: Schema, keywords: Sequence[str]) -> str | None:
    text = ", ".join(f"{k} {schema[k]}" for k in keywords if k in schema)
    return text or None


def _divides(step: float, writer_step: float | None) -> bool:
    if writer_step is None:
        return False
    ratio = writer_step / step
    return math.isclose(ratio, round(ratio))


def _text(value: Any) -> str:
    """A keyword's value in a message; None is an absent keyword."""
    if value is None:
        return "none"
    return value if isinstance(value, str) else canonical(value)


def _default_text(schema: Schema) -> str:
    return canonical(schema["default"]) if "default" in schema else "none"
