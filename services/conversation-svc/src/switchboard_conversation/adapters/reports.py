"""A channel's report over a time range, computed in SQL (DOMAIN.md, "Reports").

- created / reopened / resolved (by hand: an agent's move or a reply's "then"; auto):
  status changes recorded in the history within [start, end);
- queue sizes: now;
- first response time: for conversations created in the range, from creation to the
  first reply an agent asked for (seconds; median and 90th percentile);
- resolution time: for each resolution in the range, from the moment the conversation
  last entered New (created or reopened) before it;
- replies per agent: replies agents asked for in the range.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class Report:
    created: int
    reopened: int
    resolved_by_hand: int
    auto_resolved: int
    queues: dict[str, int]
    first_response_seconds: tuple[float | None, float | None]
    resolution_seconds: tuple[float | None, float | None]
    replies_per_agent: dict[str, int]


_COUNTS = text("""
SELECT
  count(*) FILTER (WHERE type = 'conversation.created') AS created,
  count(*) FILTER (WHERE reason = 'inbound' AND to_status = 'new') AS reopened,
  count(*) FILTER (WHERE to_status = 'resolved' AND reason IN ('agent', 'reply')) AS by_hand,
  count(*) FILTER (WHERE to_status = 'resolved' AND reason = 'auto_resolve') AS auto
FROM conversation_history
WHERE channel_id = :channel AND occurred_at >= :start AND occurred_at < :end
""")

_QUEUES = text("""
SELECT status, count(*) AS n FROM conversations
WHERE org_id = :org AND channel_id = :channel GROUP BY status
""")

_FIRST_RESPONSE = text("""
WITH firsts AS (
  SELECT extract(epoch FROM min(m.created_at) - c.created_at) AS seconds
  FROM conversations c
  JOIN messages m ON m.conversation_id = c.id
   AND m.direction = 'outbound' AND m.author_user_id IS NOT NULL
  WHERE c.org_id = :org AND c.channel_id = :channel
    AND c.created_at >= :start AND c.created_at < :end
  GROUP BY c.id, c.created_at
)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) AS p90
FROM firsts
""")

_RESOLUTION = text("""
WITH resolutions AS (
  SELECT r.occurred_at - (
      SELECT max(o.occurred_at) FROM conversation_history o
      WHERE o.conversation_id = r.conversation_id AND o.revision < r.revision
        AND (o.type = 'conversation.created' OR (o.reason = 'inbound' AND o.to_status = 'new'))
  ) AS took
  FROM conversation_history r
  WHERE r.channel_id = :channel AND r.to_status = 'resolved'
    AND r.occurred_at >= :start AND r.occurred_at < :end
)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM took)) AS median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM took)) AS p90
FROM resolutions WHERE took IS NOT NULL
""")

_REPLIES = text("""
SELECT m.author_user_id AS agent, count(*) AS n
FROM messages m JOIN conversations c ON c.id = m.conversation_id
WHERE c.org_id = :org AND c.channel_id = :channel
  AND m.direction = 'outbound' AND m.author_user_id IS NOT NULL
  AND m.created_at >= :start AND m.created_at < :end
GROUP BY m.author_user_id
""")


async def channel_report(
    session: AsyncSession, org_id: uuid.UUID, channel_id: uuid.UUID, start: datetime, end: datetime
) -> Report:
    params: dict[str, Any] = {"org": org_id, "channel": channel_id, "start": start, "end": end}
    counts = (await session.execute(_COUNTS, params)).one()
    queues = {"new": 0, "pending": 0, "resolved": 0}
    queues.update({row.status: row.n for row in await session.execute(_QUEUES, params)})
    first = (await session.execute(_FIRST_RESPONSE, params)).one()
    resolution = (await session.execute(_RESOLUTION, params)).one()
    replies = {str(row.agent): row.n for row in await session.execute(_REPLIES, params)}
    return Report(
        created=counts.created,
        reopened=counts.reopened,
        resolved_by_hand=counts.by_hand,
        auto_resolved=counts.auto,
        queues=queues,
        first_response_seconds=(_float(first.median), _float(first.p90)),
        resolution_seconds=(_float(resolution.median), _float(resolution.p90)),
        replies_per_agent=replies,
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
