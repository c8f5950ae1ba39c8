"""`RequestModel` and the parameter check: unstorable text and lax JSON types are 422s."""

import uuid
from datetime import UTC, datetime
from enum import StrEnum

import httpx
import pytest
from pydantic import Field, ValidationError

from switchboard_platform.http.app import create_app
from switchboard_platform.http.requests import RequestModel, text_problem

pytestmark = pytest.mark.unit


class Colour(StrEnum):
    RED = "red"


class Inner(RequestModel):
    enabled: bool | None = None
    seconds: int | None = Field(default=None, gt=0)
    ratio: float | None = None


class Body(RequestModel):
    name: str = Field(max_length=5)
    tags: list[str] = Field(default_factory=list)
    inner: Inner | None = None
    labels: dict[str, int] = Field(default_factory=dict)
    id: uuid.UUID | None = None
    at: datetime | None = None
    colour: Colour | None = None


def errors(data: object) -> dict[tuple[str | int, ...], str]:
    with pytest.raises(ValidationError) as caught:
        Body.model_validate(data)
    return {tuple(e["loc"]): e["type"] for e in caught.value.errors()}


@pytest.mark.parametrize(
    ("text", "storable"),
    [("plain", True), ("é ☃ 🦜", True), ("a\x00b", False), ("\ud800", False), ("\udfff x", False)],
)
def test_text_problem(text: str, *, storable: bool) -> None:
    assert (text_problem(text) is None) is storable


def test_json_strings_still_make_uuids_datetimes_and_enums() -> None:
    given = uuid.uuid4()
    body = Body.model_validate(
        {"name": "ok", "id": str(given), "at": "2026-01-02T03:04:05Z", "colour": "red"}
    )
    assert (body.id, body.at, body.colour) == (
        given,
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        Colour.RED,
    )
    # Python callers keep passing Python values.
    assert Body(name="ok", id=given, colour=Colour.RED).id == given


@pytest.mark.parametrize(
    ("inner", "kind"),
    [
        ({"seconds": True}, "int_type"),
        ({"seconds": "3"}, "int_type"),
        ({"seconds": 3.0}, "int_type"),
        ({"ratio": "0.5"}, "float_type"),
        ({"ratio": False}, "float_type"),
        ({"enabled": 1}, "bool_type"),
        ({"enabled": "true"}, "bool_type"),
    ],
)
def test_no_bool_as_number_no_string_as_number_or_bool(inner: dict[str, object], kind: str) -> None:
    (field,) = inner
    assert errors({"name": "ok", "inner": inner}) == {("inner", field): kind}


@pytest.mark.parametrize("bad", ["a\x00", "\ud83d"])
def test_unstorable_text_is_refused_where_it_is(bad: str) -> None:
    found = errors({"name": bad, "tags": ["fine", bad], "labels": {bad: 1}})
    # pydantic itself refuses some lone surrogates (string_unicode); either is a 422 there.
    assert {loc[:2] if loc[0] == "tags" else loc[:1] for loc in found} == {
        ("name",),
        ("tags", 1),
        ("labels",),
    }
    assert set(found.values()) <= {"text_not_storable", "string_unicode"}


def test_limits_and_unknown_fields_still_apply() -> None:
    assert errors({"name": "toolong", "other": 1}) == {
        ("name",): "string_too_long",
        ("other",): "extra_forbidden",
    }


async def test_every_route_refuses_unstorable_path_and_query_parameters() -> None:
    app = create_app(title="t", description="t", lifespan=_no_lifespan, checks={})

    @app.get("/things/{name}")
    async def thing(name: str, q: str | None = None) -> dict[str, str | None]:
        return {"name": name, "q": q}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        fine = await client.get("/things/a%C3%A9b", params={"q": "ok"})
        in_path = await client.get("/things/a%00b", params={"q": "ok"})
        in_query = await client.get("/things/ab", params={"q": "a\x00b"})
        undeclared = await client.get("/things/ab", params={"other": "\x00"})
    assert fine.json() == {"name": "aéb", "q": "ok"}
    for response, field in ((in_path, "name"), (in_query, "q"), (undeclared, "other")):
        assert response.status_code == 422, response.text
        body = response.json()
        assert (body["code"], body["field"]) == ("validation_error", field)
        assert "NUL" in body["details"][0]["reason"]


def _no_lifespan(_: object) -> "_Nothing":
    return _Nothing()


class _Nothing:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *_: object) -> None:
        return None
