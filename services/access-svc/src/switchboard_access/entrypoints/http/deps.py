"""What routes depend on: a unit of work per request, the caller, the error responses."""

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from switchboard_access.adapters.unit_of_work import UnitOfWork
from switchboard_access.service_layer.context import AccessContext
from switchboard_access.service_layer.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    RefusedError,
)
from switchboard_contracts.errors import ErrorBody
from switchboard_platform.http.context import context_of
from switchboard_platform.http.errors import documented_errors, error_response

_STATUS: dict[type[RefusedError], int] = {
    NotFoundError: 404,
    ConflictError: 409,
    ForbiddenError: 403,
}


def install(app: FastAPI) -> None:
    @app.exception_handler(RefusedError)
    async def _refused(_: Request, exc: RefusedError) -> JSONResponse:
        status = next(s for kind, s in _STATUS.items() if isinstance(exc, kind))
        return error_response(
            ErrorBody(status=status, code=exc.code, message=exc.message, field=exc.field)
        )

    @app.exception_handler(IntegrityError)
    async def _raced(_: Request, __: IntegrityError) -> JSONResponse:
        # A concurrent request changed what this one relied on (the database kept the
        # rules: one team per user, links within one organization); nothing was written.
        return error_response(
            ErrorBody(
                status=409,
                code="concurrent_change",
                message="A concurrent change conflicts with this request; try again.",
            )
        )


# Async, though they await nothing: FastAPI runs a plain `def` dependency in its thread
# pool, and that hop was a tenth of the check's cost and most of its p99 (see bench/).
async def _unit_of_work(request: Request) -> UnitOfWork:
    return context_of(request, AccessContext).unit_of_work()


async def _reading(request: Request) -> UnitOfWork:
    return context_of(request, AccessContext).reading()


Uow = Annotated[UnitOfWork, Depends(_unit_of_work)]
ReadingUow = Annotated[UnitOfWork, Depends(_reading)]


# The documented error responses of a route: always 401, 403 and 422 (a deactivated
# caller, or one this service does not know, is refused everywhere).
errors = documented_errors(
    {
        403: "The caller's role does not allow this, or the caller is deactivated "
        "(`user_inactive`) or unknown here (`unknown_user`)",
    },
    always=(401, 403, 422),
)
