"""Every service's public input, from its own route table and request models: unstorable
text (NUL) in any body field, path or query parameter is a 422 naming it, and request
bodies take JSON types as they are. A new route, field or parameter is covered by adding it.

The apps are the ones the OpenAPI documents come from (placeholder settings, no lifespan):
the checks run before authentication and before any handler, so nothing else is needed.
"""

import uuid
from collections.abc import Iterator
from importlib.metadata import entry_points
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ValidationError

from switchboard_platform.http.openapi import GROUP
from switchboard_platform.http.requests import RequestModel

pytestmark = pytest.mark.unit

APPS: dict[str, FastAPI] = {e.name: e.load()() for e in entry_points(group=GROUP)}
ROUTES = [
    (service, route)
    for service, app in sorted(APPS.items())
    for route in (context.original_route for context in iter_route_contexts(app.routes))
    if isinstance(route, APIRoute)
]
BODIES = sorted(
    {
        route.body_field.field_info.annotation
        for _, route in ROUTES
        if route.body_field is not None
        and isinstance(route.body_field.field_info.annotation, type)
        and issubclass(route.body_field.field_info.annotation, BaseModel)
    },
    key=lambda model: model.__qualname__,
)


def test_the_services_and_their_request_bodies_are_all_found() -> None:
    assert set(APPS) == {"access-svc", "channel-svc", "conversation-svc", "ingest-svc"}
    assert len(BODIES) >= 10


@pytest.mark.parametrize("model", BODIES, ids=lambda m: m.__qualname__)
def test_every_request_body_is_a_request_model(model: type[BaseModel]) -> None:
    assert issubclass(model, RequestModel), "derive it from RequestModel"


def leaves(
    schema: dict[str, Any], node: dict[str, Any], loc: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """(path, JSON schema) of every scalar property, nested objects followed."""
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    for option in node.get("anyOf", []):
        yield from leaves(schema, option, loc)
    if node.get("type") == "object" or "properties" in node:
        for name, child in node.get("properties", {}).items():
            yield from leaves(schema, child, (*loc, name))
    elif node.get("type") in {"string", "integer", "number", "boolean"}:
        yield loc, node


def nested(loc: tuple[str, ...], value: object) -> dict[str, Any]:
    data: Any = value
    for name in reversed(loc):
        data = {name: data}
    return dict(data)


def refusals(model: type[BaseModel], loc: tuple[str, ...], value: object) -> set[str]:
    """The error types pydantic gives at `loc` for `value` there."""
    try:
        model.model_validate(nested(loc, value))
    except ValidationError as error:
        return {e["type"] for e in error.errors() if tuple(e["loc"]) == loc}
    return set()


def cases(kind: str) -> Iterator[Any]:
    for model in BODIES:
        schema = model.model_json_schema()
        for loc, node in leaves(schema, schema):
            if node["type"] == kind and "enum" not in node and "format" not in node:
                yield pytest.param(model, loc, id=f"{model.__qualname__}.{'.'.join(loc)}")


@pytest.mark.parametrize(("model", "loc"), list(cases("string")))
def test_nul_in_any_body_text_is_refused_naming_the_field(
    model: type[BaseModel], loc: tuple[str, ...]
) -> None:
    # Some fields refuse it for their pattern first: a 422 naming the field all the same.
    assert refusals(model, loc, "a\x00b@example.com") & {
        "text_not_storable",
        "string_pattern_mismatch",
    }


@pytest.mark.parametrize(("model", "loc"), [*cases("integer"), *cases("number")])
def test_numbers_take_no_booleans_or_strings(model: type[BaseModel], loc: tuple[str, ...]) -> None:
    for value in (True, "1"):
        assert refusals(model, loc, value) & {"int_type", "float_type"}, value


@pytest.mark.parametrize(("model", "loc"), list(cases("boolean")))
def test_booleans_take_no_numbers_or_strings(model: type[BaseModel], loc: tuple[str, ...]) -> None:
    for value in (1, "true"):
        assert refusals(model, loc, value) == {"bool_type"}, value


def test_every_operation_taking_input_documents_its_refusals_in_the_error_shape() -> None:
    for service, app in APPS.items():
        document = app.openapi()
        assert "HTTPValidationError" not in document["components"]["schemas"], service
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                takes = {"422"} if operation.get("parameters") else set()
                takes |= {"400", "422"} if "requestBody" in operation else set()
                for status in takes:
                    schema = operation["responses"][status]["content"]["application/json"]
                    assert schema["schema"]["$ref"].endswith("/ErrorBody"), (method, path)


def parameters() -> Iterator[Any]:
    """Every documented path and query parameter of every operation (the OpenAPI's table)."""
    for service, app in sorted(APPS.items()):
        for path, operations in app.openapi()["paths"].items():
            for method, operation in operations.items():
                for param in operation.get("parameters", []):
                    if param["in"] in {"path", "query"}:
                        yield pytest.param(
                            (service, method, path, operation), param["in"], param["name"],
                            id=f"{service} {method} {path} {param['in']}:{param['name']}",
                        )  # fmt: skip


@pytest.mark.parametrize(("op", "where", "name"), list(parameters()))
async def test_nul_in_any_path_or_query_parameter_is_refused_naming_it(
    op: tuple[str, str, str, dict[str, Any]], where: str, name: str
) -> None:
    service, method, path, operation = op
    for param in operation["parameters"]:
        if param["in"] == "path":
            value = "a%00b" if (where, param["name"]) == ("path", name) else str(uuid.uuid4())
            path = path.replace("{" + param["name"] + "}", value)
    params = {name: "a\x00b"} if where == "query" else {}
    transport = httpx.ASGITransport(app=APPS[service])
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.request(method, path, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == name
