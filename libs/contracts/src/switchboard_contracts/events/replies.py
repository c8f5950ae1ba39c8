"""`replies.requested.v1` (conversation-svc -> channel-svc) and `replies.results.v1` (back)."""

import uuid
from typing import Literal

from pydantic import AwareDatetime, Field

from switchboard_contracts.enums import MessageKind
from switchboard_contracts.envelope import ContractModel, OrgEvent, SchemaVersion, TwitterId


class ReplyRequestedPayload(ContractModel):
    message_id: uuid.UUID = Field(description="The outbound message this reply delivers")
    conversation_id: uuid.UUID
    channel_id: uuid.UUID
    kind: MessageKind
    text: str = Field(min_length=1)
    customer_id: TwitterId = Field(description="DM recipient, or the author replied to")
    in_reply_to_tweet_id: TwitterId | None = Field(
        default=None, description="Required for tweets: the customer's latest tweet"
    )
    requested_by: uuid.UUID


class ReplySentPayload(ContractModel):
    message_id: uuid.UUID
    conversation_id: uuid.UUID
    twitter_id: TwitterId = Field(description="The new tweet's id or the DM event id")
    sent_at: AwareDatetime


class ReplyFailedPayload(ContractModel):
    message_id: uuid.UUID
    conversation_id: uuid.UUID
    reason: Literal[
        "channel_deauthorized",
        "channel_disconnected",
        "duplicate_content",
        "not_allowed",
        "invalid_request",
        "gave_up_retrying",
    ]
    detail: str
    failed_at: AwareDatetime


class ReplyRequested(OrgEvent[ReplyRequestedPayload]):
    type: Literal["reply.requested"] = "reply.requested"
    schema_version: SchemaVersion = 1


class ReplySent(OrgEvent[ReplySentPayload]):
    type: Literal["reply.sent"] = "reply.sent"
    schema_version: SchemaVersion = 1


class ReplyFailed(OrgEvent[ReplyFailedPayload]):
    type: Literal["reply.failed"] = "reply.failed"
    schema_version: SchemaVersion = 1
