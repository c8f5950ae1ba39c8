"""Chatty libraries' repeated lines: one per window, the next one counting those left out."""

import logging

import pytest

from switchboard_platform.logs import RepeatedLines

pytestmark = pytest.mark.unit


def _record(name: str, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, None)


def test_a_repeated_library_line_passes_once_a_window_and_then_counts_the_rest() -> None:
    now = [0.0]
    lines = RepeatedLines(window=5.0, clock=lambda: now[0])
    unable = "Unable connect to node with id %s: %s"
    passed = [lines.filter(_record("aiokafka", unable, 1, "refused")) for _ in range(1000)]
    assert passed.count(True) == 1
    assert passed[0] is True
    now[0] = 5.0
    again = _record("aiokafka", unable, 1, "refused")
    assert lines.filter(again)
    assert (
        again.getMessage()
        == "Unable connect to node with id 1: refused [999 more like this left out]"
    )


def test_other_lines_and_other_loggers_pass() -> None:
    lines = RepeatedLines(window=5.0, clock=lambda: 0.0)
    assert lines.filter(_record("aiokafka.producer.sender", "Got error produce response: %s", "x"))
    assert lines.filter(_record("aiokafka", "Unable to update metadata from %s", [1]))
    for _ in range(3):  # not a chatty library: every line
        assert lines.filter(_record("switchboard_ingest.adapters.broker", "kafka start failed"))
    assert not lines.filter(_record("aiokafka", "Unable to update metadata from %s", [1]))
