"""What routes depend on: the handlers' context, the caller's token, error responses."""

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from switchboard_channel.service_layer.context import ChannelContext
from switchboard_channel.service_layer.errors import RefusedError
from switchboard_contracts.errors import ErrorBody
from switchboard_platform.http.context import context_dependency
from switchboard_platform.http.errors import documented_errors, error_response


def install(app: FastAPI) -> None:
    @app.exception_handler(RefusedError)
    async def _refused(_: Request, exc: RefusedError) -> JSONResponse:
        return error_response(
            ErrorBody(status=exc.status, code=exc.code, message=exc.message, field=exc.field)
        )


Context = Annotated[ChannelContext, Depends(context_dependency(ChannelContext))]

# The documented error responses of a route: always 401 and 422; 403 and 503 on every
# route with a bearer (a deactivated or unknown caller, standing not checkable).
errors = documented_errors(
    {
        400: "The authorization could not be completed (cancelled, expired, used, mismatched)",
        403: "Only organization admins may do this; or the caller is deactivated "
        "(`user_inactive`) or unknown to access-svc (`unknown_user`)",
        502: "Twitter or access-svc did not answer as expected",
        503: "The caller's standing could not be asked of access-svc",
    },
    always=(401, 422),
)
