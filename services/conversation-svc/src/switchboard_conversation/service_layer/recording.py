"""Storing changed conversations with their history and conversations.v1 events."""

import uuid

from switchboard_contracts.envelope import Actor
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.domain.conversation import Conversation
from switchboard_conversation.service_layer.published_events import conversation_events


async def record(
    uow: UnitOfWork,
    conversations: list[Conversation],
    *,
    actor: Actor,
    correlation_id: uuid.UUID,
    causation_id: uuid.UUID | None = None,
) -> None:
    """Within the caller's transaction; conversations without changes are left alone."""
    changed = [c for c in conversations if c.changes]
    events = [
        event
        for conversation in changed
        for event in conversation_events(
            conversation.changes,
            actor=actor,
            correlation_id=correlation_id,
            causation_id=causation_id,
        )
    ]
    await uow.commit_changes(changed, events)
    for conversation in changed:
        conversation.changes.clear()
