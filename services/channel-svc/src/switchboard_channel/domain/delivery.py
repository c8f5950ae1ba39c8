"""One requested reply's delivery, recorded by message id so a redelivery never sends twice.

States: `pending` (recorded, no call to Twitter in flight), `sending` (a call may be in
flight: set and committed *before* calling Twitter), then `sent` or `failed` (final, with
the result event written in the same transaction). Finding `sending` at the start of an
attempt means an earlier attempt was interrupted after it may have reached Twitter: that
is reconciled against what the account actually sent, never simply sent again.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        return self in {DeliveryState.SENT, DeliveryState.FAILED}


@dataclass(frozen=True)
class Delivery:
    message_id: uuid.UUID
    state: DeliveryState
    attempts: int
    not_before: datetime | None
    sending_since: datetime | None
    reconcile_until: datetime | None = None


# The rules of sending: when to try again, when to give up, how long to wait. The service
# layer carries them out (sleeps, calls Twitter, commits); nothing here does I/O.

RECONCILE_SKEW = timedelta(seconds=5)  # Twitter's clock against ours
RATE_LIMIT_UNSAID = timedelta(seconds=60)  # a 429 without x-rate-limit-reset
RATE_LIMIT_MARGIN = timedelta(seconds=1)  # past the reset, so the next try is not early


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 5
    backoff_seconds: float = 0.5
    rate_limit_inline_wait_seconds: float = 60.0
    concurrency: int = 16  # sends at once, to as many conversations

    def gives_up(self, attempts: int) -> bool:
        """After `attempts` failed sends (5xx, no connection, an answer that never came)."""
        return attempts >= self.max_attempts

    def backoff(self, attempts: int) -> float:
        """Seconds before the next send after `attempts` failures: doubling each time."""
        return self.backoff_seconds * 2.0 ** (attempts - 1)

    def rate_limit_wait(self, not_before: datetime, now: datetime) -> "Wait":
        """How long this attempt waits for a rate limit's reset: all of it when it is
        near, else the inline limit and then a retry later (so the consumer's poll interval
        is never exceeded, and the partition keeps its order)."""
        wait = (not_before - now).total_seconds()
        if wait <= 0:
            return Wait(0.0, then_retry_later=False)
        inline = self.rate_limit_inline_wait_seconds
        if wait > inline:
            return Wait(inline, then_retry_later=True)
        return Wait(wait, then_retry_later=False)


@dataclass(frozen=True)
class Wait:
    seconds: float
    then_retry_later: bool


def rate_limited_until(reset_at: float | None, now: datetime) -> datetime:
    """When to send again after a 429: Twitter's reset (epoch seconds) when it said, else
    a minute from now; a second past it either way."""
    reset = now + RATE_LIMIT_UNSAID if reset_at is None else datetime.fromtimestamp(reset_at, UTC)
    return reset + RATE_LIMIT_MARGIN


def reconcile_since(sending_since: datetime | None, now: datetime) -> datetime:
    """From when the account's sent messages may be the interrupted send's echo."""
    return (sending_since or now) - RECONCILE_SKEW


def reconcile_until(now: datetime, patience_seconds: float) -> datetime:
    """The end of the window for an interrupted send's echo, opened at the first look and
    kept with the record (a restart or a rebalance does not extend it)."""
    return now + timedelta(seconds=patience_seconds)
