"""The records access-svc keeps, and the team-membership rule. Plain code."""

import uuid
from dataclasses import dataclass
from enum import StrEnum

from switchboard_access.domain.roles import Member
from switchboard_contracts.enums import ChannelRole, ChannelStatus, OrgRole, PrincipalKind


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    org_id: uuid.UUID
    email: str
    display_name: str
    org_role: OrgRole
    active: bool
    team_id: uuid.UUID | None = None

    @property
    def is_active_admin(self) -> bool:
        return self.active and self.org_role is OrgRole.ADMIN

    def as_member(self) -> Member:
        """What the effective-role rule needs to know about this user."""
        return Member(self.id, self.org_role, self.active, self.team_id)


@dataclass(frozen=True)
class Team:
    id: uuid.UUID
    org_id: uuid.UUID
    name: str


@dataclass(frozen=True)
class Channel:
    """access-svc's view of a channel (from `channels.v1`): enough to know it exists."""

    id: uuid.UUID
    org_id: uuid.UUID
    display_name: str
    status: ChannelStatus
    revision: int

    @property
    def in_selector(self) -> bool:
        # A disconnected channel is gone from the product: it is not offered to anyone.
        return self.status is not ChannelStatus.DISCONNECTED


@dataclass(frozen=True)
class GrantKey:
    """Which grant of a channel: to a user, a team, a member within a team's grant, or a
    toggle (All Users / All Teams, no principal id)."""

    channel_id: uuid.UUID
    kind: PrincipalKind
    principal_id: uuid.UUID | None = None
    member_user_id: uuid.UUID | None = None


@dataclass(frozen=True)
class GrantChange:
    key: GrantKey
    role: ChannelRole | None  # None: removed
    previous_role: ChannelRole | None


def removes_an_admin(before: User, after: User) -> bool:
    """Whether a change takes an admin away. An organization always keeps one active admin:
    without one nobody could manage its users, channels or grants again."""
    return before.is_active_admin and not after.is_active_admin


class MembershipStep(StrEnum):
    NOTHING = "nothing"  # already in that team
    JOIN = "join"  # in no team yet
    MOVE = "move"  # leaves the current team for the new one


class AlreadyInAnotherTeamError(Exception):
    def __init__(self, current_team_id: uuid.UUID) -> None:
        super().__init__(f"the user is already a member of team {current_team_id}")
        self.current_team_id = current_team_id


def membership_step(
    current_team_id: uuid.UUID | None, team_id: uuid.UUID, *, move: bool
) -> MembershipStep:
    """A user is a member of at most one team: joining a second one must say `move`."""
    if current_team_id is None:
        return MembershipStep.JOIN
    if current_team_id == team_id:
        return MembershipStep.NOTHING
    if not move:
        raise AlreadyInAnotherTeamError(current_team_id)
    return MembershipStep.MOVE
