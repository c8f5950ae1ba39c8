"""`channels.v1`: the full public state of a channel on every change (compacted by id).

Credentials are never part of it.
"""

import uuid
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from switchboard_contracts.enums import ChannelStatus
from switchboard_contracts.envelope import ContractModel, OrgEvent, SchemaVersion, TwitterId

DisplayName = Annotated[str, Field(min_length=1, max_length=255)]
DEFAULT_AUTO_RESOLVE_SECONDS = 30 * 24 * 3600


class AutoResolve(ContractModel):
    enabled: bool = True
    new_after_seconds: int = Field(default=DEFAULT_AUTO_RESOLVE_SECONDS, gt=0)
    pending_after_seconds: int = Field(default=DEFAULT_AUTO_RESOLVE_SECONDS, gt=0)


class ChannelSnapshotPayload(ContractModel):
    channel_id: uuid.UUID
    twitter_account_id: TwitterId
    handle: str = Field(description="The screen name, without @")
    name: str = Field(description="The account's name on Twitter")
    url: str = Field(description="https://twitter.com/<handle>")
    display_name: DisplayName
    status: ChannelStatus
    auto_ownership: bool
    auto_resolve: AutoResolve
    change: Literal["connected", "reauthorized", "settings_changed", "deauthorized", "disconnected"]
    revision: int = Field(ge=1, description="Grows by one on every change of this channel")
    updated_at: AwareDatetime


class ChannelSnapshot(OrgEvent[ChannelSnapshotPayload]):
    type: Literal["channel.snapshot"] = "channel.snapshot"
    schema_version: SchemaVersion = 1
