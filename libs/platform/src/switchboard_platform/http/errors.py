"""Every HTTP error in the one JSON shape of `switchboard_contracts.errors.ErrorBody`."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from switchboard_contracts.errors import ErrorBody, ErrorDetail
from switchboard_platform.logs import get_logger

log = get_logger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "unavailable",
}


class ApiError(Exception):
    """Raise from a route or handler to answer with a clear error."""

    def __init__(
        self, status: int, message: str, *, code: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.body = ErrorBody(
            status=status, code=code or _CODES.get(status, "error"), message=message, field=field
        )


def error_response(body: ErrorBody, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body.model_dump(mode="json"), status_code=body.status, headers=headers)


def _printable(text: str) -> str:
    # A refused field name may itself be unencodable text (a lone surrogate): say it escaped.
    return text.encode("utf-8", "backslashreplace").decode()


def _field(loc: Sequence[int | str]) -> str | None:
    return _printable(".".join(str(part) for part in loc)) or None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.body)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = tuple(
            ErrorDetail(field=_field(err["loc"][1:]), reason=_printable(err["msg"]))
            for err in exc.errors()
        )
        return error_response(
            ErrorBody(
                status=422,
                code="validation_error",
                message="The request is not valid.",
                field=details[0].field if details else None,
                details=details,
            )
        )

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return error_response(
            ErrorBody(
                status=exc.status_code,
                code=_CODES.get(exc.status_code, "error"),
                message=str(exc.detail),
            ),
            headers=exc.headers,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", path=request.url.path, exc_info=exc)
        return error_response(
            ErrorBody(
                status=500, code="internal_error", message="Something went wrong on our side."
            )
        )


# What an error status means on any route; a service adds or rewords its own.
ERROR_MEANINGS: Mapping[int, str] = {
    401: "No bearer token, or one that is expired, wrongly signed or for another audience",
    404: "Unknown here, or of another organization (never told apart)",
    409: "Conflicts with what exists",
    422: "The request is not valid (the body says which field)",
}


def documented_errors(
    meanings: Mapping[int, str], *, always: Sequence[int]
) -> Callable[..., dict[int | str, dict[str, Any]]]:
    """A service's `errors(*statuses)`: the documented error responses of a route, the
    statuses `always` answered (auth, input, standing) and those named, with `meanings`
    over `ERROR_MEANINGS`."""
    meaning = {**ERROR_MEANINGS, **meanings}

    def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
        return {
            status: {"model": ErrorBody, "description": meaning[status]}
            for status in sorted({*always, *statuses})
        }

    return errors
