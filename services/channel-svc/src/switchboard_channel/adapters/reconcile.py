"""Answering "did the interrupted send reach Twitter?" for a delivery found `sending`.

Production Twitter gives no cheap, reliable read of what an account just sent through
the v2 API at this access tier, but it echoes every tweet and DM of a subscribed account
through the webhook (`twitter.activity.v1`, `from_account`), with the id the send
answered. `EchoReconciler` (the default) looks for that echo among the ones channel-svc
keeps (`echoes`, `domain.echoes` says which one matches); not there yet is "unknown", and
the delivery waits for it a while (`patience_seconds`, see `service_layer.delivery`).
`NoReconciler` always answers "unknown": the reply is reported failed (`gave_up_retrying`)
at once rather than risk sending it twice. The local simulator exposes the account's
timeline on its control API; `SimulatorReconciler` reads it (tests and local runs), and
its "not there" is certain.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

import httpx2

from switchboard_channel.adapters.twitter import Reply
from switchboard_channel.adapters.unit_of_work import UnitOfWork
from switchboard_channel.domain.echoes import SentText, is_echo_of, matching_echo
from switchboard_contracts.enums import MessageKind


class Reconciler(Protocol):
    name: str
    patience_seconds: float
    """How long an "unknown" answer may still turn into a known one (0: it will not)."""

    async def find_sent(self, account_id: str, reply: Reply, since: datetime) -> str | bool | None:
        """The Twitter id when it was sent, False when it certainly was not, None: unknown."""
        ...


class NoReconciler:
    name = "none"
    patience_seconds = 0.0

    async def find_sent(self, account_id: str, reply: Reply, since: datetime) -> str | bool | None:
        del account_id, reply, since
        return None


class EchoReconciler:
    """Matches the account's echoes recorded from `twitter.activity.v1`. Never answers
    False: an echo not seen yet may still come."""

    name = "echoes"

    def __init__(self, unit_of_work: Callable[[], UnitOfWork], *, patience_seconds: float) -> None:
        self._unit_of_work = unit_of_work
        self.patience_seconds = patience_seconds

    async def find_sent(self, account_id: str, reply: Reply, since: datetime) -> str | bool | None:
        target = (
            reply.customer_id
            if reply.kind is MessageKind.DIRECT_MESSAGE
            else reply.in_reply_to_tweet_id
        )
        if target is None:
            return None
        sent = SentText(reply.kind, target, reply.text)
        async with self._unit_of_work() as uow:
            echoes = [
                echo
                for echo in await uow.echoes.since(account_id, reply.kind, target, since)
                if is_echo_of(echo, sent, since=since)
            ]
            claimed = await uow.deliveries.claimed_twitter_ids([echo.twitter_id for echo in echoes])
        found = matching_echo(echoes, sent, since=since, claimed=claimed)
        return None if found is None else found.twitter_id


class SimulatorReconciler:
    name = "simulator"
    patience_seconds = 0.0

    def __init__(self, api_url: str, transport: httpx2.AsyncBaseTransport | None = None) -> None:
        self._api = api_url.rstrip("/")
        self._transport = transport

    async def find_sent(self, account_id: str, reply: Reply, since: datetime) -> str | bool | None:
        try:
            async with httpx2.AsyncClient(transport=self._transport, timeout=10.0) as client:
                response = await client.get(f"{self._api}/_sim/users/{account_id}/sent")
            response.raise_for_status()
        except httpx2.HTTPError:
            return None
        sent = response.json()
        if reply.kind is MessageKind.TWEET:
            for tweet in sent["tweets"]:
                if (
                    tweet["via_app"]
                    and tweet["in_reply_to_tweet_id"] == reply.in_reply_to_tweet_id
                    and tweet["text"].endswith(reply.text)
                    and datetime.fromisoformat(tweet["created_at"]) >= since
                ):
                    return str(tweet["id"])
            return False
        for message in sent["direct_messages"]:
            if (
                message["via_app"]
                and message["recipient_id"] == reply.customer_id
                and message["text"] == reply.text
                and datetime.fromisoformat(message["created_at"]) >= since
            ):
                return str(message["id"])
        return False
