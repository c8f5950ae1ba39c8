"""Teams and their members (admins only). A user is a member of at most one team: adding
a member of another team is refused unless the request says `move`."""

import uuid
from dataclasses import dataclass

from switchboard_access.adapters.unit_of_work import UnitOfWork
from switchboard_access.domain.model import (
    AlreadyInAnotherTeamError,
    GrantChange,
    MembershipStep,
    Team,
    membership_step,
)
from switchboard_access.service_layer import published_events as events
from switchboard_access.service_layer.authorization import require_admin
from switchboard_access.service_layer.context import ChangeContext
from switchboard_access.service_layer.errors import ConflictError, not_found
from switchboard_contracts.topics import ACCESS
from switchboard_platform.auth.standing import Caller

NAME_TAKEN = "A team with this name already exists in the organization."


@dataclass(frozen=True)
class TeamWithMembers:
    team: Team
    member_ids: list[uuid.UUID]


@dataclass(frozen=True)
class Membership:
    team_id: uuid.UUID
    user_id: uuid.UUID
    changed: bool
    previous_team_id: uuid.UUID | None


async def create_team(uow: UnitOfWork, caller: Caller, *, name: str) -> TeamWithMembers:
    async with uow:
        ctx = await require_admin(uow, caller)
        await uow.ensure_organization(ctx.org_id)
        team = Team(id=uuid.uuid4(), org_id=ctx.org_id, name=name)
        if not await uow.teams.add(team):
            raise ConflictError(NAME_TAKEN, field="name", code="name_taken")
        await uow.publish(ACCESS, events.team_changed(ctx, team, "created"), key=str(ctx.org_id))
        return TeamWithMembers(team, [])


async def rename_team(
    uow: UnitOfWork, caller: Caller, team_id: uuid.UUID, *, name: str
) -> TeamWithMembers:
    async with uow:
        ctx = await require_admin(uow, caller)
        team = await _team(uow, ctx, team_id)
        if name != team.name:
            if await uow.teams.name_taken(ctx.org_id, name, other_than=team.id):
                raise ConflictError(NAME_TAKEN, field="name", code="name_taken")
            team = Team(team.id, team.org_id, name)
            await uow.teams.rename(team)
            await uow.publish(
                ACCESS, events.team_changed(ctx, team, "renamed"), key=str(ctx.org_id)
            )
        members = await uow.teams.members(ctx.org_id, [team.id])
        return TeamWithMembers(team, members[team.id])


async def delete_team(uow: UnitOfWork, caller: Caller, team_id: uuid.UUID) -> None:
    """Its members leave it and its grants go, each announced, then the team is deleted."""
    async with uow:
        ctx = await require_admin(uow, caller)
        team = await _team(uow, ctx, team_id, for_update=True)
        for user_id in (await uow.teams.members(ctx.org_id, [team.id]))[team.id]:
            await _leave(uow, ctx, user_id, team.id)
        for key, role in await uow.grants.team_grants_of_team(ctx.org_id, team.id):
            await uow.grants.remove(key)
            await uow.publish(
                ACCESS, events.grant_changed(ctx, GrantChange(key, None, role)), key=str(ctx.org_id)
            )
        await uow.teams.delete(team)
        await uow.publish(ACCESS, events.team_changed(ctx, team, "deleted"), key=str(ctx.org_id))


async def get_team(uow: UnitOfWork, caller: Caller, team_id: uuid.UUID) -> TeamWithMembers:
    async with uow:
        ctx = await require_admin(uow, caller)
        team = await _team(uow, ctx, team_id)
        members = await uow.teams.members(ctx.org_id, [team.id])
        return TeamWithMembers(team, members[team.id])


async def list_teams(uow: UnitOfWork, caller: Caller) -> list[TeamWithMembers]:
    async with uow:
        ctx = await require_admin(uow, caller)
        teams = await uow.teams.in_org(ctx.org_id)
        members = await uow.teams.members(ctx.org_id, [team.id for team in teams])
        return [TeamWithMembers(team, members[team.id]) for team in teams]


async def add_member(
    uow: UnitOfWork, caller: Caller, team_id: uuid.UUID, user_id: uuid.UUID, *, move: bool
) -> Membership:
    async with uow:
        ctx = await require_admin(uow, caller)
        team = await _team(uow, ctx, team_id, for_update=True)
        user = await uow.users.get(ctx.org_id, user_id, for_update=True)
        if user is None:
            raise not_found("user", "user_id")
        try:
            step = membership_step(user.team_id, team.id, move=move)
        except AlreadyInAnotherTeamError as exc:
            raise ConflictError(
                f"The user is already a member of team {exc.current_team_id}; a user is in at "
                "most one team. Send move=true to move them.",
                field="user_id",
                code="already_in_team",
            ) from None
        if step is MembershipStep.NOTHING:
            return Membership(team.id, user.id, changed=False, previous_team_id=None)
        if step is MembershipStep.MOVE and user.team_id is not None:
            await _drop_member_roles(uow, ctx, user.id)
            await uow.teams.leave(ctx.org_id, user.id)
        await uow.teams.join(ctx.org_id, team.id, user.id)
        await uow.publish(
            ACCESS,
            events.membership_changed(ctx, user.id, team.id, user.team_id),
            key=str(ctx.org_id),
        )
        return Membership(team.id, user.id, changed=True, previous_team_id=user.team_id)


async def remove_member(
    uow: UnitOfWork, caller: Caller, team_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    async with uow:
        ctx = await require_admin(uow, caller)
        team = await _team(uow, ctx, team_id, for_update=True)
        user = await uow.users.get(ctx.org_id, user_id, for_update=True)
        if user is None or user.team_id != team.id:
            raise not_found("member of this team", "user_id")
        await _leave(uow, ctx, user.id, team.id)


async def _leave(
    uow: UnitOfWork, ctx: ChangeContext, user_id: uuid.UUID, team_id: uuid.UUID
) -> None:
    await _drop_member_roles(uow, ctx, user_id)
    await uow.teams.leave(ctx.org_id, user_id)
    await uow.publish(
        ACCESS, events.membership_changed(ctx, user_id, None, team_id), key=str(ctx.org_id)
    )


async def _drop_member_roles(uow: UnitOfWork, ctx: ChangeContext, user_id: uuid.UUID) -> None:
    """A per-member role belongs to the team's grant: leaving the team ends it."""
    for key, role in await uow.grants.member_roles_of_user(ctx.org_id, user_id):
        await uow.grants.remove(key)
        await uow.publish(
            ACCESS, events.grant_changed(ctx, GrantChange(key, None, role)), key=str(ctx.org_id)
        )


async def _team(
    uow: UnitOfWork, ctx: ChangeContext, team_id: uuid.UUID, *, for_update: bool = False
) -> Team:
    team = await uow.teams.get(ctx.org_id, team_id, for_update=for_update)
    if team is None:
        raise not_found("team", "team_id")
    return team
