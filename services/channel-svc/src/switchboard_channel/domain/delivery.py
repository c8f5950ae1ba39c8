"""One requested reply's delivery, recorded by message id so a redelivery never sends twice.

States: `pending` (recorded, no call to Twitter in flight), `sending` (a call may be in
flight: set and committed *before* calling Twitter), then `sent` or `failed` (final, with
the result event written in the same transaction). Finding `sending` at the start of an
attempt means an earlier attempt was interrupted after it may have reached Twitter: that
is reconciled against what the account actually sent, never simply sent again.
"""

from enum import StrEnum


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        return self in {DeliveryState.SENT, DeliveryState.FAILED}
