"""A Twitter channel and its rules (DOMAIN.md, Channels), plain code.

Every change bumps `revision` by one and names what happened (`change`), which is what
`channels.v1` carries; a request that changes nothing is no change (no new revision).
"""

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from switchboard_contracts.enums import ChannelStatus
from switchboard_contracts.events.channels import DEFAULT_AUTO_RESOLVE_SECONDS

Change = Literal["connected", "reauthorized", "settings_changed", "deauthorized", "disconnected"]
MAX_DISPLAY_NAME = 255


class AlreadyConnectedError(Exception):
    """The account has a channel in the organization already (one connected at the same
    time won)."""


class ChannelError(ValueError):
    """A refused change; `code` and `field` go to the caller."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class AutoResolve:
    enabled: bool = True
    new_after_seconds: int = DEFAULT_AUTO_RESOLVE_SECONDS
    pending_after_seconds: int = DEFAULT_AUTO_RESOLVE_SECONDS


@dataclass(frozen=True)
class Settings:
    display_name: str
    auto_ownership: bool
    auto_resolve: AutoResolve


@dataclass(frozen=True)
class Channel:
    id: uuid.UUID
    org_id: uuid.UUID
    twitter_account_id: str
    handle: str
    name: str
    settings: Settings
    status: ChannelStatus
    revision: int
    updated_at: datetime

    @property
    def url(self) -> str:
        return f"https://twitter.com/{self.handle}"

    @classmethod
    def connect(
        cls,
        *,
        channel_id: uuid.UUID,
        org_id: uuid.UUID,
        twitter_account_id: str,
        handle: str,
        name: str,
        at: datetime,
    ) -> "Channel":
        return cls(
            id=channel_id,
            org_id=org_id,
            twitter_account_id=twitter_account_id,
            handle=handle,
            name=name,
            settings=Settings(
                display_name=default_display_name(handle),
                auto_ownership=False,
                auto_resolve=AutoResolve(),
            ),
            status=ChannelStatus.CONNECTED,
            revision=1,
            updated_at=at,
        )

    def reauthorize(self, *, handle: str, name: str | None, at: datetime) -> "Channel":
        """Fresh credentials for the same account: connected again (handles and names may
        change; an unknown name, None, keeps the one known)."""
        return replace(
            self,
            handle=handle,
            name=name or self.name,
            status=ChannelStatus.CONNECTED,
            revision=self.revision + 1,
            updated_at=at,
        )

    def deauthorize(self, *, at: datetime) -> "Channel | None":
        """Tokens stopped working or the app was revoked; None when already so."""
        if self.status is not ChannelStatus.CONNECTED:
            return None
        return self._next(status=ChannelStatus.DEAUTHORIZED, at=at)

    def disconnect(self, *, at: datetime) -> "Channel | None":
        if self.status is ChannelStatus.DISCONNECTED:
            return None
        return self._next(status=ChannelStatus.DISCONNECTED, at=at)

    def change_settings(self, settings: Settings, *, at: datetime) -> "Channel | None":
        """New settings (validated); None when they are what the channel has."""
        validate_display_name(settings.display_name)
        for field, value in (
            ("auto_resolve.new_after_seconds", settings.auto_resolve.new_after_seconds),
            ("auto_resolve.pending_after_seconds", settings.auto_resolve.pending_after_seconds),
        ):
            if value <= 0:
                raise ChannelError("validation_error", "Thresholds must be above zero.", field)
        if settings == self.settings:
            return None
        return replace(self, settings=settings, revision=self.revision + 1, updated_at=at)

    def _next(self, *, status: ChannelStatus, at: datetime) -> "Channel":
        return replace(self, status=status, revision=self.revision + 1, updated_at=at)


def default_display_name(handle: str) -> str:
    return f"@{handle}"


def validate_display_name(value: str) -> None:
    # Characters (code points), not bytes: "日本" is 2, not 6.
    if not value.strip() or len(value) > MAX_DISPLAY_NAME:
        raise ChannelError(
            "validation_error",
            f"The display name must have 1 to {MAX_DISPLAY_NAME} characters.",
            "display_name",
        )
