"""The check API and "channels this user can access", for services and the user
themself (and admins)."""

import uuid

from fastapi import APIRouter

from switchboard_access.entrypoints.http.deps import ReadingUow, errors
from switchboard_access.entrypoints.http.schemas import (
    AccessibleChannelOut,
    CheckIn,
    CheckOut,
    StandingOut,
    UserChannelsOut,
)
from switchboard_access.service_layer import checks
from switchboard_platform.auth.http import CurrentPrincipal
from switchboard_platform.auth.standing import CurrentCaller

router = APIRouter(tags=["checks"])


@router.post(
    "/v1/check",
    summary="May this user do this action on this channel? (with the effective role)",
    description="Answers 200 with the decision for a user and a channel of the caller's "
    "organization; 404 when either is unknown there. A `no_access` verdict means the "
    "channel must not exist for the user (callers answer 404); `role_too_low` names the "
    "least role that would allow the action (callers answer 403 with it).",
    responses=errors(403, 404),
)
async def check(body: CheckIn, caller: CurrentCaller, uow: ReadingUow) -> CheckOut:
    decision = await checks.check(
        uow, caller, user_id=body.user_id, channel_id=body.channel_id, action=body.action
    )
    return CheckOut(
        user_id=body.user_id,
        channel_id=body.channel_id,
        action=body.action,
        allowed=decision.allowed,
        verdict=decision.verdict,
        role=decision.effective.role,
        source=decision.effective.source,
        required_role=decision.required_role,
    )


@router.get(
    "/v1/users/{user_id}/channels",
    summary="The channels this user can access, with their role on each (the selector)",
    description="Disconnected channels are left out. An admin has every channel, as "
    "Supervisor; a deactivated user has none.",
    responses=errors(403, 404),
)
async def user_channels(
    user_id: uuid.UUID, caller: CurrentCaller, uow: ReadingUow
) -> UserChannelsOut:
    found = await checks.channels_of_user(uow, caller, user_id)
    return UserChannelsOut(
        user_id=user_id,
        channels=[
            AccessibleChannelOut(
                channel_id=item.channel.id,
                display_name=item.channel.display_name,
                status=item.channel.status,
                role=item.effective.role,
                source=item.effective.source,
            )
            for item in found
            if item.effective.role is not None
        ],
    )


@router.get(
    "/v1/me/standing",
    summary="The caller's own standing on record: active, organization role, team",
    description="What the other services ask, with the user's own token, before every "
    "request (cached under a second): a deactivated user is refused everywhere, and only a "
    "user whose record says admin is an admin. Any verified user token may read its own "
    "standing, deactivated or not; 404 when this service does not know the user (or for a "
    "service token).",
    responses=errors(404),
)
async def own_standing(principal: CurrentPrincipal, uow: ReadingUow) -> StandingOut:
    user = await checks.own_standing(uow, principal)
    return StandingOut(
        user_id=user.id, org_role=user.org_role, active=user.active, team_id=user.team_id
    )
