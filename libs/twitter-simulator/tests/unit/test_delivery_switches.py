"""The switches that test a receiver: duplicates, out-of-order, retries."""

import asyncio

import httpx2
import pytest

from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.domain.clock import SimClock
from switchboard_twitter_sim.service_layer.delivery import DeliverySettings, Dispatcher
from switchboard_twitter_sim.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.unit
BEARER = {"authorization": "Bearer test-bearer-token"}


@pytest.fixture
async def subscribed(api: httpx2.AsyncClient, sim: SimulatorClient) -> str:
    """The brand subscribed to a webhook; returns a customer's id."""
    hook = await api.post(
        "/2/webhooks", json={"url": "https://sb.test/webhooks/twitter"}, headers=BEARER
    )
    token = await sim.issue_token("acme_support")
    from authlib.integrations.httpx_client import OAuth1Auth  # noqa: PLC0415

    auth = OAuth1Auth(
        "test-consumer-key", "test-consumer-secret", token.oauth_token, token.oauth_token_secret
    )
    response = await api.post(
        f"/2/account_activity/webhooks/{hook.json()['id']}/subscriptions/all", auth=auth
    )
    assert response.status_code == 200
    return (await sim.create_user("jane")).id


def _texts(receiver: WebhookReceiver) -> list[str]:
    return [d.payload["tweet_create_events"][0]["text"] for d in receiver.deliveries]


async def test_duplicates_send_each_delivery_again(
    sim: SimulatorClient, receiver: WebhookReceiver, subscribed: str
) -> None:
    await sim.configure_delivery(duplicates=2)
    await sim.mention(subscribed, "acme_support", "hello")
    assert len(receiver.deliveries) == 3
    assert len({d.body for d in receiver.deliveries}) == 1


async def test_held_deliveries_are_released_out_of_order(
    sim: SimulatorClient, receiver: WebhookReceiver, subscribed: str
) -> None:
    await sim.configure_delivery(hold=True)
    for text in ("first", "second", "third"):
        await sim.mention(subscribed, "acme_support", text)
    assert receiver.deliveries == []
    await sim.configure_delivery(hold=False)
    assert await sim.release_held("reverse") == 3
    assert _texts(receiver) == [f"@acme_support {t}" for t in ("third", "second", "first")]


async def test_a_failed_delivery_is_retried(
    sim: SimulatorClient, receiver: WebhookReceiver, subscribed: str
) -> None:
    receiver.respond_with.extend([500, 503])
    await sim.mention(subscribed, "acme_support", "are you there?")
    attempts = await sim.deliveries()
    assert [(a.attempt, a.status_code, a.succeeded) for a in attempts] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]
    assert len({d.body for d in receiver.deliveries}) == 1


async def test_a_dropped_response_makes_the_receiver_see_a_redelivery(
    sim: SimulatorClient, receiver: WebhookReceiver, subscribed: str
) -> None:
    await sim.configure_delivery(drop_responses=1)
    await sim.mention(subscribed, "acme_support", "once")
    assert len(receiver.deliveries) == 2
    assert (await sim.deliveries())[0].error == "response dropped by the simulator"


async def test_retries_give_up_after_the_configured_attempts(
    sim: SimulatorClient, receiver: WebhookReceiver, subscribed: str
) -> None:
    await sim.configure_delivery(retry_attempts=1)
    receiver.respond_with.extend([500, 500, 500])
    await sim.mention(subscribed, "acme_support", "lost")
    assert [a.attempt for a in await sim.deliveries()] == [1, 2]


async def test_reset_forgets_everything_but_the_seed(sim: SimulatorClient, subscribed: str) -> None:
    await sim.reset()
    assert (await sim.user("acme_support")).id == "1111111111111111111"
    assert await sim.deliveries() == []
    with pytest.raises(Exception, match="404"):
        await sim.user(subscribed)


async def test_concurrency_sends_that_many_deliveries_at_once() -> None:
    class SlowReceiver:
        in_flight = 0
        most = 0

        async def post(self, url: str, body: bytes) -> int:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            await asyncio.sleep(0.05)
            self.in_flight -= 1
            return 200

    receiver = SlowReceiver()
    dispatcher = Dispatcher(receiver, SimClock(), DeliverySettings(concurrency=4))
    for n in range(12):
        dispatcher.submit("hook", "http://sb.test/", "1", "tweet_create_events", b"%d" % n)
    await dispatcher.drain()
    await dispatcher.close()
    assert receiver.most == 4
    assert sorted(a.body for a in dispatcher.attempts) == sorted(b"%d" % n for n in range(12))
