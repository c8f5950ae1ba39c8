"""Refusals the HTTP layer turns into answers (the domain's own are in `domain.errors`)."""

from switchboard_contracts.enums import ChannelAction, ChannelRole


class NotFoundError(Exception):
    """Unknown, of another organization, or on a channel the caller has no access to."""

    def __init__(self, what: str, field: str | None = None) -> None:
        super().__init__(f"No such {what}.")
        self.message = f"No such {what}."
        self.field = field


class ForbiddenError(Exception):
    def __init__(
        self, action: ChannelAction | str, required_role: ChannelRole | None, message: str
    ) -> None:
        super().__init__(message)
        self.action = str(action)
        self.required_role = required_role
        self.message = message
