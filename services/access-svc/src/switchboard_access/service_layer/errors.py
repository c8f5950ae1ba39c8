"""What a handler refuses with; the HTTP layer turns each into the project's error shape."""


class RefusedError(Exception):
    code: str = "refused"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class NotFoundError(RefusedError):
    """Unknown here, or of another organization: the two are never told apart."""

    code = "not_found"


class ConflictError(RefusedError):
    code = "conflict"


class ForbiddenError(RefusedError):
    code = "forbidden"


def not_found(what: str, field: str) -> NotFoundError:
    return NotFoundError(f"No such {what}.", field=field)
