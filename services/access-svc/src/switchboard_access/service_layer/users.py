"""Managing the users of an organization (admins only). Users are never deleted: a
deactivated user keeps their history and loses all access."""

import uuid
from dataclasses import dataclass, replace

from switchboard_access.adapters.unit_of_work import UnitOfWork
from switchboard_access.domain.model import User, removes_an_admin
from switchboard_access.service_layer import published_events as events
from switchboard_access.service_layer.authorization import require_admin
from switchboard_access.service_layer.errors import ConflictError, not_found
from switchboard_contracts.enums import OrgRole
from switchboard_contracts.topics import ACCESS
from switchboard_platform.auth.standing import Caller


@dataclass(frozen=True)
class UserChanges:
    display_name: str | None = None
    org_role: OrgRole | None = None
    active: bool | None = None


async def create_user(
    uow: UnitOfWork, caller: Caller, *, email: str, display_name: str, org_role: OrgRole
) -> User:
    async with uow:
        ctx = await require_admin(uow, caller, bootstrap=True)
        await uow.ensure_organization(ctx.org_id)
        user = User(
            id=uuid.uuid4(),
            org_id=ctx.org_id,
            email=email,
            display_name=display_name,
            org_role=org_role,
            active=True,
        )
        if not await uow.users.add(user):
            raise ConflictError(
                "A user with this email already exists in the organization.",
                field="email",
                code="email_taken",
            )
        await uow.publish(ACCESS, events.user_changed(ctx, user, "created"), key=str(ctx.org_id))
        return user


async def update_user(
    uow: UnitOfWork, caller: Caller, user_id: uuid.UUID, changes: UserChanges
) -> User:
    async with uow:
        ctx = await require_admin(uow, caller)
        before = await uow.users.get(ctx.org_id, user_id, for_update=True)
        if before is None:
            raise not_found("user", "user_id")
        after = replace(
            before,
            display_name=changes.display_name or before.display_name,
            org_role=changes.org_role or before.org_role,
            active=before.active if changes.active is None else changes.active,
        )
        if after == before:
            return before
        if removes_an_admin(before, after):
            # The organization's row lock makes two admins demoting each other take turns.
            await uow.lock_organization(ctx.org_id)
            if not await uow.users.has_active_admin(ctx.org_id, besides=user_id):
                raise ConflictError(
                    "The organization's last active admin cannot be deactivated or demoted:"
                    " make another user an admin first.",
                    field="active" if not after.active else "org_role",
                    code="last_admin",
                )
        await uow.users.save(after)
        if after.active != before.active:
            change: events.UserChange = "reactivated" if after.active else "deactivated"
            await uow.publish(ACCESS, events.user_changed(ctx, after, change), key=str(ctx.org_id))
        if (after.display_name, after.org_role) != (before.display_name, before.org_role):
            await uow.publish(
                ACCESS, events.user_changed(ctx, after, "updated"), key=str(ctx.org_id)
            )
        return after


async def get_user(uow: UnitOfWork, caller: Caller, user_id: uuid.UUID) -> User:
    async with uow:
        ctx = await require_admin(uow, caller)
        user = await uow.users.get(ctx.org_id, user_id)
        if user is None:
            raise not_found("user", "user_id")
        return user


async def list_users(uow: UnitOfWork, caller: Caller) -> list[User]:
    async with uow:
        ctx = await require_admin(uow, caller)
        return await uow.users.in_org(ctx.org_id)
