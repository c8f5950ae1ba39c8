"""The effective-role rule: a table of cases covering every branch, then properties."""

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from switchboard_access.domain.roles import (
    ChannelGrants,
    EffectiveRole,
    Member,
    Source,
    effective_role,
)
from switchboard_contracts.enums import ChannelRole, OrgRole

pytestmark = pytest.mark.unit

V, C, S = ChannelRole.VIEWER, ChannelRole.CONTRIBUTOR, ChannelRole.SUPERVISOR
U = uuid.UUID(int=1)  # the user decided about
OTHER = uuid.UUID(int=2)  # another user
T = uuid.UUID(int=10)  # U's team
T2 = uuid.UUID(int=11)  # another team

agent = Member(U, OrgRole.AGENT, team_id=T)
loner = Member(U, OrgRole.AGENT, team_id=None)
admin = Member(U, OrgRole.ADMIN, team_id=None)

# Every grant that could apply to U, all at once, each with a distinct-enough role.
EVERYTHING = ChannelGrants(
    users={U: V},
    teams={T: C},
    members={(T, U): S},
    all_teams=V,
    all_users=C,
)


def without(grants: ChannelGrants, *names: str) -> ChannelGrants:
    empty: dict[str, object] = {
        "users": {},
        "teams": {},
        "members": {},
        "all_teams": None,
        "all_users": None,
    }
    values = {name: getattr(grants, name) for name in empty}
    values.update({name: empty[name] for name in names})
    return ChannelGrants(**values)


CASES = [
    # (case, member, grants, expected role, expected source)
    ("admin, no grant at all", admin, ChannelGrants(), S, Source.ADMIN),
    ("admin, with a viewer grant", admin, ChannelGrants(users={U: V}), S, Source.ADMIN),
    (
        "deactivated admin",
        Member(U, OrgRole.ADMIN, active=False),
        EVERYTHING,
        None,
        Source.INACTIVE,
    ),
    (
        "deactivated agent",
        Member(U, OrgRole.AGENT, active=False, team_id=T),
        EVERYTHING,
        None,
        Source.INACTIVE,
    ),
    ("no grant: no access", agent, ChannelGrants(), None, Source.NONE),
    ("user grant beats everything", agent, EVERYTHING, V, Source.USER),
    ("user grant for someone else", agent, ChannelGrants(users={OTHER: S}), None, Source.NONE),
    ("member role beats the team's", agent, without(EVERYTHING, "users"), S, Source.TEAM_MEMBER),
    (
        "member role of another member",
        agent,
        ChannelGrants(teams={T: C}, members={(T, OTHER): S}),
        C,
        Source.TEAM,
    ),
    (
        "member role without its team grant is void",
        agent,
        ChannelGrants(members={(T, U): S}, all_users=V),
        V,
        Source.ALL_USERS,
    ),
    (
        "member role recorded under another team is void",
        agent,
        ChannelGrants(teams={T: C}, members={(T2, U): S}),
        C,
        Source.TEAM,
    ),
    (
        "team grant beats the toggles",
        agent,
        without(EVERYTHING, "users", "members"),
        C,
        Source.TEAM,
    ),
    ("another team's grant", agent, ChannelGrants(teams={T2: S}), None, Source.NONE),
    (
        "All Teams for a user in a team",
        agent,
        ChannelGrants(teams={T2: S}, all_teams=V, all_users=C),
        V,
        Source.ALL_TEAMS,
    ),
    ("All Teams skips a user in no team", loner, ChannelGrants(all_teams=S), None, Source.NONE),
    (
        "All Users after All Teams for a loner",
        loner,
        ChannelGrants(all_teams=S, all_users=V),
        V,
        Source.ALL_USERS,
    ),
    ("All Users alone", agent, ChannelGrants(all_users=C), C, Source.ALL_USERS),
    ("loner with only a team grant", loner, ChannelGrants(teams={T: S}), None, Source.NONE),
]


@pytest.mark.parametrize(
    ("member", "grants", "role", "source"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_rule_case_by_case(
    member: Member, grants: ChannelGrants, role: ChannelRole | None, source: Source
) -> None:
    assert effective_role(member, grants) == EffectiveRole(role, source)


def test_the_table_reaches_every_source() -> None:
    assert {case[4] for case in CASES} == set(Source)


# Properties ---------------------------------------------------------------------------------
roles = st.sampled_from(ChannelRole)
maybe_role = st.none() | roles
ids = st.sampled_from([uuid.UUID(int=n) for n in range(1, 5)])  # few ids: collisions happen
members = st.builds(
    Member,
    user_id=ids,
    org_role=st.sampled_from(OrgRole),
    active=st.booleans(),
    team_id=st.none() | ids,
)
grant_sets = st.builds(
    ChannelGrants,
    users=st.dictionaries(ids, roles, max_size=3),
    teams=st.dictionaries(ids, roles, max_size=3),
    members=st.dictionaries(st.tuples(ids, ids), roles, max_size=4),
    all_teams=maybe_role,
    all_users=maybe_role,
)


@given(members, grant_sets)
def test_an_active_admin_may_always_do_everything(member: Member, grants: ChannelGrants) -> None:
    admin = Member(member.user_id, OrgRole.ADMIN, active=True, team_id=member.team_id)
    assert effective_role(admin, grants) == EffectiveRole(S, Source.ADMIN)


@given(members)
def test_no_grant_means_no_access(member: Member) -> None:
    result = effective_role(
        Member(member.user_id, OrgRole.AGENT, active=True, team_id=member.team_id), ChannelGrants()
    )
    assert result == EffectiveRole(None, Source.NONE)
    assert not result.has_access


@given(members, grant_sets)
def test_a_deactivated_user_has_no_access(member: Member, grants: ChannelGrants) -> None:
    inactive = Member(member.user_id, member.org_role, active=False, team_id=member.team_id)
    assert not effective_role(inactive, grants).has_access


@given(members, grant_sets, roles)
def test_a_grant_to_the_user_wins_over_everything_else(
    member: Member, grants: ChannelGrants, role: ChannelRole
) -> None:
    agent = Member(member.user_id, OrgRole.AGENT, active=True, team_id=member.team_id)
    mine = ChannelGrants(
        users={**grants.users, agent.user_id: role},
        teams=grants.teams,
        members=grants.members,
        all_teams=grants.all_teams,
        all_users=grants.all_users,
    )
    assert effective_role(agent, mine) == EffectiveRole(role, Source.USER)


@given(members, grant_sets)
def test_the_most_specific_applicable_grant_wins(member: Member, grants: ChannelGrants) -> None:
    """Whatever the roles, the answer is the first applicable grant in order of
    specificity, never the most capable one."""
    agent = Member(member.user_id, OrgRole.AGENT, active=True, team_id=member.team_id)
    team = agent.team_id
    in_order: list[tuple[ChannelRole | None, Source]] = [
        (grants.users.get(agent.user_id), Source.USER),
        (
            grants.members.get((team, agent.user_id))
            if team is not None and team in grants.teams
            else None,
            Source.TEAM_MEMBER,
        ),
        (grants.teams.get(team) if team is not None else None, Source.TEAM),
        (grants.all_teams if team is not None else None, Source.ALL_TEAMS),
        (grants.all_users, Source.ALL_USERS),
    ]
    expected = next(
        (EffectiveRole(role, source) for role, source in in_order if role is not None),
        EffectiveRole(None, Source.NONE),
    )
    assert effective_role(agent, grants) == expected


@given(members, grant_sets, roles)
def test_adding_a_less_specific_grant_never_changes_a_decided_role(
    member: Member, grants: ChannelGrants, role: ChannelRole
) -> None:
    agent = Member(member.user_id, OrgRole.AGENT, active=True, team_id=member.team_id)
    before = effective_role(agent, grants)
    widened = ChannelGrants(
        users=grants.users,
        teams=grants.teams,
        members=grants.members,
        all_teams=grants.all_teams,
        all_users=grants.all_users or role,
    )
    if before.has_access:
        assert effective_role(agent, widened) == before
    else:
        assert effective_role(agent, widened) == EffectiveRole(widened.all_users, Source.ALL_USERS)
