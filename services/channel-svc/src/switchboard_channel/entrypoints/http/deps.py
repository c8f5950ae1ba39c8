"""What routes depend on: the handlers' context, the caller's token, error responses."""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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

_bearer = HTTPBearer(auto_error=False, scheme_name="bearer", bearerFormat="JWT")


def _raw_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    # Only used next to `CurrentPrincipal`, which has verified it already.
    return "" if credentials is None else credentials.credentials


BearerToken = Annotated[str, Depends(_raw_token)]


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented error responses of a route (always 401 and 422)."""
    meaning = {
        400: "The authorization could not be completed (cancelled, expired, used, mismatched)",
        401: "No bearer token, or one that is expired, wrongly signed or for another audience",
        403: "Only organization admins may do this",
        404: "Unknown here, or of another organization (never told apart)",
        409: "Conflicts with what exists",
        422: "The request is not valid (the body says which field)",
        502: "Twitter or access-svc did not answer as expected",
    }
    return {
        status: {"model": ErrorBody, "description": meaning[status]}
        for status in sorted({401, 422, *statuses})
    }
