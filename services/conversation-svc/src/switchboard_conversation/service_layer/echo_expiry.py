"""Held echoes past the time limit (`EchoHold`) become posts from the Twitter app.

An echo is held while a reply it may be awaits its result; when that result never comes
(the request dead-lettered, channel-svc down for good) the sweep releases it. Every replica
sweeps: each batch locks its conversations (SKIP LOCKED: another replica's batch, or a
handler holding one, is skipped, never waited on) and releases, under that lock, what is
still held, so each echo is released once, with the events a release after a result has.
"""

from switchboard_conversation import metrics
from switchboard_conversation.domain.messages import EchoHold
from switchboard_conversation.service_layer.context import ConversationContext
from switchboard_conversation.service_layer.twitter_activity import release_held_echoes


async def release_expired_echoes(
    context: ConversationContext, hold: EchoHold, *, batch_size: int = 500
) -> int:
    """Release every echo held past `hold.limit` now; how many."""
    total = 0
    while True:
        async with context.unit_of_work() as uow:
            held_before = hold.held_before(context.clock())
            batch = await uow.conversations.holding_echoes_for_update(held_before, batch_size)
            released = 0
            for conversation in batch:
                released += await release_held_echoes(uow, conversation, held_before=held_before)
        metrics.HELD_ECHOES_RELEASED.inc(released)  # committed
        total += released
        if len(batch) < batch_size:
            return total
