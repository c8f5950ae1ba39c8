"""Every service's operations, read from its committed OpenAPI document (which `make lint`
keeps equal to the code's route table), and the least valid request for each: required
parameters and body fields only, each given the simplest value its schema allows. The
generated trust tests walk these, so a new route is covered the day it is added."""

import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("access-svc", "channel-svc", "conversation-svc", "ingest-svc")
METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str
    spec: Mapping[str, Any]
    components: Mapping[str, Any]

    def __str__(self) -> str:
        return f"{self.service} {self.method.upper()} {self.path}"

    @property
    def path_parameters(self) -> list[str]:
        return [p["name"] for p in self.spec.get("parameters", []) if p["in"] == "path"]

    @property
    def public(self) -> bool:
        """Needs a bearer token (the operations Twitter and probes call declare none)."""
        return bool(self.spec.get("security"))

    def url(self, values: Mapping[str, str]) -> str:
        return self.path.format(**{name: values[name] for name in self.path_parameters})

    def query(self) -> dict[str, Any]:
        return {
            p["name"]: least(p["schema"], self.components)
            for p in self.spec.get("parameters", [])
            if p["in"] == "query" and p.get("required")
        }

    def body(self) -> Any:
        content = self.spec.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        return None if schema is None else least(schema, self.components)

    def documents(self, status: int) -> bool:
        return str(status) in self.spec.get("responses", {})


def operations() -> Iterator[Operation]:
    for service in SERVICES:
        document = json.loads((ROOT / "services" / service / "openapi.json").read_text())
        components = document.get("components", {}).get("schemas", {})
        for path, item in sorted(document["paths"].items()):
            for method in METHODS:
                if method in item:
                    yield Operation(service, method, path, item[method], components)


def least(schema: Mapping[str, Any], components: Mapping[str, Any]) -> Any:
    """The simplest value `schema` accepts (required object properties only)."""
    if "$ref" in schema:
        return least(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            options = [o for o in schema[combined] if o.get("type") != "null"]
            return least(options[0], components)
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: least(properties[name], components) for name in schema.get("required", [])}
    if kind == "array":
        return [least(schema["items"], components)] * int(schema.get("minItems", 0))
    return _scalar(schema)


def _scalar(schema: Mapping[str, Any]) -> Any:
    kind = schema.get("type")
    for given in ("const", "default"):
        if given in schema:
            return schema[given]
    if "enum" in schema:
        return schema["enum"][0]
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        return int(low) if kind == "integer" else float(low)
    if kind == "boolean":
        return True
    return _string(schema)


def _string(schema: Mapping[str, Any]) -> str:
    if "@" in schema.get("pattern", ""):  # an email address, checked by pattern
        return f"{uuid.uuid4().hex[:10]}@example.com"
    match schema.get("format"):
        case "uuid":
            return str(uuid.uuid4())
        case "date-time":
            return (datetime.now(UTC) - timedelta(days=1)).isoformat()
        case "email":
            return f"{uuid.uuid4().hex[:10]}@example.com"
        case _:
            return f"x{uuid.uuid4().hex}"[: max(int(schema.get("maxLength", 33)), 1)]
