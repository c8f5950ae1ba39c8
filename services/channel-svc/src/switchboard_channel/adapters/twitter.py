"""The Twitter API as channel-svc uses it: the OAuth 1.0a connect flow (authlib), webhook
subscriptions, and sending. Base URLs are configuration (the simulator locally).

authlib's clients are `httpx2` clients; `OAuth1Auth(..., force_include_body=True)` is needed
for JSON bodies (authlib signs non-form bodies as empty and drops them otherwise).
"""

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth1Client, OAuth1Auth
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode
from pydantic import SecretStr

from switchboard_channel import metrics
from switchboard_channel.domain.credentials import AccountCredentials
from switchboard_contracts.enums import MessageKind
from switchboard_platform.auth.http import bearer_header
from switchboard_platform.logs import get_logger

log = get_logger(__name__)
_tracer = trace.get_tracer(__name__)
HTTP_CREATED, HTTP_UNAUTHORIZED, HTTP_FORBIDDEN, HTTP_TOO_MANY = 201, 401, 403, 429
_NOTHING_TO_REMOVE = frozenset({400, 404})  # no such subscription, or no such webhook
HTTP_SERVER_ERROR = 500
KEEPALIVE_SECONDS = 2.0  # idle connections to Twitter closed after this


class TwitterError(Exception):
    """Twitter refused or could not be reached during the connect flow."""


@dataclass(frozen=True)
class RequestToken:
    token: str
    token_secret: SecretStr


@dataclass(frozen=True)
class AccessToken:
    user_id: str
    screen_name: str
    credentials: AccountCredentials


@dataclass(frozen=True)
class TwitterUser:
    id: str
    username: str
    name: str  # the display name, as Twitter shows it


# Outcomes of one send -------------------------------------------------------------------
@dataclass(frozen=True)
class Sent:
    twitter_id: str


@dataclass(frozen=True)
class RateLimited:
    reset_at: float | None  # epoch seconds; None: Twitter did not say


@dataclass(frozen=True)
class Refused:
    """A final answer: `reason` is a ReplyFailed reason."""

    status: int
    reason: str
    detail: str


@dataclass(frozen=True)
class Retryable:
    """Twitter did not take it (5xx, or the connection failed before sending)."""

    detail: str


@dataclass(frozen=True)
class Unknown:
    """The request may or may not have reached Twitter (a timeout after sending)."""

    detail: str


SendOutcome = Sent | RateLimited | Refused | Retryable | Unknown


@dataclass(frozen=True)
class Reply:
    kind: MessageKind
    text: str
    customer_id: str
    in_reply_to_tweet_id: str | None


class TwitterApi:
    def __init__(
        self,
        *,
        api_url: str,
        web_url: str,
        consumer_key: str,
        consumer_secret: SecretStr,
        timeout: float = 10.0,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self._api = api_url.rstrip("/")
        self._web = web_url.rstrip("/")
        self._key = consumer_key
        self._secret = consumer_secret
        self._timeout = timeout
        self._transport = transport
        self._webhook_ids: dict[str, str] = {}
        self._webhook_lock = asyncio.Lock()
        # One client and its connection pool for every call but the connect flow's (authlib's
        # own client): building an httpx client costs ~30 ms of CPU (its SSL context), which
        # was most of a reply's cost when each send built one. Idle connections are closed
        # before a server's usual keep-alive (uvicorn's is 5 s) could close them under a
        # request, whose answer would then be unknown.
        self._client = httpx2.AsyncClient(
            base_url=self._api,
            transport=transport,
            timeout=timeout,
            limits=httpx2.Limits(keepalive_expiry=KEEPALIVE_SECONDS),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def __repr__(self) -> str:
        return f"TwitterApi({self._api!r})"

    def _oauth(self, **kwargs: Any) -> AsyncOAuth1Client:
        return AsyncOAuth1Client(
            self._key,
            self._secret.get_secret_value(),
            transport=self._transport,
            timeout=self._timeout,
            **kwargs,
        )

    def _signed(self, credentials: AccountCredentials) -> OAuth1Auth:
        """The request's OAuth 1.0a signature as the account."""
        return OAuth1Auth(
            self._key,
            self._secret.get_secret_value(),
            token=credentials.token.get_secret_value(),
            token_secret=credentials.token_secret.get_secret_value(),
            force_include_body=True,
        )

    # --- connect ---------------------------------------------------------------------
    async def request_token(self, callback_url: str) -> RequestToken:
        try:
            async with self._oauth(redirect_uri=callback_url) as oauth:
                token = await oauth.fetch_request_token(f"{self._api}/oauth/request_token")
        except Exception as exc:
            raise TwitterError(f"request token refused: {type(exc).__name__}") from exc
        # authlib does not check it; without it the callback was not registered.
        if str(token.get("oauth_callback_confirmed")).lower() != "true":
            raise TwitterError("Twitter did not confirm the callback URL")
        return RequestToken(token["oauth_token"], SecretStr(token["oauth_token_secret"]))

    def authorization_url(self, request_token: str) -> str:
        return f"{self._web}/oauth/authorize?{urlencode({'oauth_token': request_token})}"

    async def access_token(
        self, request_token: str, request_token_secret: SecretStr, verifier: str
    ) -> AccessToken:
        try:
            async with self._oauth(
                token=request_token,
                token_secret=request_token_secret.get_secret_value(),
                verifier=verifier,
            ) as oauth:
                token = await oauth.fetch_access_token(f"{self._api}/oauth/access_token")
        except Exception as exc:
            raise TwitterError(f"access token refused: {type(exc).__name__}") from exc
        return AccessToken(
            user_id=str(token["user_id"]),
            screen_name=str(token["screen_name"]),
            credentials=AccountCredentials.of(token["oauth_token"], token["oauth_token_secret"]),
        )

    async def me(self, credentials: AccountCredentials) -> TwitterUser:
        """`GET /2/users/me` as the account: its id, handle and display name."""
        try:
            response = await self._client.get("/2/users/me", auth=self._signed(credentials))
            response.raise_for_status()
            data = response.json()["data"]
            return TwitterUser(str(data["id"]), str(data["username"]), str(data["name"]))
        except (httpx2.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise TwitterError(f"users/me failed: {type(exc).__name__}") from exc

    # --- webhooks --------------------------------------------------------------------
    async def _bearer(self) -> str:
        response = await self._client.post(
            "/oauth2/token",
            auth=(self._key, self._secret.get_secret_value()),
            data={"grant_type": "client_credentials"},
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    async def ensure_webhook(self, url: str) -> str:
        """The id of the app's webhook for `url`, registering it when missing."""
        webhook_id = await self._webhook_id(url, create=True)
        if webhook_id is None:  # not reached: create=True registers it or raises
            raise TwitterError("the webhook was not registered")
        return webhook_id

    async def _webhook_id(self, url: str, *, create: bool) -> str | None:
        """The app's webhook for `url` (cached), registered when missing and `create`."""
        async with self._webhook_lock:
            if url in self._webhook_ids:
                return self._webhook_ids[url]
            headers = bearer_header(await self._bearer())
            listed = await self._client.get("/2/webhooks", headers=headers)
            listed.raise_for_status()
            found = [hook for hook in listed.json().get("data", []) if hook["url"] == url]
            if found:
                webhook_id = str(found[0]["id"])
            elif create:
                created = await self._client.post("/2/webhooks", json={"url": url}, headers=headers)
                created.raise_for_status()
                webhook_id = str(created.json()["id"])
            else:
                return None
            self._webhook_ids[url] = webhook_id
            return webhook_id

    async def subscribe(self, webhook_id: str, credentials: AccountCredentials) -> bool:
        response = await self._client.post(
            f"/2/account_activity/webhooks/{webhook_id}/subscriptions/all",
            auth=self._signed(credentials),
        )
        response.raise_for_status()
        return bool(response.json()["data"]["subscribed"])

    async def unsubscribe(self, webhook_url: str, user_id: str) -> bool:
        """Remove the account's subscription to the app's webhook (app-only bearer token):
        True when removed, False when there was none (no webhook, or Twitter answers 400/404
        for it, also after looking the webhook id up afresh). Anything else (429, 5xx, 401,
        the network) raises `TwitterError`."""
        cached = webhook_url in self._webhook_ids
        response = await self._unsubscribe(webhook_url, user_id)
        if response is not None and response.status_code in _NOTHING_TO_REMOVE and cached:
            self._webhook_ids.pop(webhook_url, None)  # the webhook may have been replaced
            response = await self._unsubscribe(webhook_url, user_id)
        if response is None or response.status_code in _NOTHING_TO_REMOVE:
            detail = "no webhook" if response is None else _detail(response)
            log.info("no subscription to remove", account_id=user_id, detail=detail)
            return False
        if response.is_error:
            raise TwitterError(f"unsubscribe refused: {response.status_code} {_detail(response)}")
        return True

    async def _unsubscribe(self, webhook_url: str, user_id: str) -> httpx2.Response | None:
        try:
            webhook_id = await self._webhook_id(webhook_url, create=False)
            if webhook_id is None:
                return None
            headers = bearer_header(await self._bearer())
            return await self._client.delete(
                f"/2/account_activity/webhooks/{webhook_id}/subscriptions/{user_id}/all",
                headers=headers,
            )
        except (httpx2.HTTPError, ValueError, KeyError) as exc:
            raise TwitterError(f"unsubscribe failed: {type(exc).__name__}") from exc

    # --- sending ---------------------------------------------------------------------
    async def send(self, reply: Reply, credentials: AccountCredentials) -> SendOutcome:
        if reply.kind is MessageKind.TWEET:
            template = path = "/2/tweets"
            body: dict[str, Any] = {"text": reply.text}
            if reply.in_reply_to_tweet_id:
                body["reply"] = {"in_reply_to_tweet_id": reply.in_reply_to_tweet_id}
        else:
            template = "/2/dm_conversations/with/{participant_id}/messages"
            path = f"/2/dm_conversations/with/{reply.customer_id}/messages"
            body = {"text": reply.text}
        # A span of our own rather than instrumenting the HTTP client: no trace header
        # goes to Twitter, and the span names the outcome as the worker understood it.
        with _tracer.start_as_current_span(
            f"POST {template}",
            kind=SpanKind.CLIENT,
            attributes={"http.request.method": "POST", "url.template": template},
        ) as span:
            outcome = await self._post_reply(path, body, reply.kind, credentials)
            outcome_name = type(outcome).__name__.lower()
            span.set_attribute("switchboard.twitter.outcome", outcome_name)
            if not isinstance(outcome, Sent):
                span.set_status(StatusCode.ERROR, outcome_name)
        metrics.TWITTER_SENDS.labels(reply.kind.value, outcome_name).inc()
        return outcome

    async def _post_reply(
        self, path: str, body: dict[str, Any], kind: MessageKind, credentials: AccountCredentials
    ) -> SendOutcome:
        try:
            response = await self._client.post(path, json=body, auth=self._signed(credentials))
        except (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout) as exc:
            return Retryable(f"could not reach Twitter: {type(exc).__name__}")
        except httpx2.TransportError as exc:
            return Unknown(f"no answer from Twitter: {type(exc).__name__}")
        return _outcome(kind, response)


def _outcome(kind: MessageKind, response: httpx2.Response) -> SendOutcome:
    status = response.status_code
    detail = _detail(response)
    if status == HTTP_CREATED:
        data = response.json()["data"]
        return Sent(str(data["id"] if kind is MessageKind.TWEET else data["dm_event_id"]))
    if status == HTTP_TOO_MANY:
        reset = response.headers.get("x-rate-limit-reset")
        return RateLimited(float(reset) if reset else None)
    if status >= HTTP_SERVER_ERROR:
        return Retryable(f"{status}: {detail}")
    if status == HTTP_UNAUTHORIZED:
        return Refused(status, "channel_deauthorized", detail)
    if status == HTTP_FORBIDDEN:
        duplicate = "duplicate" in detail.lower()
        return Refused(status, "duplicate_content" if duplicate else "not_allowed", detail)
    return Refused(status, "invalid_request", f"{status}: {detail}")


def _detail(response: httpx2.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        if "detail" in body:
            return str(body["detail"])
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            return str(errors[0].get("message", errors[0]))
    return str(body)[:300]
