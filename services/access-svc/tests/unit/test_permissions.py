"""DOMAIN.md's table of (role, action), cell by cell, and the decision of a check."""

import uuid

import pytest

from switchboard_access.domain.permissions import Verdict, decide
from switchboard_access.domain.roles import ChannelGrants, Member
from switchboard_contracts.enums import MINIMUM_ROLE, ChannelAction, ChannelRole, OrgRole

pytestmark = pytest.mark.unit

A = ChannelAction
# Copied from DOMAIN.md ("Access to a channel and roles"): Viewer, Contributor, Supervisor.
DOMAIN_TABLE: dict[ChannelAction, tuple[bool, bool, bool]] = {
    A.READ: (True, True, True),
    A.MOVE: (True, True, True),
    A.LABEL: (True, True, True),
    A.REPLY: (False, True, True),
    A.TAKE_OWNERSHIP: (False, True, True),
    A.ASSIGN_OWNERSHIP: (False, False, True),
    A.VIEW_REPORTS: (False, False, True),
}
ROLES = (ChannelRole.VIEWER, ChannelRole.CONTRIBUTOR, ChannelRole.SUPERVISOR)
PAIRS = [(role, action) for action in ChannelAction for role in ROLES]
USER = uuid.UUID(int=1)


def test_the_table_names_every_action_once() -> None:
    assert set(DOMAIN_TABLE) == set(ChannelAction) == set(MINIMUM_ROLE)


@pytest.mark.parametrize(("role", "action"), PAIRS, ids=[f"{r}-{a}" for r, a in PAIRS])
def test_each_cell_of_the_table(role: ChannelRole, action: ChannelAction) -> None:
    expected = DOMAIN_TABLE[action][ROLES.index(role)]
    assert role.allows(action) is expected
    decision = decide(Member(USER, OrgRole.AGENT), ChannelGrants(users={USER: role}), action)
    assert decision.allowed is expected
    assert decision.verdict is (Verdict.ALLOWED if expected else Verdict.ROLE_TOO_LOW)
    assert decision.effective.role is role


@pytest.mark.parametrize("action", list(ChannelAction))
def test_the_required_role_is_the_least_role_that_allows(action: ChannelAction) -> None:
    allowed = [role for role, yes in zip(ROLES, DOMAIN_TABLE[action], strict=True) if yes]
    assert MINIMUM_ROLE[action] is action.minimum_role is allowed[0]
    decision = decide(Member(USER, OrgRole.AGENT), ChannelGrants(), action)
    assert decision.required_role is allowed[0]


@pytest.mark.parametrize("action", list(ChannelAction))
def test_no_grant_is_no_access_and_an_admin_may_do_anything(action: ChannelAction) -> None:
    assert decide(Member(USER, OrgRole.AGENT), ChannelGrants(), action).verdict is Verdict.NO_ACCESS
    assert decide(Member(USER, OrgRole.ADMIN), ChannelGrants(), action).allowed


def test_a_deactivated_user_is_told_apart_from_no_access() -> None:
    inactive = Member(USER, OrgRole.ADMIN, active=False)
    decision = decide(inactive, ChannelGrants(all_users=ChannelRole.SUPERVISOR), A.READ)
    assert decision.verdict is Verdict.USER_INACTIVE
    assert not decision.allowed
