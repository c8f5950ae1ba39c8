"""A typed client for the simulator's control API, for tests and the demo.

    async with SimulatorClient("http://127.0.0.1:8010") as sim:
        brand = await sim.create_user("acme_support")
        jane = await sim.create_user("jane")
        tweet = await sim.mention(jane, brand, "my order is late")
        ...
        replies = (await sim.sent(brand)).tweets

Users can be passed as a `SimUser`, an id or a screen name. Activity calls return once
the webhook deliveries were attempted (`wait=False` returns at once).
"""

from collections.abc import Sequence
from types import TracebackType
from typing import Any, Literal, Self, TypeVar

import httpx2
from pydantic import BaseModel, TypeAdapter

from switchboard_twitter_sim.control_models import (
    AccessTokenOut,
    Count,
    DeliveryControls,
    DeliveryRecord,
    DeliveryStatus,
    OutageControls,
    OutageStatus,
    Sent,
    SimDirectMessage,
    SimTweet,
    SimUser,
)

UserLike = SimUser | str
Model = TypeVar("Model", bound=BaseModel)


class SimulatorError(RuntimeError):
    def __init__(self, response: httpx2.Response) -> None:
        super().__init__(
            f"{response.request.method} {response.request.url.path}: "
            f"{response.status_code} {response.text}"
        )
        self.status_code = response.status_code


class SimulatorClient:
    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        timeout: float = 60.0,
    ) -> None:
        self._http = httpx2.AsyncClient(base_url=base_url, transport=transport, timeout=timeout)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- the world ---------------------------------------------------------------------

    async def create_user(
        self, screen_name: str, *, name: str | None = None, user_id: str | None = None
    ) -> SimUser:
        """A brand account or a customer: on Twitter both are just users."""
        body = {"screen_name": screen_name, "name": name, "user_id": user_id}
        return await self._call(SimUser, "POST", "/_sim/users", json=body)

    async def user(self, user: UserLike) -> SimUser:
        return await self._call(SimUser, "GET", f"/_sim/users/{_ref(user)}")

    async def issue_token(self, user: UserLike) -> AccessTokenOut:
        """An access token for the app without the browser dance (the developer portal's
        "generate access token")."""
        return await self._call(AccessTokenOut, "POST", f"/_sim/users/{_ref(user)}/tokens")

    async def tweet(
        self, author: UserLike, text: str, *, in_reply_to: str | None = None, wait: bool = True
    ) -> SimTweet:
        body = {"author": _ref(author), "text": text, "in_reply_to": in_reply_to}
        return await self._call(SimTweet, "POST", "/_sim/tweets", json=body, wait=wait)

    async def mention(
        self, customer: UserLike, account: UserLike, text: str, *, wait: bool = True
    ) -> SimTweet:
        """The customer tweets at the account: `@account text`."""
        handle = (
            account.screen_name
            if isinstance(account, SimUser)
            else (await self.user(account)).screen_name
        )
        return await self.tweet(customer, f"@{handle} {text}", wait=wait)

    async def reply(
        self, author: UserLike, tweet_id: str, text: str, *, wait: bool = True
    ) -> SimTweet:
        """A reply; Twitter puts the replied-to author's @handle in front."""
        return await self.tweet(author, text, in_reply_to=tweet_id, wait=wait)

    async def send_dm(
        self, sender: UserLike, recipient: UserLike, text: str, *, wait: bool = True
    ) -> SimDirectMessage:
        body = {"sender": _ref(sender), "recipient": _ref(recipient), "text": text}
        return await self._call(
            SimDirectMessage, "POST", "/_sim/direct_messages", json=body, wait=wait
        )

    async def like(self, user: UserLike, tweet_id: str, *, wait: bool = True) -> None:
        await self._call(
            Count, "POST", f"/_sim/tweets/{tweet_id}/likes", json={"user": _ref(user)}, wait=wait
        )

    async def delete_tweet(self, tweet_id: str, *, wait: bool = True) -> None:
        await self._call(Count, "DELETE", f"/_sim/tweets/{tweet_id}", wait=wait)

    async def revoke_app(self, user: UserLike, *, wait: bool = True) -> None:
        """The user withdraws the app in their settings: tokens die, `user_event` goes out."""
        await self._call(Count, "POST", f"/_sim/users/{_ref(user)}/revoke", wait=wait)

    async def get_tweet(self, tweet_id: str) -> SimTweet:
        return await self._call(SimTweet, "GET", f"/_sim/tweets/{tweet_id}")

    async def sent(self, user: UserLike) -> Sent:
        """What the user tweeted and sent: assert that a reply was delivered."""
        return await self._call(Sent, "GET", f"/_sim/users/{_ref(user)}/sent")

    # --- OAuth, as a person in a browser -------------------------------------------------

    async def script_authorization(self, *, approve_as: UserLike | None) -> None:
        """The next visit to /oauth/authorize redirects at once: approved as the user, or
        denied (`approve_as=None`)."""
        body = {"approve_as": _ref(approve_as) if approve_as is not None else None}
        await self._call(Count, "POST", "/_sim/oauth/script", json=body)

    async def sign_in_browser(self, user: UserLike | None) -> None:
        """Who is signed in to Twitter in "another tab" (None: nobody)."""
        body = {"screen_name": _ref(user) if user is not None else None}
        await self._request("PUT", "/_sim/browser", json=body)

    async def authorize(self, oauth_token: str, *, as_user: UserLike, approve: bool = True) -> str:
        """Submit the authorize page's form; the callback URL Twitter redirects to."""
        form = {
            "oauth_token": oauth_token,
            "screen_name": _ref(as_user),
            "action": "allow" if approve else "deny",
        }
        response = await self._http.post("/oauth/authorize", data=form)
        if response.status_code != 302:  # noqa: PLR2004
            raise SimulatorError(response)
        return response.headers["location"]

    # --- delivery ------------------------------------------------------------------------

    async def deliveries(
        self, *, for_user_id: str | None = None, kind: str | None = None
    ) -> list[DeliveryRecord]:
        params = {k: v for k, v in (("for_user_id", for_user_id), ("kind", kind)) if v}
        response = await self._request("GET", "/_sim/deliveries", params=params)
        return TypeAdapter(list[DeliveryRecord]).validate_json(response.content)

    async def clear_deliveries(self) -> None:
        await self._request("DELETE", "/_sim/deliveries")

    async def configure_delivery(self, **switches: Any) -> DeliveryStatus:
        """duplicates, hold, retry_attempts, retry_backoff_seconds, drop_responses."""
        current = await self._call(DeliveryStatus, "GET", "/_sim/delivery")
        body = DeliveryControls(**(current.model_dump(exclude={"held"}) | switches))
        return await self._call(DeliveryStatus, "PUT", "/_sim/delivery", json=body.model_dump())

    async def release_held(self, order: Literal["fifo", "reverse", "shuffle"] = "reverse") -> int:
        return (
            await self._call(Count, "POST", "/_sim/delivery/release", json={"order": order})
        ).count

    async def drain(self) -> None:
        await self._request("POST", "/_sim/delivery/drain")

    async def set_rate_limit(
        self, endpoint: str, *, limit: int, window_seconds: int, daily_limit: int | None = None
    ) -> None:
        """endpoint: tweets, dm_events, webhooks, subscriptions, replay, users."""
        body = {"limit": limit, "window_seconds": window_seconds, "daily_limit": daily_limit}
        await self._request("PUT", f"/_sim/rate-limits/{endpoint}", json=body)

    async def advance_clock(self, seconds: float) -> None:
        await self._request("POST", "/_sim/clock/advance", json={"seconds": seconds})

    async def start_outage(self, seconds: float, statuses: Sequence[int] = (503,)) -> OutageStatus:
        """Every Twitter API call answers with these statuses, in turn, for `seconds`."""
        body = OutageControls(seconds=seconds, statuses=list(statuses))
        return await self._call(OutageStatus, "PUT", "/_sim/outage", json=body.model_dump())

    async def end_outage(self) -> OutageStatus:
        return await self._call(OutageStatus, "DELETE", "/_sim/outage")

    async def reset(self) -> None:
        await self._request("POST", "/_sim/reset")

    # --- plumbing ------------------------------------------------------------------------

    async def _call(
        self, model: type[Model], method: str, path: str, *, wait: bool | None = None, **kwargs: Any
    ) -> Model:
        if wait is not None:
            kwargs["params"] = {"wait": str(wait).lower()}
        response = await self._request(method, path, **kwargs)
        return model.model_validate_json(response.content)

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx2.Response:
        response = await self._http.request(method, path, **kwargs)
        if response.is_error:
            raise SimulatorError(response)
        return response


def _ref(user: UserLike) -> str:
    return user.id if isinstance(user, SimUser) else user.removeprefix("@")
