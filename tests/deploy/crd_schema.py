"""Validate custom resources against their CustomResourceDefinitions, strictly: what
`kubectl apply --validate=strict` and the API server's schema validation would refuse.

A CRD version's `openAPIV3Schema` is a *structural* OpenAPI 3.0 Schema Object: JSON Schema
draft 4 in all that matters here, plus Kubernetes extensions. `to_json_schema` rewrites the
extensions into draft 4 and the jsonschema library validates:

- unknown fields: an object node that names no `additionalProperties` refuses every field its
  `properties` do not list (the API server prunes them; strict field validation refuses them),
  unless it says `x-kubernetes-preserve-unknown-fields: true`. An object with
  `x-kubernetes-embedded-resource: true` also takes `apiVersion`, `kind` and `metadata`;
- `x-kubernetes-int-or-string: true`: an integer or a string;
- `nullable: true`: null too. A null anywhere else is refused (the API server would drop it
  silently: never what a manifest meant);
- `x-kubernetes-list-type: set`: no duplicate items; `format: int32` / `int64`: in range;
- the root `metadata` is ObjectMeta, which CRDs leave to the API server: checked here
  minimally (a DNS-subdomain `name`, string labels and annotations, no other fields than a
  manifest may set), together with whatever the CRD itself says of `name`.

Not evaluated: `x-kubernetes-validations` (CEL rules), uniqueness of `x-kubernetes-list-type:
map` keys, defaults. The logical junctors (`anyOf`, `allOf`, `oneOf`, `not`) are left as
written: in a structural schema they only restate value checks of the nodes they sit on.
"""

from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator, FormatChecker

Schema = dict[str, Any]

_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
_STRINGS: Schema = {"type": "object", "additionalProperties": {"type": "string"}}
_OBJECT_META: Schema = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "maxLength": 253, "pattern": _SUBDOMAIN},
        "namespace": {"type": "string", "maxLength": 63, "pattern": _LABEL},
        "labels": _STRINGS,
        "annotations": _STRINGS,
        "finalizers": {"type": "array", "items": {"type": "string"}},
    },
}
_INT_RANGES = {"int32": 2**31, "int64": 2**63}


def _in_range(limit: int, value: object) -> bool:
    return not isinstance(value, int) or -limit <= value < limit


def _format_checker() -> FormatChecker:
    """Only the formats whose meaning Kubernetes and JSON Schema share: integer ranges."""
    checker = FormatChecker(formats=())
    for name, limit in _INT_RANGES.items():
        checker.checks(name)(partial(_in_range, limit))
    return checker


_FORMATS = _format_checker()


def to_json_schema(node: Mapping[str, Any], *, root: bool = True) -> Schema:
    """A CRD version's openAPIV3Schema (or one node of it) as a strict draft 4 JSON Schema."""
    out: Schema = {k: v for k, v in node.items() if not k.startswith("x-kubernetes-")}
    out.pop("nullable", None)
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    if node.get("x-kubernetes-int-or-string") is True:
        out["type"] = ["integer", "string"]
    if node.get("x-kubernetes-list-type") == "set":
        out["uniqueItems"] = True
    properties = {
        name: to_json_schema(child, root=False)
        for name, child in node.get("properties", {}).items()
    }
    if node.get("x-kubernetes-embedded-resource") is True:
        properties.setdefault("apiVersion", {"type": "string"})
        properties.setdefault("kind", {"type": "string"})
        properties.setdefault("metadata", {"type": "object"})
    if root:
        properties["metadata"] = _metadata(node.get("properties", {}).get("metadata", {}))
    if properties:
        out["properties"] = properties
    if isinstance(node.get("additionalProperties"), Mapping):
        out["additionalProperties"] = to_json_schema(node["additionalProperties"], root=False)
    elif node.get("type") == "object" and not preserve and "additionalProperties" not in node:
        out["additionalProperties"] = False
    if isinstance(node.get("items"), Mapping):
        out["items"] = to_json_schema(node["items"], root=False)
    if node.get("nullable") is True:
        return {"anyOf": [{"type": "null"}, out]}
    return out


def _metadata(declared: Mapping[str, Any]) -> Schema:
    """ObjectMeta, with what the CRD says of `name` (all a structural schema may say) added."""
    name = declared.get("properties", {}).get("name")
    if not name:
        return _OBJECT_META
    own = to_json_schema(name, root=False)
    properties = {
        **_OBJECT_META["properties"],
        "name": {"allOf": [_OBJECT_META["properties"]["name"], own]},
    }
    return {**_OBJECT_META, "properties": properties}


class CustomResourceDefinitions:
    """CRDs by (group, kind); `errors` tells what is wrong with one custom resource."""

    def __init__(self, crds: Iterable[Mapping[str, Any]]) -> None:
        self._crds = {(c["spec"]["group"], c["spec"]["names"]["kind"]): c for c in crds}
        self._validators: dict[tuple[str, str, str], Draft4Validator] = {}

    @classmethod
    def load(cls, paths: Iterable[Path]) -> "CustomResourceDefinitions":
        documents = [d for p in paths for d in yaml.safe_load_all(p.read_text()) if d]
        return cls(d for d in documents if d.get("kind") == "CustomResourceDefinition")

    def kinds(self) -> set[str]:
        return {kind for _, kind in self._crds}

    def errors(self, resource: Mapping[str, Any]) -> list[str]:
        """Every reason the API server would refuse `resource`; empty when it is valid."""
        group, _, version = str(resource.get("apiVersion", "")).rpartition("/")
        kind = str(resource.get("kind", ""))
        name = (resource.get("metadata") or {}).get("name", "<no name>")
        crd = self._crds.get((group, kind))
        if crd is None:
            return [f"{kind} {name}: no CRD defines kind {kind!r} in group {group!r}"]
        versions = {v["name"]: v for v in crd["spec"]["versions"]}
        if version not in versions:
            return [
                f"{kind} {name}: {group} serves no version {version!r}, only {sorted(versions)}"
            ]
        if not versions[version].get("served", False):
            return [f"{kind} {name}: {group}/{version} is defined but not served"]
        key = (group, kind, version)
        if key not in self._validators:
            schema = to_json_schema(versions[version]["schema"]["openAPIV3Schema"])
            Draft4Validator.check_schema(schema)
            self._validators[key] = Draft4Validator(schema, format_checker=_FORMATS)
        return [
            f"{kind} {name}: {'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in sorted(self._validators[key].iter_errors(resource), key=str)
        ]
