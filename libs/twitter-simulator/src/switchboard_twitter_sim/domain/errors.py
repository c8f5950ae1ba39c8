"""Twitter's error responses, in the shapes its clients parse: v2 `problem+json`, v2
invalid-request, and v1.1 `{"errors": [{"code", "message"}]}`. Plain data: the HTTP
layer turns a `TwitterApiError` into a response unchanged."""

from collections.abc import Mapping
from typing import Any

PROBLEM_JSON = "application/problem+json"
JSON = "application/json"
_INVALID_REQUEST = "https://api.twitter.com/2/problems/invalid-request"
_NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"

DUPLICATE_CONTENT = "You are not allowed to create a Tweet with duplicate content."
REPLY_NOT_ALLOWED = (
    "Reply to this conversation is not allowed because you have not been mentioned or "
    "otherwise engaged by the author of the post you are replying to."
)
REPLY_TO_DELETED = "You attempted to reply to a Tweet that is deleted or not visible to you."


class TwitterApiError(Exception):
    def __init__(
        self,
        status: int,
        body: Mapping[str, Any] | str,
        *,
        media_type: str = JSON,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.media_type = media_type
        self.headers = dict(headers or {})


def problem(status: int, title: str, detail: str, **extra: Any) -> TwitterApiError:
    body = {"title": title, "type": "about:blank", "status": status, "detail": detail} | extra
    return TwitterApiError(status, body, media_type=PROBLEM_JSON)


def unauthorized() -> TwitterApiError:
    return problem(401, "Unauthorized", "Unauthorized")


def forbidden(detail: str) -> TwitterApiError:
    return problem(403, "Forbidden", detail)


def too_many_requests(headers: Mapping[str, str]) -> TwitterApiError:
    error = problem(429, "Too Many Requests", "Too Many Requests")
    error.headers.update(headers)
    return error


def invalid_request(message: str, parameter: str | None = None, value: str = "") -> TwitterApiError:
    error: dict[str, Any] = {"message": message}
    if parameter is not None:
        error["parameters"] = {parameter: [value]}
    body = {
        "errors": [error],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": _INVALID_REQUEST,
    }
    return TwitterApiError(400, body, media_type=PROBLEM_JSON)


def not_found(detail: str, *, resource_type: str, value: str) -> TwitterApiError:
    body = {
        "errors": [
            {
                "value": value,
                "detail": detail,
                "title": "Not Found Error",
                "resource_type": resource_type,
                "type": _NOT_FOUND,
            }
        ],
        "title": "Not Found Error",
        "detail": detail,
        "type": _NOT_FOUND,
    }
    return TwitterApiError(404, body, media_type=PROBLEM_JSON)


def v1_error(status: int, code: int, message: str) -> TwitterApiError:
    return TwitterApiError(status, {"errors": [{"code": code, "message": message}]})


def could_not_authenticate() -> TwitterApiError:
    return v1_error(401, 32, "Could not authenticate you.")


def invalid_or_expired_token() -> TwitterApiError:
    return v1_error(401, 89, "Invalid or expired token.")
