"""The simulated Twitter: every user, tweet, message, token and webhook, in memory."""

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from switchboard_twitter_sim.domain.clock import SimClock
from switchboard_twitter_sim.domain.ids import SnowflakeIds
from switchboard_twitter_sim.domain.model import (
    AccessToken,
    App,
    DirectMessage,
    RequestToken,
    Tweet,
    User,
    Webhook,
)


class UnknownError(LookupError):
    """A control-API reference to something that does not exist."""


class ConflictError(ValueError):
    """A control-API request that contradicts the world (e.g. a taken handle)."""


@dataclass(frozen=True)
class ScriptedDecision:
    """What the next visit to the authorize page does, instead of showing the page."""

    approve_as: str | None  # a user id; None denies


@dataclass(frozen=True)
class Recorded:
    """A delivery routed to a webhook, kept for replay."""

    webhook_id: str
    for_user_id: str
    kind: str
    body: bytes
    at: datetime


@dataclass
class World:
    app: App
    clock: SimClock
    ids: SnowflakeIds
    users: dict[str, User] = field(default_factory=dict)
    tweets: dict[str, Tweet] = field(default_factory=dict)
    messages: list[DirectMessage] = field(default_factory=list)
    request_tokens: dict[str, RequestToken] = field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = field(default_factory=dict)
    webhooks: dict[str, Webhook] = field(default_factory=dict)
    history: list[Recorded] = field(default_factory=list)
    script: deque[ScriptedDecision] = field(default_factory=deque)
    browser_user_id: str | None = None  # who is "logged in to Twitter in another tab"
    approved_user_ids: set[str] = field(default_factory=set)

    def add_user(
        self, screen_name: str, *, name: str | None = None, user_id: str | None = None
    ) -> User:
        handle = screen_name.removeprefix("@")
        if not handle or len(handle) > 15 or not handle.replace("_", "").isalnum():  # noqa: PLR2004
            raise ConflictError(f"{screen_name!r} is not a valid Twitter handle")
        if self.find_handle(handle) is not None:
            raise ConflictError(f"@{handle} already exists")
        user_id = user_id or self.ids.next()
        if not user_id.isdigit() or user_id in self.users:
            raise ConflictError(f"user id {user_id!r} is taken or not numeric")
        user = User(user_id, handle, name or handle, created_at=self.clock.now())
        self.users[user_id] = user
        return user

    def find_handle(self, handle: str) -> User | None:
        handle = handle.removeprefix("@").lower()
        return next((u for u in self.users.values() if u.screen_name.lower() == handle), None)

    def user(self, ref: str) -> User:
        """A user by id or by screen name (with or without the @)."""
        user = self.users.get(ref) or self.find_handle(ref)
        if user is None:
            raise UnknownError(f"no user {ref!r}")
        return user

    def tweet(self, tweet_id: str) -> Tweet:
        tweet = self.tweets.get(tweet_id)
        if tweet is None:
            raise UnknownError(f"no tweet {tweet_id!r}")
        return tweet

    def subscribed_webhooks(self, user_id: str) -> list[Webhook]:
        return [hook for hook in self.webhooks.values() if user_id in hook.subscriptions]

    def live_token_for(self, user_id: str) -> AccessToken | None:
        return next(
            (t for t in self.access_tokens.values() if t.user_id == user_id and not t.revoked),
            None,
        )

    def reset(self, seeds: list[tuple[str, str | None]]) -> None:
        """Back to a world holding only the seed accounts (the app and clock stay)."""
        fresh = World(self.app, self.clock, self.ids)
        vars(self).update(vars(fresh))
        for handle, user_id in seeds:
            self.add_user(handle, user_id=user_id)
