"""/v1/channels/{id}/access/...: setting and removing a channel's grants (admins)."""

import uuid

from fastapi import APIRouter

from switchboard_access.domain.model import GrantChange
from switchboard_access.entrypoints.http.deps import Uow, errors
from switchboard_access.entrypoints.http.schemas import GrantOut, RoleIn
from switchboard_access.service_layer import grants
from switchboard_access.service_layer.grants import GrantTarget
from switchboard_contracts.enums import PrincipalKind
from switchboard_platform.auth.standing import CurrentCaller

router = APIRouter(prefix="/v1/channels", tags=["channel access"])
ALL_USERS = GrantTarget(PrincipalKind.ALL_USERS)
ALL_TEAMS = GrantTarget(PrincipalKind.ALL_TEAMS)


@router.put(
    "/{channel_id}/access/users/{user_id}",
    summary="Give a user a role on the channel",
    responses=errors(403, 404),
)
async def set_user_grant(
    channel_id: uuid.UUID, user_id: uuid.UUID, body: RoleIn, caller: CurrentCaller, uow: Uow
) -> GrantOut:
    target = GrantTarget(PrincipalKind.USER, user_id)
    return grant_out(await grants.set_grant(uow, caller, channel_id, target, body.role))


@router.delete(
    "/{channel_id}/access/users/{user_id}",
    status_code=204,
    summary="Remove a user's grant",
    responses=errors(403, 404),
)
async def remove_user_grant(
    channel_id: uuid.UUID, user_id: uuid.UUID, caller: CurrentCaller, uow: Uow
) -> None:
    await grants.remove_grant(uow, caller, channel_id, GrantTarget(PrincipalKind.USER, user_id))


@router.put(
    "/{channel_id}/access/teams/{team_id}",
    summary="Give a team a role on the channel",
    responses=errors(403, 404),
)
async def set_team_grant(
    channel_id: uuid.UUID, team_id: uuid.UUID, body: RoleIn, caller: CurrentCaller, uow: Uow
) -> GrantOut:
    target = GrantTarget(PrincipalKind.TEAM, team_id)
    return grant_out(await grants.set_grant(uow, caller, channel_id, target, body.role))


@router.delete(
    "/{channel_id}/access/teams/{team_id}",
    status_code=204,
    summary="Remove a team's grant (and its per-member roles)",
    responses=errors(403, 404),
)
async def remove_team_grant(
    channel_id: uuid.UUID, team_id: uuid.UUID, caller: CurrentCaller, uow: Uow
) -> None:
    await grants.remove_grant(uow, caller, channel_id, GrantTarget(PrincipalKind.TEAM, team_id))


@router.put(
    "/{channel_id}/access/teams/{team_id}/members/{user_id}",
    summary="Set a member's own role within the team's grant",
    responses=errors(403, 404),
)
async def set_member_role(
    *,
    channel_id: uuid.UUID,
    team_id: uuid.UUID,
    user_id: uuid.UUID,
    body: RoleIn,
    caller: CurrentCaller,
    uow: Uow,
) -> GrantOut:
    target = GrantTarget(PrincipalKind.TEAM, team_id, member_user_id=user_id)
    return grant_out(await grants.set_grant(uow, caller, channel_id, target, body.role))


@router.delete(
    "/{channel_id}/access/teams/{team_id}/members/{user_id}",
    status_code=204,
    summary="Remove a member's own role (the team's role applies again)",
    responses=errors(403, 404),
)
async def remove_member_role(
    channel_id: uuid.UUID,
    team_id: uuid.UUID,
    user_id: uuid.UUID,
    caller: CurrentCaller,
    uow: Uow,
) -> None:
    target = GrantTarget(PrincipalKind.TEAM, team_id, member_user_id=user_id)
    await grants.remove_grant(uow, caller, channel_id, target)


@router.put(
    "/{channel_id}/access/all-users",
    summary="Turn All Users on, with a role",
    responses=errors(403, 404),
)
async def set_all_users(
    channel_id: uuid.UUID, body: RoleIn, caller: CurrentCaller, uow: Uow
) -> GrantOut:
    return grant_out(await grants.set_grant(uow, caller, channel_id, ALL_USERS, body.role))


@router.delete(
    "/{channel_id}/access/all-users",
    status_code=204,
    summary="Turn All Users off",
    responses=errors(403, 404),
)
async def remove_all_users(channel_id: uuid.UUID, caller: CurrentCaller, uow: Uow) -> None:
    await grants.remove_grant(uow, caller, channel_id, ALL_USERS)


@router.put(
    "/{channel_id}/access/all-teams",
    summary="Turn All Teams on, with a role",
    responses=errors(403, 404),
)
async def set_all_teams(
    channel_id: uuid.UUID, body: RoleIn, caller: CurrentCaller, uow: Uow
) -> GrantOut:
    return grant_out(await grants.set_grant(uow, caller, channel_id, ALL_TEAMS, body.role))


@router.delete(
    "/{channel_id}/access/all-teams",
    status_code=204,
    summary="Turn All Teams off",
    responses=errors(403, 404),
)
async def remove_all_teams(channel_id: uuid.UUID, caller: CurrentCaller, uow: Uow) -> None:
    await grants.remove_grant(uow, caller, channel_id, ALL_TEAMS)


def grant_out(change: GrantChange) -> GrantOut:
    key = change.key
    if change.role is None:
        raise ValueError("a set grant has a role")
    return GrantOut(
        channel_id=key.channel_id,
        principal_kind=key.kind.value,
        principal_id=key.principal_id,
        member_user_id=key.member_user_id,
        role=change.role,
        previous_role=change.previous_role,
    )
