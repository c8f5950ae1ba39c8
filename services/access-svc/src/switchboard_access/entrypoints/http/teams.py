"""/v1/teams: teams and their members (admins). A user is in at most one team."""

import uuid

from fastapi import APIRouter, Response

from switchboard_access.entrypoints.http.deps import Uow, errors
from switchboard_access.entrypoints.http.schemas import MembershipOut, NewMember, NewTeam, TeamOut
from switchboard_access.service_layer import teams
from switchboard_platform.auth.standing import CurrentCaller

router = APIRouter(prefix="/v1/teams", tags=["teams"])


@router.post("", status_code=201, summary="Create a team", responses=errors(403, 409))
async def create_team(body: NewTeam, caller: CurrentCaller, uow: Uow) -> TeamOut:
    return team_out(await teams.create_team(uow, caller, name=body.name))


@router.get("", summary="List the organization's teams", responses=errors(403))
async def list_teams(caller: CurrentCaller, uow: Uow) -> list[TeamOut]:
    return [team_out(found) for found in await teams.list_teams(uow, caller)]


@router.get("/{team_id}", summary="Get a team and its members", responses=errors(403, 404))
async def get_team(team_id: uuid.UUID, caller: CurrentCaller, uow: Uow) -> TeamOut:
    return team_out(await teams.get_team(uow, caller, team_id))


@router.patch("/{team_id}", summary="Rename a team", responses=errors(403, 404, 409))
async def rename_team(
    team_id: uuid.UUID, body: NewTeam, caller: CurrentCaller, uow: Uow
) -> TeamOut:
    return team_out(await teams.rename_team(uow, caller, team_id, name=body.name))


@router.delete(
    "/{team_id}",
    status_code=204,
    summary="Delete a team: its members leave it, its grants are removed",
    responses=errors(403, 404),
)
async def delete_team(team_id: uuid.UUID, caller: CurrentCaller, uow: Uow) -> None:
    await teams.delete_team(uow, caller, team_id)


@router.post(
    "/{team_id}/members",
    status_code=201,
    summary="Add a user to the team (409 if they are in another team, unless move=true)",
    responses={
        200: {"model": MembershipOut, "description": "Already a member: nothing changed"},
        **errors(403, 404, 409),
    },
)
async def add_member(
    team_id: uuid.UUID,
    body: NewMember,
    caller: CurrentCaller,
    uow: Uow,
    response: Response,
) -> MembershipOut:
    membership = await teams.add_member(uow, caller, team_id, body.user_id, move=body.move)
    if not membership.changed:
        response.status_code = 200
    return MembershipOut(
        team_id=membership.team_id,
        user_id=membership.user_id,
        previous_team_id=membership.previous_team_id,
    )


@router.delete(
    "/{team_id}/members/{user_id}",
    status_code=204,
    summary="Remove a user from the team (their per-member roles in its grants end)",
    responses=errors(403, 404),
)
async def remove_member(
    team_id: uuid.UUID, user_id: uuid.UUID, caller: CurrentCaller, uow: Uow
) -> None:
    await teams.remove_member(uow, caller, team_id, user_id)


def team_out(found: teams.TeamWithMembers) -> TeamOut:
    return TeamOut(id=found.team.id, name=found.team.name, member_ids=found.member_ids)
