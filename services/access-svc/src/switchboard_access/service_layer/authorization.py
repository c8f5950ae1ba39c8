"""Who may call what.

- Managing users, teams and grants: an admin. The token says who is an admin (the
  identity provider is the authority); access-svc's own record of that user, when there
  is one, can only take the right away (deactivated, or demoted to agent).
- The check and "channels this user can access": a service of the organization, an
  admin, or the user asking about themself.
"""

import uuid

from switchboard_access.adapters.unit_of_work import UnitOfWork
from switchboard_access.service_layer.context import ChangeContext
from switchboard_access.service_layer.errors import ForbiddenError
from switchboard_contracts.enums import OrgRole
from switchboard_platform.auth.claims import Principal

ADMIN_NEEDED = "Managing access needs the organization role admin; you are {role}."


async def require_admin(uow: UnitOfWork, principal: Principal) -> ChangeContext:
    """The caller's change context, if the caller is an admin (inside `uow`)."""
    user_id = principal.user_id
    if user_id is None or not principal.is_admin:
        raise ForbiddenError(ADMIN_NEEDED.format(role=_role_name(principal)), field="org_role")
    record = await uow.users.get(principal.org_id, user_id)
    if record is not None and not record.active:
        raise ForbiddenError("Your user is deactivated.", code="user_inactive")
    if record is not None and record.org_role is not OrgRole.ADMIN:
        raise ForbiddenError(ADMIN_NEEDED.format(role=record.org_role.value), field="org_role")
    return ChangeContext(org_id=principal.org_id, admin_id=user_id)


async def require_self_service_or_admin(
    uow: UnitOfWork, principal: Principal, user_id: uuid.UUID
) -> None:
    if principal.is_service or principal.user_id == user_id:
        return
    try:
        await require_admin(uow, principal)
    except ForbiddenError:
        raise ForbiddenError(
            "Only the user themself, an admin or a service may ask about a user's access.",
            field="user_id",
        ) from None


def _role_name(principal: Principal) -> str:
    if principal.is_service:
        return f"the service {principal.subject}"
    return principal.org_role.value if principal.org_role else "no role"
