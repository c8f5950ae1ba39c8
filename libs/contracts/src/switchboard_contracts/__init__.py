"""Switchboard's contracts: every message that crosses a service boundary."""

from switchboard_contracts.envelope import Actor, ContractModel, Event, Subject, twitter_event_id
from switchboard_contracts.topics import ALL_TOPICS, TOPICS, Topic, topic_named

__all__ = [
    "ALL_TOPICS",
    "TOPICS",
    "Actor",
    "ContractModel",
    "Event",
    "Subject",
    "Topic",
    "topic_named",
    "twitter_event_id",
]
