"""`access.v1`: changes to users, teams and channel grants (key: organization id).

Consumers that need the effective role ask access-svc's check API; these events tell
them when to ask again.
"""

import uuid
from typing import Literal

from pydantic import Field

from switchboard_contracts.enums import ChannelRole, OrgRole, PrincipalKind
from switchboard_contracts.envelope import ContractModel, OrgEvent, SchemaVersion


class UserChangedPayload(ContractModel):
    user_id: uuid.UUID
    display_name: str
    org_role: OrgRole
    active: bool
    change: Literal["created", "updated", "deactivated", "reactivated"]


class TeamChangedPayload(ContractModel):
    team_id: uuid.UUID
    name: str
    change: Literal["created", "renamed", "deleted"]


class TeamMembershipChangedPayload(ContractModel):
    user_id: uuid.UUID
    team_id: uuid.UUID | None = Field(description="The team the user is now in, if any")
    previous_team_id: uuid.UUID | None


class GrantChangedPayload(ContractModel):
    """A grant on a channel was set, changed or removed (`role` null means removed).

    `member_user_id` is set for a per-member role inside a team grant.
    """

    channel_id: uuid.UUID
    principal_kind: PrincipalKind
    principal_id: uuid.UUID | None = Field(description="User or team id; null for the toggles")
    member_user_id: uuid.UUID | None = None
    role: ChannelRole | None
    previous_role: ChannelRole | None


class UserChanged(OrgEvent[UserChangedPayload]):
    type: Literal["access.user.changed"] = "access.user.changed"
    schema_version: SchemaVersion = 1


class TeamChanged(OrgEvent[TeamChangedPayload]):
    type: Literal["access.team.changed"] = "access.team.changed"
    schema_version: SchemaVersion = 1


class TeamMembershipChanged(OrgEvent[TeamMembershipChangedPayload]):
    type: Literal["access.team.membership_changed"] = "access.team.membership_changed"
    schema_version: SchemaVersion = 1


class GrantChanged(OrgEvent[GrantChangedPayload]):
    type: Literal["access.grant.changed"] = "access.grant.changed"
    schema_version: SchemaVersion = 1
