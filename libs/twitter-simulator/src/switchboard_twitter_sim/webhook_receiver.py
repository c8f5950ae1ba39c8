"""A webhook endpoint for tests and demos: answers the CRC like a Twitter app should,
records every delivery and checks its signature. Scriptable failures make the
simulator retry."""

import asyncio
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from switchboard_twitter_sim.domain.webhook_signatures import (
    SIGNATURE_HEADER,
    expected_crc_response,
    is_valid,
)

PATH = "/webhooks/twitter"


@dataclass(frozen=True)
class ReceivedDelivery:
    body: bytes
    signature: str | None
    signature_valid: bool

    @property
    def payload(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


class WebhookReceiver:
    def __init__(self, consumer_secret: str) -> None:
        self.consumer_secret = consumer_secret
        self.crc_secret = consumer_secret  # set another to answer the CRC wrongly
        self.deliveries: list[ReceivedDelivery] = []
        self.respond_with: deque[int] = deque()  # status codes for the next deliveries
        self.app = FastAPI()
        self.app.add_api_route(PATH, self._crc, methods=["GET"])
        self.app.add_api_route(PATH, self._deliver, methods=["POST"])

    async def wait_for(
        self, predicate: Callable[[list[ReceivedDelivery]], bool], *, within: float = 10.0
    ) -> list[ReceivedDelivery]:
        async with asyncio.timeout(within):
            # Polling, not an Event: the receiver may serve from another thread's loop.
            while not predicate(self.deliveries):  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        return self.deliveries

    async def _crc(self, crc_token: str) -> JSONResponse:
        return JSONResponse({"response_token": expected_crc_response(self.crc_secret, crc_token)})

    async def _deliver(self, request: Request) -> Response:
        body = await request.body()
        signature = request.headers.get(SIGNATURE_HEADER)
        valid = is_valid(self.consumer_secret, body, signature)
        self.deliveries.append(ReceivedDelivery(body, signature, valid))
        status = self.respond_with.popleft() if self.respond_with else 200
        return Response(status_code=status if valid else 401)
