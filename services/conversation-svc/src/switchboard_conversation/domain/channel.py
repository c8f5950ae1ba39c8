"""conversation-svc's local view of a channel (from `channels.v1`)."""

import uuid
from dataclasses import dataclass

from switchboard_contracts.enums import ChannelStatus


@dataclass(frozen=True)
class ChannelView:
    id: uuid.UUID
    org_id: uuid.UUID
    twitter_account_id: str
    status: ChannelStatus
    auto_ownership: bool
    revision: int

    @property
    def receives_messages(self) -> bool:
        # A deauthorized channel keeps its conversations and shows what still arrives;
        # a disconnected one is gone from the product.
        return self.status is not ChannelStatus.DISCONNECTED
