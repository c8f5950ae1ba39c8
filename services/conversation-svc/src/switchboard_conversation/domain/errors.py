"""Why the domain refuses something (the service layer maps these to HTTP answers)."""


class DomainError(Exception):
    pass


class InvalidActionError(DomainError):
    """The request cannot be done as asked (422), naming the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class ConflictError(DomainError):
    """It contradicts the conversation's current state (409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
