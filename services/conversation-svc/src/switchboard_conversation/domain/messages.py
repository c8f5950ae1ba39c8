"""Messages of a conversation, and where an agent's reply goes (DOMAIN.md, "Messages")."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from switchboard_contracts.enums import DeliveryState, MessageDirection, MessageKind
from switchboard_conversation.domain.errors import InvalidActionError


@dataclass(frozen=True)
class Customer:
    twitter_id: str
    screen_name: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Message:
    """Inbound (from the customer) or outbound (an agent's reply, or the account's own post
    from the Twitter app: no agent, already sent)."""

    id: uuid.UUID
    direction: MessageDirection
    kind: MessageKind
    twitter_id: str | None
    text: str
    created_at: datetime
    author_customer_id: str | None = None
    author_user_id: uuid.UUID | None = None
    delivery_state: DeliveryState | None = None
    in_reply_to_tweet_id: str | None = None
    failure_reason: str | None = None
    deleted: bool = False


@dataclass(frozen=True)
class ReplyTarget:
    kind: MessageKind
    in_reply_to_tweet_id: str | None


def reply_target(
    requested: MessageKind | None,
    *,
    last_customer_kind: MessageKind | None,
    last_customer_tweet_id: str | None,
) -> ReplyTarget:
    """Where a reply goes: the agent's choice, else the kind of the customer's last message.

    A tweet replies to the customer's latest tweet in the conversation; a DM goes to the
    customer's DM thread (its recipient is the customer).
    """
    kind = requested or last_customer_kind or MessageKind.TWEET
    if kind is MessageKind.DIRECT_MESSAGE:
        return ReplyTarget(kind, None)
    if last_customer_tweet_id is None:
        raise InvalidActionError(
            "kind", "The customer has not tweeted in this conversation; reply by direct message."
        )
    return ReplyTarget(kind, last_customer_tweet_id)


def sent(message: Message, *, twitter_id: str) -> Message | None:
    """A requested reply was sent; None when that is known already (redelivery, echo first).

    A failed one too: channel-svc reports `gave_up_retrying` when it cannot tell whether an
    interrupted send reached Twitter, so a result that says it was sent (with Twitter's id)
    proves the failure wrong. The reverse never happens (see `failed`)."""
    if message.direction is not MessageDirection.OUTBOUND:
        raise ValueError("only outbound messages are delivered")
    if message.delivery_state is DeliveryState.SENT:
        return None
    return replace(
        message, delivery_state=DeliveryState.SENT, twitter_id=twitter_id, failure_reason=None
    )


def failed(message: Message, *, reason: str) -> Message | None:
    """A requested reply failed; a sent or already failed one stays as it is."""
    if message.direction is not MessageDirection.OUTBOUND:
        raise ValueError("only outbound messages are delivered")
    if message.delivery_state is not DeliveryState.REQUESTED:
        return None
    return replace(message, delivery_state=DeliveryState.FAILED, failure_reason=reason)


# The account's echoes -----------------------------------------------------------------------
# Twitter sends the account's own tweets and DMs back through the webhook, the replies this
# system sent among them. A reply's result (replies.results.v1) and its echo
# (twitter.activity.v1) come on different topics, in either order, and both carry the id
# Twitter gave the post: that id, not the text (which Twitter rewrites: the replied-to
# @handle in front, links shortened to t.co, whitespace and entities normalised), says which
# reply an echo is.


def may_be_echoed_as(reply: Message, kind: MessageKind) -> bool:
    """Whether an echo of `kind` whose id is no message's yet may be this message: an
    agent's reply of that kind whose result (and so its Twitter id) has not arrived."""
    return (
        reply.direction is MessageDirection.OUTBOUND
        and reply.author_user_id is not None
        and reply.delivery_state is DeliveryState.REQUESTED
        and reply.kind is kind
    )


def echo_awaits_result(kind: MessageKind, replies: Iterable[Message]) -> bool:
    """Whether an echo of `kind` whose id is no message's yet waits (held, unseen) for the
    results of `replies`: while one of them may be it. Each result names its reply's Twitter
    id, so the echo then turns out to be that reply (nothing to add: the result confirmed
    it) or, once no reply may be it any more, a post from the Twitter app. Deciding sooner
    would mean guessing from the text."""
    return any(may_be_echoed_as(reply, kind) for reply in replies)


@dataclass(frozen=True)
class HeldEcho:
    """An echo held, unseen, while a reply awaiting its result may be it: `value` is the
    event as received, `held_at` when it was held."""

    twitter_id: str
    kind: MessageKind
    held_at: datetime
    value: str


@dataclass(frozen=True)
class EchoHold:
    """How long an echo is held at most. A result that never comes (its request
    dead-lettered, say) would otherwise hide the account's posts of that kind in that
    conversation for good; past `limit` a held echo is a post from the Twitter app, whatever
    replies still await their results. The replies stay `requested` (only channel-svc knows
    what became of them), and a result that comes later still confirms its reply: the post
    shown meanwhile is merged into it (`replies.py`)."""

    limit: timedelta = timedelta(minutes=15)

    def held_before(self, now: datetime) -> datetime:
        """Echoes held at or before this have been held long enough."""
        return now - self.limit


def echo_released(
    echo: HeldEcho, replies: Iterable[Message], *, held_before: datetime | None = None
) -> bool:
    """Whether a held echo is shown now as a post from the app: once no reply awaiting its
    result may be it (after each result), or once held at or before `held_before` (the
    sweep, `EchoHold.held_before`)."""
    if held_before is not None and echo.held_at <= held_before:
        return True
    return not echo_awaits_result(echo.kind, replies)


def posted_from_app(message: Message) -> bool:
    """An outbound message no agent wrote: the account posted it from the Twitter app."""
    return message.direction is MessageDirection.OUTBOUND and message.author_user_id is None
