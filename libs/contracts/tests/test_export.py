"""`python -m switchboard_contracts.export`: the committed files are up to date, and the
export refuses to overwrite a committed schema with one that breaks consumers."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from switchboard_contracts.export.cli import main
from switchboard_contracts.export.paths import ASYNCAPI, EVENTS_MD, repo_root, schema_path
from switchboard_contracts.topics import ALL_TOPICS, REPLIES_RESULTS

ROOT = repo_root()
FAILED = schema_path(REPLIES_RESULTS.name, "reply.failed")


@pytest.mark.unit
def test_the_committed_files_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--check"])
    assert status == 0, f"{capsys.readouterr().err}\nrun `make contracts` and commit"


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """A fresh root holding everything the export writes."""
    assert main(["--root", str(tmp_path)]) == 0
    return tmp_path


def edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.unit
def test_an_export_is_complete_and_checks_clean(exported: Path) -> None:
    for topic in ALL_TOPICS:
        for event_type in topic.event_types:
            assert (exported / schema_path(topic.name, event_type)).is_file()
    assert main(["--check", "--root", str(exported)]) == 0


@pytest.mark.unit
def test_check_reports_a_stale_file_and_writes_nothing(
    exported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (exported / EVENTS_MD).write_text("# edited by hand\n", encoding="utf-8")
    assert main(["--check", "--root", str(exported)]) == 1
    assert str(EVENTS_MD) in capsys.readouterr().err
    assert (exported / EVENTS_MD).read_text(encoding="utf-8") == "# edited by hand\n"


@pytest.mark.unit
def test_a_breaking_change_is_refused_and_nothing_is_written(
    exported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As if the committed schema had a reason the current model no longer has.
    def add_reason(schema: dict[str, Any]) -> None:
        schema["$defs"]["ReplyFailedPayload"]["properties"]["reason"]["enum"].append("timeout")

    edit(exported / FAILED, add_reason)
    committed = (exported / FAILED).read_text(encoding="utf-8")
    (exported / ASYNCAPI).unlink()
    capsys.readouterr()

    assert main(["--root", str(exported)]) == 1
    err = capsys.readouterr().err
    assert f'{FAILED}: $.payload.reason: enum value "timeout" removed' in err
    assert "type_narrowed" in err
    assert (exported / FAILED).read_text(encoding="utf-8") == committed
    assert not (exported / ASYNCAPI).exists()
    assert main(["--check", "--root", str(exported)]) == 1


@pytest.mark.unit
def test_a_compatible_change_is_written(exported: Path) -> None:
    # As if the committed schema predated the optional `failure_reason`.
    path = exported / schema_path("conversations.v1", "conversation.message_delivery_changed")

    def drop_optional(schema: dict[str, Any]) -> None:
        del schema["$defs"]["MessageDeliveryChangedPayload"]["properties"]["failure_reason"]

    edit(path, drop_optional)
    assert main(["--check", "--root", str(exported)]) == 1
    assert main(["--root", str(exported)]) == 0
    assert main(["--check", "--root", str(exported)]) == 0


@pytest.mark.unit
def test_an_event_type_removed_from_a_live_topic_is_refused(
    exported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = schema_path(REPLIES_RESULTS.name, "reply.cancelled")
    shutil.copy(exported / FAILED, exported / gone)
    assert main(["--root", str(exported)]) == 1
    assert f"{gone}: event type 'reply.cancelled' removed" in capsys.readouterr().err
    assert (exported / gone).is_file()


@pytest.mark.unit
def test_another_major_version_is_not_compared_and_retired_topics_are_cleaned(
    exported: Path,
) -> None:
    retired = exported / "libs/contracts/schemas/replies.results.v0/reply.failed.json"
    retired.parent.mkdir()
    retired.write_text(json.dumps({"type": "string"}), encoding="utf-8")
    assert main(["--check", "--root", str(exported)]) == 1
    assert main(["--root", str(exported)]) == 0
    assert not retired.parent.exists()


# -- the documents themselves --


def asyncapi() -> dict[str, Any]:
    text = (ROOT / ASYNCAPI).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(
        "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    )
    return document


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


@pytest.mark.unit
def test_asyncapi_describes_every_topic_and_event() -> None:
    document = asyncapi()
    assert document["asyncapi"] == "3.0.0"
    channels = document["channels"]
    assert sorted(c["address"] for c in channels.values()) == sorted(t.name for t in ALL_TOPICS)
    for topic in ALL_TOPICS:
        (channel,) = (c for c in channels.values() if c["address"] == topic.name)
        assert sorted(m["name"] for m in channel["messages"].values()) == sorted(topic.event_types)
        binding = channel["bindings"]["kafka"]
        assert binding["partitions"] == topic.partitions
        assert binding["topicConfiguration"]["cleanup.policy"] == [topic.cleanup_policy]


@pytest.mark.unit
def test_asyncapi_references_all_resolve_and_operations_match_the_catalogue() -> None:
    document = asyncapi()
    for ref in refs(document):
        assert ref.startswith("#/"), ref
        resolve(document, ref)
    expected = {
        (service, action, topic.name)
        for topic in ALL_TOPICS
        for action, services in (("send", topic.producers), ("receive", topic.consumers))
        for service in services
    }
    actual = set()
    for operation in document["operations"].values():
        channel_ref = operation["channel"]["$ref"]
        assert all(m["$ref"].startswith(channel_ref + "/messages/") for m in operation["messages"])
        (service,) = (tag["name"] for tag in operation["tags"])
        actual.add((service, operation["action"], resolve(document, channel_ref)["address"]))
    assert actual == expected


@pytest.mark.unit
def test_events_md_lists_every_topic_and_event_type() -> None:
    text = (ROOT / EVENTS_MD).read_text(encoding="utf-8")
    for topic in ALL_TOPICS:
        assert f"`{topic.name}`" in text
        for event_type in topic.event_types:
            assert f"#### `{event_type}`" in text
