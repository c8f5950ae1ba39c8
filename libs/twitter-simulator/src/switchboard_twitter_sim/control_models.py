"""The control API's request and response bodies, shared by its routes and the typed
client (`switchboard_twitter_sim.client`)."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class NewUser(BaseModel):
    screen_name: str = Field(description="The handle, without @")
    name: str | None = None
    user_id: str | None = Field(default=None, description="Numeric; generated when absent")


class SimUser(BaseModel):
    id: str
    screen_name: str
    name: str


class NewTweet(BaseModel):
    author: str = Field(description="User id or screen name")
    text: str
    in_reply_to: str | None = Field(default=None, description="The replied-to tweet's id")


class SimTweet(BaseModel):
    id: str
    author_id: str
    text: str
    created_at: datetime
    in_reply_to_tweet_id: str | None
    in_reply_to_user_id: str | None
    via_app: bool = Field(description="Posted through the API by the simulated app")
    deleted: bool


class UserRef(BaseModel):
    user: str = Field(description="User id or screen name")


class NewDirectMessage(BaseModel):
    sender: str
    recipient: str
    text: str


class SimDirectMessage(BaseModel):
    id: str
    dm_conversation_id: str
    sender_id: str
    recipient_id: str
    text: str
    created_at: datetime
    via_app: bool


class Sent(BaseModel):
    """What a user posted and sent, oldest first."""

    tweets: list[SimTweet]
    direct_messages: list[SimDirectMessage]


class AccessTokenOut(BaseModel):
    oauth_token: str
    oauth_token_secret: str
    user_id: str
    screen_name: str


class AuthorizationScript(BaseModel):
    approve_as: str | None = Field(default=None, description="Approve as this user; else deny")


class BrowserSession(BaseModel):
    screen_name: str | None = Field(description="Who is signed in to Twitter; null: nobody")


class DeliveryRecord(BaseModel):
    delivery_id: int
    webhook_id: str
    url: str
    for_user_id: str
    kind: str
    attempt: int
    status_code: int | None
    error: str | None
    succeeded: bool
    at: datetime
    body: dict[str, Any]


class DeliveryControls(BaseModel):
    duplicates: int = Field(default=0, ge=0, le=10)
    hold: bool = False
    retry_attempts: int = Field(default=3, ge=0, le=10)
    retry_backoff_seconds: float = Field(default=1.0, ge=0, le=300)
    drop_responses: int = Field(default=0, ge=0)
    concurrency: int = Field(default=1, ge=1, le=256, description="deliveries in flight at once")


class DeliveryStatus(DeliveryControls):
    held: int


class Release(BaseModel):
    order: Literal["fifo", "reverse", "shuffle"] = "reverse"


class RateLimitUpdate(BaseModel):
    limit: int = Field(ge=0)
    window_seconds: int = Field(gt=0)
    daily_limit: int | None = Field(default=None, ge=0)


class ClockAdvance(BaseModel):
    seconds: float = Field(gt=0)


class Count(BaseModel):
    count: int


class OutageControls(BaseModel):
    seconds: float = Field(gt=0, le=3600, description="how long the API is down from now")
    statuses: list[Literal[429, 500, 502, 503, 504]] = Field(
        default=[503], min_length=1, description="the answers, in turn"
    )


class OutageStatus(BaseModel):
    remaining_seconds: float
    statuses: list[int]
    refused: dict[str, int] = Field(description="answers given so far, by status code")
