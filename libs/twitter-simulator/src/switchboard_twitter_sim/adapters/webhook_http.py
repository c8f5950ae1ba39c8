"""The simulator's outbound HTTP: CRC checks and signed deliveries to webhook URLs."""

import httpx2

from switchboard_twitter_sim.domain.webhook_signatures import SIGNATURE_HEADER, sign

USER_AGENT = "Twitter-Webhooks/1.0 (switchboard-twitter-sim)"


class HttpWebhooks:
    def __init__(
        self,
        client: httpx2.AsyncClient,
        consumer_secret: str,
        *,
        crc_timeout: float,
        delivery_timeout: float,
    ) -> None:
        self.client = client
        self.consumer_secret = consumer_secret
        self.crc_timeout = crc_timeout
        self.delivery_timeout = delivery_timeout

    async def __call__(self, url: str, crc_token: str) -> str | None:
        """The CRC: Twitter expects 200 and a JSON `response_token` within seconds."""
        try:
            response = await self.client.get(
                url,
                params={"crc_token": crc_token},
                headers={"user-agent": USER_AGENT},
                timeout=self.crc_timeout,
            )
            token = response.json().get("response_token") if response.status_code == 200 else None  # noqa: PLR2004
        except (httpx2.HTTPError, ValueError, AttributeError):
            return None
        return token if isinstance(token, str) else None

    async def post(self, url: str, body: bytes) -> int:
        response = await self.client.post(
            url,
            content=body,
            headers={
                "content-type": "application/json; charset=utf-8",
                "user-agent": USER_AGENT,
                SIGNATURE_HEADER: sign(self.consumer_secret, body),
            },
            timeout=self.delivery_timeout,
        )
        return response.status_code
