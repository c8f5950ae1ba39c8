"""The HTTP API's request and response bodies (what the OpenAPI document shows)."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from switchboard_contracts.enums import ChannelRole, ChannelStatus
from switchboard_platform.http.requests import RequestModel

# Characters, not bytes (pydantic counts code points); surrounding blanks are not kept.
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Threshold = Annotated[int, Field(gt=0, le=10 * 365 * 24 * 3600)]


class AutoResolveIn(RequestModel):
    enabled: bool | None = None
    new_after_seconds: Threshold | None = Field(
        default=None, description="Resolve New conversations idle this long (seconds, > 0)"
    )
    pending_after_seconds: Threshold | None = Field(
        default=None, description="Resolve Pending conversations idle this long (seconds, > 0)"
    )


class ChannelPatch(RequestModel):
    display_name: DisplayName | None = Field(default=None, description="1 to 255 characters")
    auto_ownership: bool | None = None
    auto_resolve: AutoResolveIn | None = None


class AutoResolveOut(BaseModel):
    enabled: bool
    new_after_seconds: int
    pending_after_seconds: int


class ChannelOut(BaseModel):
    id: uuid.UUID
    twitter_account_id: str
    handle: str
    name: str
    url: str = Field(description="https://twitter.com/<handle>")
    display_name: str
    status: ChannelStatus
    auto_ownership: bool
    auto_resolve: AutoResolveOut
    revision: int
    updated_at: datetime


class ChannelDetailOut(ChannelOut):
    webhook_subscribed: bool
    access: dict[str, Any] | None = Field(
        description="Grants from access-svc (users, teams, All Users / All Teams); edit them "
        "with access-svc's /v1/channels/{id}/access/... endpoints. Null when access-svc "
        "does not know the channel yet or cannot be reached"
    )


class SelectorItemOut(BaseModel):
    id: uuid.UUID
    display_name: str
    handle: str
    url: str
    status: ChannelStatus
    role: ChannelRole = Field(description="The caller's role (admins: supervisor)")


class AuthorizationOut(BaseModel):
    authorization_url: str = Field(description="Send the admin's browser here")
    expires_at: datetime


class ConnectedOut(BaseModel):
    change: str = Field(description="connected, or reauthorized")
    webhook_subscribed: bool
    channel: ChannelOut
