"""Who may call what. The caller's standing (active, organization role) is this service's
own record, read on every request by the shared `CurrentCaller` rule
(`switchboard_platform.auth.standing`): a deactivated user is refused everything (403
`user_inactive`), and only a user whose record says admin is an admin, whatever the token.

- Managing users, teams and grants: an admin.
- Bootstrap: an admin the identity provider vouches for but this service does not know yet
  may create users only while the organization has no active admin here (its first
  users, itself among them); after that, only admins on record manage it.
- The check and "channels this user can access": a service of the organization, an
  admin, or the user asking about themself.
"""

import uuid

from switchboard_access.adapters.unit_of_work import UnitOfWork
from switchboard_access.service_layer.context import ChangeContext
from switchboard_access.service_layer.errors import ForbiddenError
from switchboard_platform.auth.standing import Caller

ADMIN_NEEDED = "Managing access needs the organization role admin; you are {role}."
BOOTSTRAP_OVER = (
    "The organization has an admin already: ask them to add you (an admin the identity "
    "provider vouches for may only create the first users of an organization)."
)


async def require_admin(
    uow: UnitOfWork, caller: Caller, *, bootstrap: bool = False
) -> ChangeContext:
    """The caller's change context, if the caller is an admin on record (inside `uow`);
    with `bootstrap`, also an identity-provider-only admin of an organization that has no
    active admin yet."""
    user_id = caller.user_id
    if user_id is not None and caller.is_admin:
        return ChangeContext(org_id=caller.org_id, admin_id=user_id)
    if user_id is not None and bootstrap and caller.is_identity_only_admin:
        if await uow.users.has_active_admin(caller.org_id):
            raise ForbiddenError(BOOTSTRAP_OVER, code="unknown_user")
        return ChangeContext(org_id=caller.org_id, admin_id=user_id)
    raise ForbiddenError(ADMIN_NEEDED.format(role=_role_name(caller)), field="org_role")


async def require_self_service_or_admin(
    uow: UnitOfWork, caller: Caller, user_id: uuid.UUID
) -> None:
    if caller.is_service or caller.user_id == user_id:
        return
    try:
        await require_admin(uow, caller)
    except ForbiddenError:
        raise ForbiddenError(
            "Only the user themself, an admin or a service may ask about a user's access.",
            field="user_id",
        ) from None


def _role_name(caller: Caller) -> str:
    if caller.is_service:
        return f"the service {caller.subject}"
    return caller.org_role.value if caller.org_role else "no role"
