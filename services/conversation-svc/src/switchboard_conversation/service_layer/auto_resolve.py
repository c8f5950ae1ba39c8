"""The auto-resolve sweep: stale New and Pending conversations move to Resolved.

One replica at a time sweeps (a transaction-level advisory lock per batch); each batch
locks its conversations (SKIP LOCKED, so agents' actions are never waited on for long),
resolves them with reason `auto_resolve` (which removes ownership), and stores them with
their events in one transaction. The clock is injected, so tests move time. `sweeper.py`
runs it periodically.
"""

import uuid

from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import Actor
from switchboard_conversation import metrics
from switchboard_conversation.service_layer.context import ConversationContext
from switchboard_conversation.service_layer.recording import record

SWEEP_LOCK_KEY = 0x5B0_A7E5  # one per database; distinct from the outbox relay's
ACTOR = Actor(kind=ActorKind.SYSTEM, id="auto_resolve")


async def sweep(context: ConversationContext, *, batch_size: int = 500) -> int:
    """Resolve every stale conversation now; how many. 0 when another replica holds it."""
    total = 0
    correlation_id = uuid.uuid4()
    while True:
        async with context.unit_of_work() as uow:
            if not await uow.try_lock(SWEEP_LOCK_KEY):
                return total
            now = context.clock()
            stale = await uow.conversations.stale_for_update(now, batch_size)
            for conversation in stale:
                conversation.auto_resolve(at=now)
            await record(uow, stale, actor=ACTOR, correlation_id=correlation_id)
        metrics.AUTO_RESOLVED.inc(len(stale))  # committed
        total += len(stale)
        if len(stale) < batch_size:
            return total
