"""What routes depend on: the handlers' context, the caller's token, error responses."""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from switchboard_channel.service_layer.context import ChannelContext
from switchboard_channel.service_layer.errors import RefusedError
from switchboard_contracts.errors import ErrorBody
from switchboard_platform.http.errors import error_response


def install(app: FastAPI, context: ChannelContext) -> None:
    app.state.channel = context

    @app.exception_handler(RefusedError)
    async def _refused(_: Request, exc: RefusedError) -> JSONResponse:
        return error_response(
            ErrorBody(status=exc.status, code=exc.code, message=exc.message, field=exc.field)
        )


async def _context(request: Request) -> ChannelContext:
    context: ChannelContext = request.app.state.channel
    return context


Context = Annotated[ChannelContext, Depends(_context)]


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented error responses of a route (always 401 and 422; 403 and 503 on
    every route with a bearer: a deactivated or unknown caller, standing not checkable)."""
    meaning = {
        400: "The authorization could not be completed (cancelled, expired, used, mismatched)",
        401: "No bearer token, or one that is expired, wrongly signed or for another audience",
        403: "Only organization admins may do this; or the caller is deactivated "
        "(`user_inactive`) or unknown to access-svc (`unknown_user`)",
        404: "Unknown here, or of another organization (never told apart)",
        409: "Conflicts with what exists",
        422: "The request is not valid (the body says which field)",
        502: "Twitter or access-svc did not answer as expected",
        503: "The caller's standing could not be asked of access-svc",
    }
    return {
        status: {"model": ErrorBody, "description": meaning[status]}
        for status in sorted({401, 422, *statuses})
    }
