"""Who is signed in, in a signed, HttpOnly, SameSite=Lax session cookie (Starlette's
SessionMiddleware, set up in `bootstrap.py`), and the CSRF token every form carries.

The session holds the person's bearer token for the services; what they may do is never
kept here: every page asks the services, which decide from the person's current standing.
"""

import secrets
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData

from switchboard_console.adapters.services import Api
from switchboard_console.context import Ctx

PERSON = "person"
CSRF = "csrf"
FLASH = "flash"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Person:
    user_id: str
    org_id: str
    org_role: str  # access-svc's record at sign-in; the services check it again on each call
    token: str
    name: str = ""
    founder: bool = False  # the identity provider's admin of an organization with no admin yet

    @property
    def is_admin(self) -> bool:
        return self.org_role == "admin"


class SignInRequired(Exception):  # noqa: N818 - a control-flow signal, answered by a redirect
    pass


class CsrfRefused(Exception):  # noqa: N818
    pass


def sign_in(request: Request, person: Person) -> None:
    request.session.clear()  # a new session id for a new person (no fixation)
    request.session[PERSON] = asdict(person)
    request.session[CSRF] = secrets.token_urlsafe(32)


def sign_out(request: Request) -> None:
    request.session.clear()


def person_of(request: Request) -> Person | None:
    data = request.session.get(PERSON)
    return Person(**data) if isinstance(data, dict) else None


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF] = token
    return token


def flash(request: Request, message: str, kind: str = "info") -> None:
    request.session.setdefault(FLASH, []).append({"kind": kind, "message": message})


def take_flashes(request: Request) -> list[dict[str, str]]:
    flashes: list[dict[str, str]] = request.session.pop(FLASH, [])
    return flashes


async def form(request: Request) -> FormData:
    """The posted form, once its CSRF token (field `csrf` or header `X-CSRF-Token`) matches
    the session's."""
    data = await request.form()
    sent = data.get(CSRF) or request.headers.get("x-csrf-token") or ""
    expected = request.session.get(CSRF)
    if not isinstance(sent, str) or not isinstance(expected, str):
        raise CsrfRefused
    if not secrets.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRefused
    return data


async def _signed_in(request: Request) -> Person:
    person = person_of(request)
    if person is None or person.founder:
        raise SignInRequired
    return person


async def _api(person: Annotated[Person, Depends(_signed_in)], ctx: Ctx) -> Api:
    return Api(ctx.services, person.token)


SignedIn = Annotated[Person, Depends(_signed_in)]
PersonApi = Annotated[Api, Depends(_api)]
Form = Annotated[FormData, Depends(form)]


def field(data: FormData, name: str, default: str = "") -> str:
    value: Any = data.get(name, default)
    return value if isinstance(value, str) else default
