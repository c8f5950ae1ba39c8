"""The domain's closed vocabularies, shared by every service and every event."""

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class QueueStatus(StrEnum):
    NEW = "new"
    PENDING = "pending"
    RESOLVED = "resolved"


class OrgRole(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"


class ChannelRole(StrEnum):
    """Ordered from least to most capable; see `ChannelRole.rank`."""

    VIEWER = "viewer"
    CONTRIBUTOR = "contributor"
    SUPERVISOR = "supervisor"

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    def allows(self, action: "ChannelAction") -> bool:
        return self.rank >= MINIMUM_ROLE[action].rank


_ROLE_RANK = {ChannelRole.VIEWER: 1, ChannelRole.CONTRIBUTOR: 2, ChannelRole.SUPERVISOR: 3}


class ChannelAction(StrEnum):
    """What a user can do on a channel; access-svc's check API decides each one (who has
    which role is its rule), naming the role an action needs (`minimum_role`).
    """

    READ = "read"  # see the channel in the selector, read its conversations and messages
    MOVE = "move"  # move a conversation to Pending or Resolved
    LABEL = "label"  # add and remove tags, notes, topics
    REPLY = "reply"  # reply to the customer
    TAKE_OWNERSHIP = "take_ownership"  # take ownership for oneself
    ASSIGN_OWNERSHIP = "assign_ownership"  # assign or remove another agent's ownership
    VIEW_REPORTS = "view_reports"  # see the channel's reports

    @property
    def minimum_role(self) -> ChannelRole:
        return MINIMUM_ROLE[self]


# DOMAIN.md's table ("Access to a channel and roles"): the least capable role that may do
# each action. The one copy: access-svc decides with it; a fake of access-svc answers by it.
MINIMUM_ROLE: Mapping[ChannelAction, ChannelRole] = MappingProxyType(
    {
        ChannelAction.READ: ChannelRole.VIEWER,
        ChannelAction.MOVE: ChannelRole.VIEWER,
        ChannelAction.LABEL: ChannelRole.VIEWER,
        ChannelAction.REPLY: ChannelRole.CONTRIBUTOR,
        ChannelAction.TAKE_OWNERSHIP: ChannelRole.CONTRIBUTOR,
        ChannelAction.ASSIGN_OWNERSHIP: ChannelRole.SUPERVISOR,
        ChannelAction.VIEW_REPORTS: ChannelRole.SUPERVISOR,
    }
)


class PrincipalKind(StrEnum):
    """Who a channel grant is given to."""

    USER = "user"
    TEAM = "team"
    ALL_USERS = "all_users"
    ALL_TEAMS = "all_teams"


class ChannelStatus(StrEnum):
    CONNECTED = "connected"
    DEAUTHORIZED = "deauthorized"
    DISCONNECTED = "disconnected"


class MessageKind(StrEnum):
    TWEET = "tweet"
    DIRECT_MESSAGE = "direct_message"


class MessageDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class DeliveryState(StrEnum):
    REQUESTED = "requested"
    SENT = "sent"
    FAILED = "failed"


class ActorKind(StrEnum):
    USER = "user"
    SYSTEM = "system"
    TWITTER_ACCOUNT = "twitter_account"
    SERVICE = "service"
