"""Events on `twitter.activity.v1` and `twitter.webhooks.raw.v1`, produced by ingest-svc.

They say what Twitter told us, normalised; they carry no organization (see `Event.org_id`).
`from_account` marks the account's own tweets and DMs (echoes), which are never customer
messages.
"""

import uuid
from typing import Literal

from pydantic import AwareDatetime, Field

from switchboard_contracts.envelope import (
    ContractModel,
    Event,
    NonEmptyStr,
    SchemaVersion,
    TwitterId,
    TwitterText,
)


class TwitterUser(ContractModel):
    id: TwitterId
    screen_name: TwitterText | None = None
    name: TwitterText | None = None


class MediaRef(ContractModel):
    """A reference to media on Twitter; the bytes stay there."""

    media_id: TwitterId | None = None
    type: str = Field(description="photo, video, animated_gif, ...")
    url: str


class TweetReceivedPayload(ContractModel):
    account_id: TwitterId = Field(description="The subscribed account (for_user_id)")
    tweet_id: TwitterId
    author: TwitterUser
    customer_id: TwitterId = Field(
        description="The other party: the author, or for an echo the user it replies to"
    )
    text: TwitterText
    created_at: AwareDatetime
    relation: Literal["mention", "reply", "own"] = Field(
        description="mention: names the account without replying to one of its tweets; "
        "reply: replies to a tweet; own: posted by the account itself"
    )
    in_reply_to_tweet_id: TwitterId | None = None
    in_reply_to_user_id: TwitterId | None = None
    quoted_tweet_id: TwitterId | None = None
    from_account: bool
    media: tuple[MediaRef, ...] = ()
    user_has_blocked: bool | None = Field(
        default=None,
        description="Twitter's user_has_blocked on a mention: whether the account blocks the "
        "author; null when Twitter did not say",
    )


class DirectMessageReceivedPayload(ContractModel):
    account_id: TwitterId
    dm_event_id: TwitterId
    sender: TwitterUser
    recipient_id: TwitterId
    customer_id: TwitterId = Field(description="The party that is not the account")
    text: TwitterText
    created_at: AwareDatetime
    from_account: bool
    source_app_id: str | None = None
    media: tuple[MediaRef, ...] = ()


class TweetDeletedPayload(ContractModel):
    account_id: TwitterId
    tweet_id: TwitterId
    user_id: TwitterId
    deleted_at: AwareDatetime


class AppRevokedPayload(ContractModel):
    account_id: TwitterId = Field(description="The account that withdrew the app")
    app_id: str | None = None
    revoked_at: AwareDatetime


class TweetFavoritedPayload(ContractModel):
    account_id: TwitterId
    tweet_id: TwitterId
    user: TwitterUser = Field(description="Who liked the tweet")
    favorited_at: AwareDatetime
    customer_id: TwitterId | None = Field(
        default=None,
        description="The other party: who liked the account's tweet, or whose tweet the "
        "account liked; null when the account liked its own tweet",
    )
    from_account: bool | None = Field(
        default=None, description="The account itself liked the tweet"
    )


class UserFollowedPayload(ContractModel):
    account_id: TwitterId
    action: Literal["follow", "unfollow"]
    source: TwitterUser
    target: TwitterUser
    occurred_at: AwareDatetime
    customer_id: TwitterId | None = Field(
        default=None, description="The other party: the user who is not the account"
    )
    from_account: bool | None = Field(
        default=None, description="The account itself followed or unfollowed someone"
    )


class TweetReceived(Event[TweetReceivedPayload]):
    type: Literal["twitter.tweet.received"] = "twitter.tweet.received"
    schema_version: SchemaVersion = 1


class DirectMessageReceived(Event[DirectMessageReceivedPayload]):
    type: Literal["twitter.direct_message.received"] = "twitter.direct_message.received"
    schema_version: SchemaVersion = 1


class TweetDeleted(Event[TweetDeletedPayload]):
    type: Literal["twitter.tweet.deleted"] = "twitter.tweet.deleted"
    schema_version: SchemaVersion = 1


class AppRevoked(Event[AppRevokedPayload]):
    type: Literal["twitter.app.revoked"] = "twitter.app.revoked"
    schema_version: SchemaVersion = 1


class TweetFavorited(Event[TweetFavoritedPayload]):
    type: Literal["twitter.tweet.favorited"] = "twitter.tweet.favorited"
    schema_version: SchemaVersion = 1


class UserFollowed(Event[UserFollowedPayload]):
    type: Literal["twitter.user.followed"] = "twitter.user.followed"
    schema_version: SchemaVersion = 1


class WebhookDeliveredPayload(ContractModel):
    """One webhook delivery exactly as received, kept for audit and replay."""

    received_at: AwareDatetime
    for_user_id: TwitterId | None
    envelope: NonEmptyStr = Field(description="Which activity envelope it was")
    signature_verified: bool
    body: str = Field(description="The raw body, decoded as UTF-8")
    event_ids: tuple[uuid.UUID, ...] = Field(description="Ids of the events it became")


class WebhookDelivered(Event[WebhookDeliveredPayload]):
    type: Literal["twitter.webhook.delivered"] = "twitter.webhook.delivered"
    schema_version: SchemaVersion = 1


__all__ = [
    "AppRevoked",
    "DirectMessageReceived",
    "TweetDeleted",
    "TweetFavorited",
    "TweetReceived",
    "UserFollowed",
    "WebhookDelivered",
]
