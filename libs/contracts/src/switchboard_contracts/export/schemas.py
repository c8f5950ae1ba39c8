"""The committed JSON Schema of each event: deterministic text, so a diff means a change."""

import json
from pathlib import PurePosixPath
from typing import Any

from switchboard_contracts.envelope import Event
from switchboard_contracts.export.paths import schema_path
from switchboard_contracts.topics import ALL_TOPICS

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def event_schema(model: type[Event[Any]]) -> dict[str, Any]:
    """What a consumer validates against: the validation-mode schema."""
    return {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema(mode="validation")}


def render_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_files() -> dict[PurePosixPath, str]:
    return {
        schema_path(topic.name, event_type): render_json(event_schema(model))
        for topic in ALL_TOPICS
        for event_type, model in zip(topic.event_types, topic.events, strict=True)
    }
