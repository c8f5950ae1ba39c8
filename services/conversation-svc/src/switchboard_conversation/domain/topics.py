"""An entry of the organization's list of topics (kept by its admins)."""

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Topic:
    id: uuid.UUID
    name: str
    created_at: datetime
