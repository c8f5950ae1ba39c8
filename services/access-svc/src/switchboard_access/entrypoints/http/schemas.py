"""The HTTP API's request and response bodies (what the OpenAPI document shows)."""

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from switchboard_access.domain.permissions import Verdict
from switchboard_access.domain.roles import Source
from switchboard_contracts.enums import ChannelAction, ChannelRole, ChannelStatus, OrgRole
from switchboard_platform.http.requests import RequestModel

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
TeamName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class NewUser(RequestModel):
    email: Email
    display_name: DisplayName
    org_role: OrgRole = OrgRole.AGENT


class UserPatch(RequestModel):
    display_name: DisplayName | None = None
    org_role: OrgRole | None = None
    active: bool | None = Field(default=None, description="false deactivates: no access at all")


class UserOut(BaseModel):
    id: uuid.UUID = Field(description="The `sub` of this user's tokens")
    email: str
    display_name: str
    org_role: OrgRole
    active: bool
    team_id: uuid.UUID | None


class StandingOut(BaseModel):
    user_id: uuid.UUID
    org_role: OrgRole = Field(description="The role on record now (the token's may be older)")
    active: bool
    team_id: uuid.UUID | None


class NewTeam(RequestModel):
    name: TeamName


class TeamOut(BaseModel):
    id: uuid.UUID
    name: str
    member_ids: list[uuid.UUID]


class NewMember(RequestModel):
    user_id: uuid.UUID
    move: bool = Field(
        default=False,
        description="Move the user out of the team they are in (otherwise that is a 409)",
    )


class MembershipOut(BaseModel):
    team_id: uuid.UUID
    user_id: uuid.UUID
    previous_team_id: uuid.UUID | None


class RoleIn(RequestModel):
    role: ChannelRole


class GrantOut(BaseModel):
    channel_id: uuid.UUID
    principal_kind: Literal["user", "team", "all_users", "all_teams"]
    principal_id: uuid.UUID | None
    member_user_id: uuid.UUID | None
    role: ChannelRole
    previous_role: ChannelRole | None


class UserGrantOut(BaseModel):
    user_id: uuid.UUID
    role: ChannelRole


class TeamGrantOut(BaseModel):
    team_id: uuid.UUID
    role: ChannelRole
    members: list[UserGrantOut] = Field(description="Per-member roles within this team's grant")


class ChannelAccessOut(BaseModel):
    channel_id: uuid.UUID
    all_users: ChannelRole | None = Field(description="The All Users toggle: off or a role")
    all_teams: ChannelRole | None = Field(description="The All Teams toggle: off or a role")
    users: list[UserGrantOut]
    teams: list[TeamGrantOut]


class ChannelOut(BaseModel):
    id: uuid.UUID
    display_name: str
    status: ChannelStatus


class CheckIn(RequestModel):
    user_id: uuid.UUID
    channel_id: uuid.UUID
    action: ChannelAction


class CheckOut(BaseModel):
    user_id: uuid.UUID
    channel_id: uuid.UUID
    action: ChannelAction
    allowed: bool
    verdict: Verdict = Field(
        description="allowed; no_access (the channel does not exist for the user: answer "
        "404); role_too_low (answer 403 naming required_role); user_inactive"
    )
    role: ChannelRole | None = Field(description="The user's effective role on the channel")
    source: Source = Field(description="What gave the role: the most specific grant, or admin")
    required_role: ChannelRole = Field(description="The least role that allows the action")


class AccessibleChannelOut(BaseModel):
    channel_id: uuid.UUID
    display_name: str
    status: ChannelStatus
    role: ChannelRole
    source: Source


class UserChannelsOut(BaseModel):
    user_id: uuid.UUID
    channels: list[AccessibleChannelOut]
