"""What every public request must satisfy, in one place for every service.

- Text PostgreSQL cannot store (NUL) or UTF-8 cannot encode (lone surrogates, which JSON's
  `\\ud800` escapes produce) is refused with 422 naming the field or parameter, before any
  handler runs: it would otherwise fail deep in a database driver as a 500.
- Request bodies take JSON's types as they are: no boolean read as a number, no string
  read as a number or a boolean. Pydantic's model-wide `strict` cannot say that here:
  FastAPI validates the parsed body in Python mode, where `strict` would also refuse UUIDs,
  datetimes and enums given as JSON strings. So `RequestModel` makes only the numbers,
  booleans and strings of its schema strict (and checks every string), leaving the rest.
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from switchboard_contracts.errors import ErrorBody

NOT_STORABLE = "text_not_storable"
_STRICT_TYPES = frozenset({"int", "float", "bool", "str"})
_NOT_VALIDATION = frozenset({"serialization", "metadata"})  # sub-schemas left as they are


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can."""
    if "\x00" in value:
        return "contains a NUL character (\\u0000)"
    try:
        value.encode()
    except UnicodeEncodeError:
        return "contains a lone surrogate (not valid Unicode text)"
    return None


def _storable(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise PydanticCustomError(NOT_STORABLE, "Text {problem}", {"problem": problem})
    return value


def _tighten(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_tighten(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    tightened = {
        key: value if key in _NOT_VALIDATION else _tighten(value) for key, value in schema.items()
    }
    if schema.get("type") in _STRICT_TYPES:
        tightened["strict"] = True
    if schema.get("type") == "str":
        return core_schema.no_info_after_validator_function(_storable, tightened)
    return tightened


class RequestModel(BaseModel):
    """Base of every public request body: unknown fields, unstorable text (dictionary keys
    included) and JSON values of the wrong type (`true` or `"1"` for a number, `1` or
    `"true"` for a boolean) are 422s naming the field."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[BaseModel], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        tightened: CoreSchema = _tighten(handler(source))
        return tightened


async def refuse_unstorable_parameters(request: Request) -> None:
    """An app-wide dependency: every path and query parameter (declared or not) must be
    storable text; the 422 names the parameter, whatever route and whether or not the
    caller is authenticated."""
    params = [
        *(("path", name, str(value)) for name, value in request.path_params.items()),
        *(("query", name, value) for name, value in request.query_params.multi_items()),
    ]
    found = [
        {"type": NOT_STORABLE, "loc": (kind, name), "msg": f"Text {problem}", "input": value}
        for kind, name, value in params
        if (problem := text_problem(name) or text_problem(value))
    ]
    if found:
        raise RequestValidationError(found)


_INPUT_ERRORS = {
    "400": "The body is not JSON (or not UTF-8)",
    "422": "The request is not valid (the body says which field)",
}
_ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}


def document_input_errors(app: FastAPI) -> None:
    """Every operation that takes input documents what refusing it answers, in the one
    error shape (FastAPI's own 422 schema is not what the handlers send): 422 for any
    body or parameter, 400 for a body that cannot be parsed at all."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        if "ErrorBody" not in schemas:  # no route named it: add it and what it refers to
            shape = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(shape.pop("$defs", {}), ErrorBody=shape)
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                if not (operation.get("parameters") or "requestBody" in operation):
                    continue
                for status in ("400", "422") if "requestBody" in operation else ("422",):
                    given = operation["responses"].get(status, {})
                    operation["responses"][status] = {
                        "description": given.get("description", _INPUT_ERRORS[status]),
                        "content": {"application/json": {"schema": _ERROR_BODY}},
                    }
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
