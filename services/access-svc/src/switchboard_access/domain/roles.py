"""The effective-role rule (DOMAIN.md, "Access to a channel and roles"): plain code.

The effective role of user U on channel C: an admin may do everything; otherwise the most
specific grant wins: a grant to U itself, else U's per-member role in U's team grant, else
the grant to U's team, else All Teams (if U is in a team), else All Users, else no access.

Two rules of this service sit on top of it: a deactivated user has no access at all (an
admin included), and an admin acts as a Supervisor of every channel (the most capable
role: every action of the table).
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from switchboard_contracts.enums import ChannelRole, OrgRole


@dataclass(frozen=True)
class Member:
    """What the rule needs to know about the user it decides for."""

    user_id: uuid.UUID
    org_role: OrgRole
    active: bool = True
    team_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ChannelGrants:
    """The grants on one channel (all of them, or at least every one that can apply)."""

    users: Mapping[uuid.UUID, ChannelRole] = field(default_factory=dict)
    teams: Mapping[uuid.UUID, ChannelRole] = field(default_factory=dict)
    # Per-member roles inside a team's grant, by (team id, user id).
    members: Mapping[tuple[uuid.UUID, uuid.UUID], ChannelRole] = field(default_factory=dict)
    all_teams: ChannelRole | None = None
    all_users: ChannelRole | None = None


class Source(StrEnum):
    """What decided the effective role."""

    ADMIN = "admin"
    USER = "user"
    TEAM_MEMBER = "team_member"
    TEAM = "team"
    ALL_TEAMS = "all_teams"
    ALL_USERS = "all_users"
    INACTIVE = "inactive"
    NONE = "none"


@dataclass(frozen=True)
class EffectiveRole:
    role: ChannelRole | None
    source: Source

    @property
    def has_access(self) -> bool:
        return self.role is not None


NO_ACCESS = EffectiveRole(None, Source.NONE)


def effective_role(member: Member, grants: ChannelGrants) -> EffectiveRole:  # noqa: PLR0911 - a return per branch, in the rule's order
    if not member.active:
        return EffectiveRole(None, Source.INACTIVE)
    if member.org_role is OrgRole.ADMIN:
        return EffectiveRole(ChannelRole.SUPERVISOR, Source.ADMIN)
    if (role := grants.users.get(member.user_id)) is not None:
        return EffectiveRole(role, Source.USER)
    team = member.team_id
    if team is not None and (team_role := grants.teams.get(team)) is not None:
        # A per-member role lives inside the team's grant: without the grant it is void.
        if (role := grants.members.get((team, member.user_id))) is not None:
            return EffectiveRole(role, Source.TEAM_MEMBER)
        return EffectiveRole(team_role, Source.TEAM)
    if team is not None and grants.all_teams is not None:
        return EffectiveRole(grants.all_teams, Source.ALL_TEAMS)
    if grants.all_users is not None:
        return EffectiveRole(grants.all_users, Source.ALL_USERS)
    return NO_ACCESS
