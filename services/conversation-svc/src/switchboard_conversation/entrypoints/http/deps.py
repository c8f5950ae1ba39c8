"""What routes depend on: the handlers' context, the caller, and refusals as answers."""

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from switchboard_contracts.errors import ErrorBody
from switchboard_conversation.adapters.access import AccessUnavailableError
from switchboard_conversation.adapters.queues import InvalidCursorError
from switchboard_conversation.domain.errors import ConflictError, InvalidActionError
from switchboard_conversation.service_layer.context import Caller, ConversationContext
from switchboard_conversation.service_layer.errors import ForbiddenError, NotFoundError
from switchboard_platform.auth.standing import CurrentCaller as StandingCaller
from switchboard_platform.http.context import context_dependency
from switchboard_platform.http.errors import documented_errors, error_response


def install(app: FastAPI) -> None:
    def answer(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
        return error_response(ErrorBody(status=status, code=code, message=message, field=field))

    @app.exception_handler(NotFoundError)
    async def _not_found(_: Request, exc: NotFoundError) -> JSONResponse:
        return answer(404, "not_found", exc.message, exc.field)

    @app.exception_handler(ForbiddenError)
    async def _forbidden(_: Request, exc: ForbiddenError) -> JSONResponse:
        body = ErrorBody(status=403, code="forbidden", message=exc.message, field=exc.action)
        response = error_response(body)
        response.headers["x-required-role"] = exc.required_role.value if exc.required_role else ""
        return response

    @app.exception_handler(InvalidActionError)
    async def _invalid(_: Request, exc: InvalidActionError) -> JSONResponse:
        return answer(422, "validation_error", exc.message, exc.field)

    @app.exception_handler(InvalidCursorError)
    async def _cursor(_: Request, exc: InvalidCursorError) -> JSONResponse:
        return answer(422, "validation_error", str(exc), "cursor")

    @app.exception_handler(ConflictError)
    async def _conflict(_: Request, exc: ConflictError) -> JSONResponse:
        return answer(409, "conflict", exc.message)

    @app.exception_handler(AccessUnavailableError)
    async def _unavailable(_: Request, exc: AccessUnavailableError) -> JSONResponse:
        del exc
        return answer(503, "unavailable", "Access cannot be checked right now; try again.")


async def _caller(caller: StandingCaller) -> Caller:
    # The shared rule has verified the token and asked access-svc for the standing.
    return Caller.of(caller)


Ctx = Annotated[ConversationContext, Depends(context_dependency(ConversationContext))]
CurrentCaller = Annotated[Caller, Depends(_caller)]


# The documented error responses of a route: always 401, 403, 422 and 503 (a deactivated
# or unknown caller is refused on every route).
errors = documented_errors(
    {
        403: "The caller's role on the channel does not allow the action (the message names "
        "the action and the role that would; `field` is the action), or the caller is "
        "deactivated (`user_inactive`) or unknown to access-svc (`unknown_user`)",
        404: "Unknown, of another organization, or on a channel the caller has no access to",
        503: "access-svc could not be asked",
    },
    always=(401, 403, 422, 503),
)
