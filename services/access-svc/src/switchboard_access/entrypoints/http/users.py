"""/v1/users: the organization's users (admins)."""

import uuid

from fastapi import APIRouter

from switchboard_access.domain.model import User
from switchboard_access.entrypoints.http.deps import Uow, errors
from switchboard_access.entrypoints.http.schemas import NewUser, UserOut, UserPatch
from switchboard_access.service_layer import users
from switchboard_platform.auth.standing import BootstrapCaller, CurrentCaller

router = APIRouter(prefix="/v1/users", tags=["users"])


@router.post("", status_code=201, summary="Create a user", responses=errors(403, 409))
async def create_user(body: NewUser, caller: BootstrapCaller, uow: Uow) -> UserOut:
    user = await users.create_user(
        uow, caller, email=body.email, display_name=body.display_name, org_role=body.org_role
    )
    return user_out(user)


@router.get("", summary="List the organization's users", responses=errors(403))
async def list_users(caller: CurrentCaller, uow: Uow) -> list[UserOut]:
    return [user_out(user) for user in await users.list_users(uow, caller)]


@router.get("/{user_id}", summary="Get a user", responses=errors(403, 404))
async def get_user(user_id: uuid.UUID, caller: CurrentCaller, uow: Uow) -> UserOut:
    return user_out(await users.get_user(uow, caller, user_id))


@router.patch(
    "/{user_id}",
    summary="Rename, change the organization role, deactivate or reactivate a user",
    description="The organization's last active admin cannot be deactivated or demoted"
    " (409 `last_admin`).",
    responses=errors(403, 404, 409),
)
async def update_user(
    user_id: uuid.UUID, body: UserPatch, caller: CurrentCaller, uow: Uow
) -> UserOut:
    changes = users.UserChanges(
        display_name=body.display_name, org_role=body.org_role, active=body.active
    )
    return user_out(await users.update_user(uow, caller, user_id, changes))


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        org_role=user.org_role,
        active=user.active,
        team_id=user.team_id,
    )
