"""What the export would write, what it would delete, and what it must refuse to do."""

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from switchboard_contracts.compat import Compatibility, breaking_changes
from switchboard_contracts.export.asyncapi import render_asyncapi
from switchboard_contracts.export.markdown import render_events_md
from switchboard_contracts.export.paths import ASYNCAPI, EVENTS_MD, SCHEMAS, schema_path
from switchboard_contracts.export.schemas import schema_files
from switchboard_contracts.topics import ALL_TOPICS, Topic


@dataclass(frozen=True)
class Plan:
    files: dict[PurePosixPath, str]  # every generated file, relative to the root
    stale: tuple[PurePosixPath, ...]  # committed schemas of topics the catalogue retired
    refusals: tuple[str, ...]  # changes to committed schemas that break consumers

    def outdated(self, root: Path) -> list[PurePosixPath]:
        """Generated files missing or different on disk, and stale ones."""
        changed = [path for path, text in self.files.items() if _read(root / path) != text]
        return sorted([*changed, *self.stale])


def make_plan(root: Path) -> Plan:
    files = {**schema_files(), EVENTS_MD: render_events_md(), ASYNCAPI: render_asyncapi(root)}
    refusals: list[str] = []
    for topic in ALL_TOPICS:
        for event_type in topic.event_types:
            path = schema_path(topic.name, event_type)
            committed = _read(root / path)
            if committed is not None:
                changes = breaking_changes(
                    json.loads(committed), json.loads(files[path]), topic.compatibility
                )
                refusals += [f"{path}: {change}" for change in changes]
    stale: list[PurePosixPath] = []
    topics = {topic.name: topic for topic in ALL_TOPICS}
    for path in _committed_schemas(root):
        if path in files:
            continue
        owner = topics.get(path.parent.name)
        if owner is None or owner.compatibility is Compatibility.FORWARD:
            stale.append(path)  # a retired topic, or a removal only new readers would mind
        else:
            refusals.append(_removed(path, owner))
    return Plan(files, tuple(stale), tuple(refusals))


def _removed(path: PurePosixPath, topic: Topic) -> str:
    return (
        f"{path}: event type '{path.stem}' removed from {topic.name}: consumers on the new "
        "catalogue could not read the events already on the topic (keep it, or publish the "
        "change on a new major version of the topic)"
    )


def _committed_schemas(root: Path) -> list[PurePosixPath]:
    folder = root / SCHEMAS
    return sorted(
        PurePosixPath(path.relative_to(root).as_posix()) for path in folder.glob("*/*.json")
    )


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None
