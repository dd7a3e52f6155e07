"""Turns one Kafka record into a validated log event, or into a reason it is not one.

Pure Python, so it is unit-tested without Spark and runs inside the parse stage's pandas UDF.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.contract import normalise_level
from streaming.formats import parse_line

__all__ = ["Parsed", "event_id", "parse_record", "parse_timestamp"]

_OPTIONAL_STRINGS = ("host", "logger", "trace_id", "span_id", "env", "version")
_EXCEPTION_KEYS = ("type", "message", "stacktrace")


def event_id(topic: str, partition: int, offset: int) -> str:
    """Deterministic id of a record: re-processing the same offset always yields the same document id."""
    return hashlib.sha1(f"{topic}/{partition}/{offset}".encode()).hexdigest()[:32]


def parse_timestamp(value: str) -> datetime | None:
    """An aware UTC datetime from an RFC 3339 string (a missing offset is taken as UTC), else None."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


@dataclass
class Parsed:
    """A parsed event (``error`` is None) or the reason the record is not one."""

    fields: dict[str, Any]
    format: str
    error: str | None = None


def _bad(reason: str) -> Parsed:
    return Parsed(fields={}, format="invalid", error=reason)


def _validate_json_event(obj: Any) -> Parsed:
    if not isinstance(obj, dict):
        return _bad(f"JSON value is a {type(obj).__name__}, not an object")
    fields: dict[str, Any] = {}
    for name in ("timestamp", "level", "service", "message"):
        if name not in obj or obj[name] is None:
            return _bad(f"required field '{name}' is missing")
        if not isinstance(obj[name], str):
            return _bad(f"field '{name}' must be a string, got {type(obj[name]).__name__}")
    ts = parse_timestamp(obj["timestamp"])
    if ts is None:
        return _bad(f"field 'timestamp' is not an RFC 3339 time: {obj['timestamp'][:64]!r}")
    level = normalise_level(obj["level"])
    if level is None:
        return _bad(f"field 'level' has unknown value {obj['level'][:32]!r}")
    if not obj["service"].strip():
        return _bad("field 'service' is empty")
    fields.update(timestamp=ts, level=level, service=obj["service"].strip(), message=obj["message"])
    for name in _OPTIONAL_STRINGS:
        value = obj.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return _bad(f"field '{name}' must be a string, got {type(value).__name__}")
        fields[name] = str(value)
    exc = obj.get("exception")
    if exc is not None:
        if not isinstance(exc, dict):
            return _bad(f"field 'exception' must be an object, got {type(exc).__name__}")
        fields["exception"] = {k: None if exc.get(k) is None else str(exc.get(k)) for k in _EXCEPTION_KEYS}
    attrs = obj.get("attributes")
    if attrs is not None:
        if not isinstance(attrs, dict):
            return _bad(f"field 'attributes' must be an object, got {type(attrs).__name__}")
        fields["attributes"] = attrs
    return Parsed(fields=fields, format="json")


def _raw_event(text: str, key: str | None, kafka_timestamp: datetime | None) -> Parsed:
    raw = parse_line(text, now=kafka_timestamp)
    timestamp = raw.timestamp or kafka_timestamp
    if timestamp is None:
        return _bad("raw line has no timestamp and the record has no Kafka timestamp")
    fields: dict[str, Any] = {
        "timestamp": timestamp,
        "level": raw.level or "INFO",
        # A service the line names (syslog tag) wins over the producer's key; 'unknown' is the last resort.
        "service": raw.service or key or "unknown",
        "message": raw.message,
    }
    for name in ("host", "logger"):
        if getattr(raw, name):
            fields[name] = getattr(raw, name)
    if raw.attributes:
        fields["attributes"] = dict(raw.attributes)
    return Parsed(fields=fields, format=raw.format)


def parse_record(value: bytes | None, key: bytes | None = None, kafka_timestamp: datetime | None = None) -> Parsed:
    """Parse a record's value: a JSON event (docs/design.md), a raw line in a known format, or why it is neither.

    :param value: the record's bytes as they came from Kafka.
    :param key: the record's key: the service of a raw line that does not name one.
    :param kafka_timestamp: the record's time: the timestamp of a raw line that carries none.
    """
    if value is None:
        return _bad("record has no value")
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _bad(f"value is not valid UTF-8 (byte {exc.start})")
    stripped = text.strip()
    if not stripped:
        return _bad("value is empty")
    if not stripped.startswith("{"):
        service = key.decode("utf-8", "replace").strip() if key else None
        return _raw_event(stripped, service or None, kafka_timestamp)
    try:
        obj = json.loads(stripped)
    except json.JSONDecodeError as exc:
        return _bad(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    except RecursionError:
        return _bad("invalid JSON: nested too deeply")
    return _validate_json_event(obj)
