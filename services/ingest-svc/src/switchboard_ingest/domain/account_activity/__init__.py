"""Account Activity deliveries: `for_user_id` and exactly one activity envelope.

Envelopes that become events have a parser below; the others are accepted (200) and kept
on the raw topic only, each for a stated reason; anything else is refused.
"""

import uuid
from collections.abc import Callable

from switchboard_ingest.domain import reading
from switchboard_ingest.domain.account_activity import (
    deletions,
    direct_messages,
    favorites,
    follows,
    revocations,
    tweets,
)
from switchboard_ingest.domain.model import (
    Dropped,
    MalformedDeliveryError,
    Outcome,
    ParsedDelivery,
    Source,
)
from switchboard_ingest.domain.reading import Json

Parser = Callable[[Source, object, Json], list[Outcome]]

PARSERS: dict[str, Parser] = {
    "tweet_create_events": tweets.parse,
    "direct_message_events": direct_messages.parse,
    "favorite_events": favorites.parse,
    "follow_events": follows.parse,
    "unfollow_events": follows.parse,  # older deliveries; the events say "unfollow"
    "tweet_delete_events": deletions.parse,
    "user_event": revocations.parse,
}

# Accepted, published raw only, and counted as dropped with this reason.
IGNORED = {
    # Ephemeral "is typing" signals: worthless seconds later and the loudest envelope.
    "direct_message_indicate_typing_events": "typing_indicator",
    # Read receipts: no consumer tracks whether the customer read a DM yet; the raw topic
    # keeps them, so one can be derived later without asking Twitter again.
    "direct_message_mark_read_events": "read_receipt",
    # The account blocking or muting someone changes no conversation.
    "block_events": "block",
    "unblock_events": "block",
    "mute_events": "mute",
    "unmute_events": "mute",
}

ENVELOPES = (*PARSERS, *IGNORED)


def is_account_activity(body: Json) -> bool:
    return any(key in body for key in ENVELOPES)


def parse(body: Json, *, correlation_id: uuid.UUID) -> ParsedDelivery:
    present = [key for key in ENVELOPES if key in body]
    if len(present) != 1:
        raise MalformedDeliveryError(
            "expected exactly one Account Activity envelope, found "
            + (", ".join(present) if present else "none")
        )
    [envelope] = present
    for_user_id = body.get("for_user_id")
    if envelope == "user_event":
        account = revocations.revoking_account(body)
        for_user_id = reading.optional_twitter_id(for_user_id, "for_user_id")
    else:
        account = for_user_id = reading.twitter_id(for_user_id, "for_user_id")
    source = Source(account, correlation_id)
    if envelope in IGNORED:
        items = reading.objects(body[envelope], envelope)
        outcomes: list[Outcome] = [Dropped(IGNORED[envelope]) for _ in items]
    else:
        outcomes = PARSERS[envelope](source, body[envelope], body)
    return ParsedDelivery(envelope, account, for_user_id, tuple(outcomes), correlation_id)
