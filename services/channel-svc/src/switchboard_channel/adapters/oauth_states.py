"""Authorizations in progress: the state of each OAuth round trip, used once."""

from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_channel.adapters import tables
from switchboard_channel.domain.oauth import OAuthState


class OAuthStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, state: OAuthState) -> None:
        await self._session.execute(
            insert(tables.oauth_states).values(
                state=state.state,
                org_id=state.org_id,
                user_id=state.user_id,
                channel_id=state.channel_id,
                request_token=state.request_token,
                request_token_secret_encrypted=state.request_token_secret_encrypted,
                expires_at=state.expires_at,
            )
        )

    async def take(self, state: str) -> OAuthState | None:
        """Remove and return the state (single use): a second callback finds nothing."""
        s = tables.oauth_states
        row = (
            await self._session.execute(delete(s).where(s.c.state == state).returning(*s.c))
        ).first()
        if row is None:
            return None
        return OAuthState(
            state=row.state,
            org_id=row.org_id,
            user_id=row.user_id,
            channel_id=row.channel_id,
            request_token=row.request_token,
            request_token_secret_encrypted=bytes(row.request_token_secret_encrypted),
            expires_at=row.expires_at,
        )

    async def purge_expired(self, now: datetime) -> None:
        s = tables.oauth_states
        await self._session.execute(delete(s).where(s.c.expires_at < now))
