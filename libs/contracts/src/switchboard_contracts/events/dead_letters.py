"""`<topic>.dlq`: a message a consumer could never process, with the reason."""

import uuid
from typing import Literal

from pydantic import AwareDatetime, Field

from switchboard_contracts.envelope import ContractModel, Event, SchemaVersion


class DeadLetterPayload(ContractModel):
    source_topic: str
    partition: int
    offset: int
    key: str | None = Field(description="UTF-8 key, or base64 when not UTF-8")
    value: str = Field(description="UTF-8 value, or base64 when not UTF-8")
    value_encoding: Literal["utf-8", "base64"]
    headers: dict[str, str] = Field(default_factory=dict)
    consumer_group: str
    error_type: str = Field(description="e.g. validation_error, unknown_event_type, handler_error")
    error: str = Field(description="What went wrong, for a person")
    failed_at: AwareDatetime
    original_event_id: uuid.UUID | None = None


class DeadLetter(Event[DeadLetterPayload]):
    type: Literal["dead_letter"] = "dead_letter"
    schema_version: SchemaVersion = 1
