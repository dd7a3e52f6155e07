"""Small helpers shared by the producer tests."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

__all__ = ["decode_all", "unique", "wait_until", "assert_event_schema"]

REQUIRED = ("timestamp", "level", "service", "message")
OPTIONAL_STRINGS = ("host", "logger", "trace_id", "span_id", "env", "version")
LEVELS = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"}


def decode_all(values: list[bytes]) -> list[dict[str, Any]]:
    return [json.loads(v) for v in values]


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def wait_until(predicate: Callable[[], bool], timeout_s: float, step_s: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step_s)
    return predicate()


def assert_event_schema(event: dict[str, Any]) -> None:
    """The docs/design.md log event contract, checked independently of the producer's own code."""
    from datetime import datetime

    for name in REQUIRED:
        assert isinstance(event.get(name), str), f"{name} missing or not a string in {event}"
    stamp = datetime.fromisoformat(event["timestamp"])
    assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 0, event["timestamp"]
    assert event["level"] in LEVELS
    assert event["service"].strip()
    for name in OPTIONAL_STRINGS:
        if name in event:
            assert isinstance(event[name], str), name
    if "exception" in event:
        assert set(event["exception"]) >= {"type", "message", "stacktrace"}
    if "attributes" in event:
        assert isinstance(event["attributes"], dict)
    unknown = set(event) - set(REQUIRED) - set(OPTIONAL_STRINGS) - {"exception", "attributes"}
    assert not unknown, f"fields outside the contract: {unknown}"
