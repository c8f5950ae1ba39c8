"""Disconnecting removes the account's Account Activity subscription, once no organization
has it connected any more, and reliably: the intent is committed with the disconnect and
retried when Twitter does not answer; connecting again subscribes again."""

from datetime import timedelta

import httpx2
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from switchboard_channel.service_layer.unsubscribe import unsubscribe_due
from switchboard_twitter_sim.control_models import SimUser

from .conftest import WEBHOOK_URL, Service, Sim, connect
from .support import Org

pytestmark = pytest.mark.integration
BEARER = {"authorization": "Bearer test-bearer"}  # the simulator's app-only token


async def subscribed(sim: Sim) -> set[str]:
    """The accounts subscribed to channel-svc's webhook, as Twitter lists them."""
    async with httpx2.AsyncClient(
        transport=sim.transport, base_url="https://api.twitter.test"
    ) as api:
        hooks = (await api.get("/2/webhooks", headers=BEARER)).json()["data"]
        (hook,) = [h for h in hooks if h["url"] == WEBHOOK_URL]
        listed = await api.get(
            f"/2/account_activity/webhooks/{hook['id']}/subscriptions/all/list", headers=BEARER
        )
    assert listed.status_code == 200, listed.text
    return {s["user_id"] for s in listed.json()["data"]["subscriptions"]}


async def delivered(sim: Sim, brand: SimUser, words: str) -> bool:
    """A customer mentions the brand: does the webhook get it for the brand?"""
    customer = await sim.client.create_user(f"c{abs(hash(words)) % 10**9}")
    await sim.client.mention(customer, brand, words)  # returns after delivery was attempted
    return any(
        d.payload.get("for_user_id") == brand.id
        and words in str(d.payload.get("tweet_create_events"))
        for d in sim.receiver.deliveries
    )


async def disconnect(service: Service, org: Org, channel_id: str) -> None:
    response = await service.client.post(
        f"/v1/channels/{channel_id}/disconnect", headers=org.admin()
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "disconnected"


async def test_disconnecting_unsubscribes_and_reconnecting_subscribes_again(
    service: Service, sim: Sim
) -> None:
    org = Org()
    brand = await sim.client.create_user("leaving_co")
    channel = (await connect(service, sim, org, "leaving_co")).json()["channel"]
    assert brand.id in await subscribed(sim)
    assert await delivered(sim, brand, "first, while connected")

    await disconnect(service, org, channel["id"])
    assert brand.id not in await subscribed(sim)
    assert not await delivered(sim, brand, "second, after the disconnect")

    again = await connect(service, sim, org, "leaving_co")
    assert again.json()["change"] == "reauthorized"
    assert again.json()["webhook_subscribed"] is True
    assert brand.id in await subscribed(sim)
    assert await delivered(sim, brand, "third, connected again")


async def test_the_subscription_stays_until_the_last_organization_disconnects(
    service: Service, sim: Sim
) -> None:
    first, second = Org(), Org()
    brand = await sim.client.create_user("shared_co")
    one = (await connect(service, sim, first, "shared_co")).json()["channel"]
    two = (await connect(service, sim, second, "shared_co")).json()["channel"]

    await disconnect(service, first, one["id"])
    assert brand.id in await subscribed(sim)
    assert await delivered(sim, brand, "the second organization still listens")

    await disconnect(service, second, two["id"])
    assert brand.id not in await subscribed(sim)
    assert not await delivered(sim, brand, "nobody listens now")


async def pending(service: Service) -> list[tuple[str, int]]:
    engine = create_async_engine(service.settings.database.url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT twitter_account_id, attempts FROM webhook_unsubscriptions")
            )
            return [(row.twitter_account_id, row.attempts) for row in rows]
    finally:
        await engine.dispose()


async def test_twitter_unavailable_at_disconnect_is_retried_until_done(
    service: Service, sim: Sim
) -> None:
    org = Org()
    brand = await sim.client.create_user("flaky_co")
    channel = (await connect(service, sim, org, "flaky_co")).json()["channel"]
    await sim.client.set_rate_limit("subscriptions", limit=0, window_seconds=900)  # 429s

    await disconnect(service, org, channel["id"])  # not failed, not half-done
    assert await pending(service) == [(brand.id, 1)]
    ctx = service.app.state.context
    assert await unsubscribe_due(ctx) == {}  # backing off: not due yet
    later = ctx.clock() + timedelta(hours=1)
    assert await unsubscribe_due(ctx, now=later) == {"postponed": 1}  # still 429
    assert await pending(service) == [(brand.id, 2)]

    await sim.client.set_rate_limit("subscriptions", limit=100, window_seconds=900)
    assert brand.id in await subscribed(sim)
    assert await unsubscribe_due(ctx, now=later + timedelta(hours=1)) == {"unsubscribed": 1}
    assert await pending(service) == []
    assert brand.id not in await subscribed(sim)
    assert await unsubscribe_due(ctx, now=later + timedelta(hours=2)) == {}


async def test_reconnecting_before_the_retry_keeps_the_subscription(
    service: Service, sim: Sim
) -> None:
    org = Org()
    brand = await sim.client.create_user("back_soon")
    channel = (await connect(service, sim, org, "back_soon")).json()["channel"]
    await sim.client.set_rate_limit("subscriptions", limit=0, window_seconds=900)
    await disconnect(service, org, channel["id"])
    await sim.client.set_rate_limit("subscriptions", limit=100, window_seconds=900)

    again = await connect(service, sim, org, "back_soon")
    assert again.json()["webhook_subscribed"] is True
    ctx = service.app.state.context
    assert await unsubscribe_due(ctx, now=ctx.clock() + timedelta(hours=1)) == {"kept": 1}
    assert await pending(service) == []
    assert brand.id in await subscribed(sim)
    assert await delivered(sim, brand, "still delivered after the retry")
