"""The check's answers are kept in memory (adapters/change_cache.py) and must still follow
every committed change at once: a change this process makes is seen by its next check,
and one committed by anybody else (another replica, an operator's SQL) within moments,
through the tables' trigger and the LISTEN feed. The writes below go around this app, on a
connection of their own, as another replica's would."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_platform.db.engine import create_engine

from .conftest import Running
from .support import Tenant

pytestmark = pytest.mark.integration
FEED_WAIT_SECONDS = 5.0  # a notification takes milliseconds; the bound only ends a failure


@pytest.fixture
async def elsewhere(running: Running) -> AsyncIterator[AsyncEngine]:
    """Another writer of the same database."""
    engine = create_engine(running.settings.database.url)
    yield engine
    await engine.dispose()


async def until(condition: Callable[[], Awaitable[bool]]) -> float:
    """Seconds until `condition` holds; fails after FEED_WAIT_SECONDS."""
    started = time.monotonic()
    while not await condition():
        assert time.monotonic() - started < FEED_WAIT_SECONDS, "the change was not seen"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def test_a_grant_revoked_elsewhere_ends_access_within_moments(
    tenant: Tenant, elsewhere: AsyncEngine
) -> None:
    user, channel = await tenant.user(), await tenant.channel()
    assert (await tenant.grant(channel, f"users/{user}", "supervisor")).status_code == 200
    for _ in range(3):  # read, then answered from memory
        assert (await tenant.decision(user, channel, "reply"))["allowed"]
    async with elsewhere.begin() as connection:
        await connection.execute(
            text("DELETE FROM user_grants WHERE org_id = :org AND user_id = :user"),
            {"org": tenant.id, "user": uuid.UUID(user)},
        )

    async def refused() -> bool:
        return bool((await tenant.decision(user, channel, "reply"))["verdict"] == "no_access")

    await until(refused)


async def test_a_deactivation_elsewhere_refuses_the_user_everywhere_within_moments(
    tenant: Tenant, elsewhere: AsyncEngine
) -> None:
    user, channel = await tenant.user(), await tenant.channel()
    await tenant.grant(channel, f"users/{user}", "viewer")
    own = f"/v1/users/{user}/channels"
    for _ in range(2):
        listed = await tenant.client.get(own, headers=tenant.as_user(user))
        assert listed.status_code == 200, listed.text
        assert (await tenant.decision(user, channel))["allowed"]
    async with elsewhere.begin() as connection:
        await connection.execute(
            text("UPDATE users SET active = false WHERE id = :user"), {"user": uuid.UUID(user)}
        )

    async def refused() -> bool:
        listed = await tenant.client.get(own, headers=tenant.as_user(user))
        decided = await tenant.decision(user, channel)
        return listed.status_code == 403 and decided["verdict"] == "user_inactive"

    await until(refused)


async def test_a_change_through_this_service_is_seen_by_the_very_next_check(
    tenant: Tenant,
) -> None:
    user, channel = await tenant.user(), await tenant.channel()
    await tenant.grant(channel, f"users/{user}", "viewer")
    assert (await tenant.decision(user, channel, "reply"))["verdict"] == "role_too_low"
    await tenant.grant(channel, f"users/{user}", "contributor")
    assert (await tenant.decision(user, channel, "reply"))["allowed"]  # no wait at all


async def test_a_change_elsewhere_to_one_organization_leaves_the_others_cached(
    tenant: Tenant, other_tenant: Tenant, elsewhere: AsyncEngine
) -> None:
    """Tenancy holds in the cache too: one organization's answers are keyed by it alone."""
    mine, theirs = await tenant.user(), await other_tenant.user()
    my_channel, their_channel = await tenant.channel(), await other_tenant.channel()
    await tenant.grant(my_channel, f"users/{mine}", "viewer")
    await other_tenant.grant(their_channel, f"users/{theirs}", "viewer")
    assert (await tenant.decision(mine, my_channel))["allowed"]
    assert (await other_tenant.decision(theirs, their_channel))["allowed"]
    cross = await tenant.check(theirs, their_channel, "read")
    assert cross.status_code == 404, cross.text  # not a cached answer of the other tenant
    async with elsewhere.begin() as connection:
        await connection.execute(
            text("DELETE FROM user_grants WHERE org_id = :org"), {"org": other_tenant.id}
        )

    async def refused() -> bool:
        return bool((await other_tenant.decision(theirs, their_channel))["verdict"] == "no_access")

    await until(refused)
    assert (await tenant.decision(mine, my_channel))["allowed"]
