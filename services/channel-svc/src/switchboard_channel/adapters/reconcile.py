"""Answering "did the interrupted send reach Twitter?" for a delivery found `sending`.

Production Twitter gives no cheap, reliable read of what an account just sent through
the v2 API at this access tier, so the default (`NoReconciler`) answers "unknown" and the
reply is reported failed (`gave_up_retrying`) rather than risk sending it twice. The
local simulator exposes the account's timeline on its control API; `SimulatorReconciler`
reads it (tests and local runs). A production version would match the account's echo on
`twitter.activity.v1` (the id Twitter returns equals the echo's id).
"""

from datetime import datetime
from typing import Protocol

import httpx2

from switchboard_channel.adapters.twitter import Reply
from switchboard_contracts.enums import MessageKind


class Reconciler(Protocol):
    async def find_sent(self, account_id: str, reply: Reply, since: datetime) -> str | bool | None:
        """The Twitter id when it was sent, False when it certainly was not, None: unknown."""
        ...


class NoReconciler:
    async def find_sent(self, account_id: str, reply: Reply, since: datetime) -> str | bool | None:
        del account_id, reply, since
        return None


class SimulatorReconciler:
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
