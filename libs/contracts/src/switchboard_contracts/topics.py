"""The topic catalogue: one declaration per topic, the one source of truth for topic names,
keys, owners, partitions, retention and the events each topic carries.

Deployment (topic creation, Strimzi `KafkaTopic`s), docs and consumers all read it.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, Literal, Union

from pydantic import Field, TypeAdapter

from switchboard_contracts.compat import Compatibility
from switchboard_contracts.envelope import Event
from switchboard_contracts.events import access, channels, conversations, replies, twitter
from switchboard_contracts.events.dead_letters import DeadLetter

DAY_MS = 24 * 3600 * 1000
DLQ_SUFFIX = ".dlq"

__all__ = [  # Compatibility lives with the checker; it is re-exported here, with the catalogue
    "ACCESS",
    "ALL_TOPICS",
    "CHANNELS",
    "CONVERSATIONS",
    "DAY_MS",
    "DEAD_LETTER_TOPICS",
    "DLQ_SUFFIX",
    "REPLIES_REQUESTED",
    "REPLIES_RESULTS",
    "TOPICS",
    "TWITTER_ACTIVITY",
    "TWITTER_WEBHOOKS_RAW",
    "Compatibility",
    "Topic",
    "dead_letter_topic",
    "topic_named",
]


@dataclass(frozen=True)
class Topic:
    name: str
    description: str
    key: str
    events: tuple[type[Event[Any]], ...]
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    partitions: int
    # Services whose every replica reads the topic from its end without a consumer group
    # (live views: each replica needs every change for the browsers connected to it).
    followers: tuple[str, ...] = ()
    cleanup_policy: Literal["delete", "compact"] = "delete"
    retention_ms: int = 7 * DAY_MS
    compatibility: Compatibility = Compatibility.FULL
    org_scoped: bool = True
    config: dict[str, str] = field(default_factory=dict)

    @property
    def major_version(self) -> int:
        match = re.search(r"\.v(\d+)(?:\.dlq)?$", self.name)
        if match is None:
            raise ValueError(f"topic {self.name} does not end in .v<major>")
        return int(match.group(1))

    @property
    def dlq(self) -> str:
        return self.name + DLQ_SUFFIX

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(_event_type(model) for model in self.events)

    @cached_property
    def adapter(self) -> TypeAdapter[Event[Any]]:
        """Parses any event of this topic into its concrete model, by `type`."""
        if len(self.events) == 1:
            return TypeAdapter(self.events[0])
        union = Annotated[Union[self.events], Field(discriminator="type")]  # type: ignore[name-defined]  # noqa: UP007
        return TypeAdapter(union)

    def parse(self, data: bytes | str) -> Event[Any]:
        return self.adapter.validate_json(data)

    def kafka_config(self) -> dict[str, str]:
        config = {"cleanup.policy": self.cleanup_policy, **self.config}
        if self.cleanup_policy == "delete":
            config["retention.ms"] = str(self.retention_ms)
        return config


def _event_type(model: type[Event[Any]]) -> str:
    default = model.model_fields["type"].default
    if not isinstance(default, str):
        raise TypeError(f"{model.__name__} has no literal type")
    return default


TWITTER_WEBHOOKS_RAW = Topic(
    name="twitter.webhooks.raw.v1",
    description="Every verified webhook delivery as received, for audit and replay.",
    key="Twitter account id (for_user_id; 'app' for deliveries without one)",
    events=(twitter.WebhookDelivered,),
    producers=("ingest-svc",),
    consumers=(),
    partitions=6,
    retention_ms=14 * DAY_MS,
    org_scoped=False,
)
TWITTER_ACTIVITY = Topic(
    name="twitter.activity.v1",
    description="Normalised Account Activity: tweets, DMs, deletions, revocations.",
    key="<account id>:<customer id> (account-level events: <account id>)",
    events=(
        twitter.TweetReceived,
        twitter.DirectMessageReceived,
        twitter.TweetDeleted,
        twitter.AppRevoked,
        twitter.TweetFavorited,
        twitter.UserFollowed,
    ),
    producers=("ingest-svc",),
    consumers=("conversation-svc", "channel-svc"),
    partitions=12,
    retention_ms=7 * DAY_MS,
    org_scoped=False,
)
CHANNELS = Topic(
    name="channels.v1",
    description="The full public state of each channel after every change.",
    key="channel id",
    events=(channels.ChannelSnapshot,),
    producers=("channel-svc",),
    # Not ingest-svc: it publishes every signed delivery; which channel (if any) an
    # account's activity belongs to is conversation-svc's business (it parks what comes
    # before the channel's snapshot).
    consumers=("conversation-svc", "access-svc"),
    partitions=3,
    cleanup_policy="compact",
    config={"min.compaction.lag.ms": str(3600 * 1000)},
)
ACCESS = Topic(
    name="access.v1",
    description="Changes to users, teams, memberships and channel grants.",
    key="organization id",
    events=(
        access.UserChanged,
        access.TeamChanged,
        access.TeamMembershipChanged,
        access.GrantChanged,
    ),
    producers=("access-svc",),
    consumers=("conversation-svc",),
    partitions=3,
    retention_ms=30 * DAY_MS,
)
CONVERSATIONS = Topic(
    name="conversations.v1",
    description="Every change to every conversation: the public API of Switchboard.",
    key="conversation id",
    events=(
        conversations.ConversationCreated,
        conversations.StatusChanged,
        conversations.OwnerChanged,
        conversations.MessageAdded,
        conversations.MessageDeliveryChanged,
        conversations.MessageDeleted,
        conversations.TagsChanged,
        conversations.TopicsChanged,
        conversations.NoteAdded,
        conversations.NoteRemoved,
    ),
    producers=("conversation-svc",),
    consumers=(),
    followers=("console-svc",),
    partitions=12,
    retention_ms=30 * DAY_MS,
)
REPLIES_REQUESTED = Topic(
    name="replies.requested.v1",
    description="Replies agents asked to send; channel-svc delivers them to Twitter.",
    key="conversation id",
    events=(replies.ReplyRequested,),
    producers=("conversation-svc",),
    consumers=("channel-svc",),
    partitions=6,
)
REPLIES_RESULTS = Topic(
    name="replies.results.v1",
    description="Whether each requested reply was sent (with its Twitter id) or failed.",
    key="conversation id",
    events=(replies.ReplySent, replies.ReplyFailed),
    producers=("channel-svc",),
    consumers=("conversation-svc",),
    partitions=6,
)

TOPICS: tuple[Topic, ...] = (
    TWITTER_WEBHOOKS_RAW,
    TWITTER_ACTIVITY,
    CHANNELS,
    ACCESS,
    CONVERSATIONS,
    REPLIES_REQUESTED,
    REPLIES_RESULTS,
)


def dead_letter_topic(source: Topic) -> Topic:
    """The DLQ of a consumed topic: same key, longer retention, a person reads it."""
    return Topic(
        name=source.dlq,
        description=f"Messages of {source.name} that a consumer could never process.",
        key=source.key,
        events=(DeadLetter,),
        producers=source.consumers,
        consumers=(),
        partitions=1,
        retention_ms=30 * DAY_MS,
        org_scoped=False,
    )


DEAD_LETTER_TOPICS: tuple[Topic, ...] = tuple(dead_letter_topic(t) for t in TOPICS if t.consumers)
ALL_TOPICS: tuple[Topic, ...] = TOPICS + DEAD_LETTER_TOPICS


def topic_named(name: str) -> Topic:
    for topic in ALL_TOPICS:
        if topic.name == name:
            return topic
    raise KeyError(name)
