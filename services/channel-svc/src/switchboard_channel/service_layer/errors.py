"""Refusals the HTTP layer turns into the project's error shape."""


class RefusedError(Exception):
    status = 400

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class BadRequestError(RefusedError):
    status = 400


class ForbiddenError(RefusedError):
    status = 403


class NotFoundError(RefusedError):
    status = 404


class ConflictError(RefusedError):
    status = 409


class InvalidError(RefusedError):
    status = 422


class UpstreamError(RefusedError):
    status = 502


def channel_not_found() -> NotFoundError:
    return NotFoundError("not_found", "No such channel.", "channel_id")


def admins_only() -> ForbiddenError:
    return ForbiddenError("forbidden", "Only an organization admin can manage channels.")
