"""An authorization in progress: what the OAuth round trip's callback is checked against."""

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OAuthState:
    state: str
    org_id: uuid.UUID
    user_id: uuid.UUID
    channel_id: uuid.UUID | None
    request_token: str
    request_token_secret_encrypted: bytes
    expires_at: datetime
