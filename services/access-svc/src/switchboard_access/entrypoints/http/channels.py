"""/v1/channels: the organization's channels and who may access each (admins)."""

import uuid

from fastapi import APIRouter

from switchboard_access.entrypoints.http.deps import Uow, errors
from switchboard_access.entrypoints.http.schemas import (
    ChannelAccessOut,
    ChannelOut,
    TeamGrantOut,
    UserGrantOut,
)
from switchboard_access.service_layer import channels, grants
from switchboard_contracts.enums import PrincipalKind
from switchboard_platform.auth.standing import CurrentCaller

router = APIRouter(prefix="/v1/channels", tags=["channel access"])


@router.get("", summary="The organization's channels (from channels.v1)", responses=errors(403))
async def list_channels(caller: CurrentCaller, uow: Uow) -> list[ChannelOut]:
    return [
        ChannelOut(id=c.id, display_name=c.display_name, status=c.status)
        for c in await channels.list_channels(uow, caller)
    ]


@router.get(
    "/{channel_id}/access",
    summary="Every grant on the channel: users, teams with per-member roles, the toggles",
    responses=errors(403, 404),
)
async def channel_access(
    channel_id: uuid.UUID, caller: CurrentCaller, uow: Uow
) -> ChannelAccessOut:
    rows = await grants.channel_access(uow, caller, channel_id)
    return ChannelAccessOut(
        channel_id=channel_id,
        all_users=rows.toggles.get(PrincipalKind.ALL_USERS),
        all_teams=rows.toggles.get(PrincipalKind.ALL_TEAMS),
        users=[UserGrantOut(user_id=u, role=r) for u, r in sorted(rows.users.items())],
        teams=[
            TeamGrantOut(
                team_id=team_id,
                role=role,
                members=[
                    UserGrantOut(user_id=u, role=r)
                    for u, r in sorted(rows.members.get(team_id, {}).items())
                ],
            )
            for team_id, role in sorted(rows.teams.items())
        ],
    )
