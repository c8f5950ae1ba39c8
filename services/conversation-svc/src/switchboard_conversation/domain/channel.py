"""conversation-svc's local view of a channel (from `channels.v1`)."""

import uuid
from dataclasses import dataclass, field

from switchboard_contracts.enums import ChannelStatus
from switchboard_conversation.domain.auto_resolve import AutoResolvePolicy


@dataclass(frozen=True)
class ChannelView:
    id: uuid.UUID
    org_id: uuid.UUID
    twitter_account_id: str
    status: ChannelStatus
    auto_ownership: bool
    revision: int
    display_name: str = ""
    auto_resolve: AutoResolvePolicy = field(default_factory=AutoResolvePolicy)

    @property
    def receives_messages(self) -> bool:
        # A deauthorized channel keeps its conversations and shows what still arrives;
        # a disconnected one is gone from the product.
        return self.status is not ChannelStatus.DISCONNECTED
