"""Turns one Kafka record into a validated log event, or into a reason it is not one.

A JSON object with all four of our required fields (``timestamp``, ``level``, ``service``, ``message``) is one
of our events and is validated as docs/design.md says: a wrong value there is a producer's bug, dead-lettered
with its reason. Any other JSON object is a log of another schema (bunyan, zap, ECS, journald, ...), read by
streaming.jsonlog. Anything that is not JSON is a raw line (streaming.formats). A line of a Kubernetes node's
container log (CRI: ``<time> stdout F <line>``) is unwrapped first: the container's own line is read as above.
Pure Python, so it is unit-tested without Spark and runs inside the parse stage's pandas UDF.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from core.contract import normalise_level
from core.surrogates import may_hold_lone_surrogates, without_lone_surrogates
from streaming.formats import parse_line
from streaming.jsonlog import DECODER, parse_timestamp, read_json_object, split_container_line
from streaming.zones import UTC_ONLY, Zones

__all__ = ["DECLARED_ID", "Parsed", "declared_event_id", "event_id", "parse_record", "parse_timestamp"]

_REQUIRED = ("timestamp", "level", "service", "message")
_OPTIONAL_STRINGS = ("host", "logger", "trace_id", "span_id", "env", "version")
_EXCEPTION_KEYS = ("type", "message", "stacktrace")


def event_id(topic: str, partition: int, offset: int, cluster: str = "") -> str:
    """Deterministic id of a record: re-processing the same offset always yields the same document id.

    :param cluster: the Kafka cluster's id: offsets start again at 0 on a new cluster or a re-created topic,
        and the documents of the old one must not be overwritten by the new one's (audit M8.1). Empty where no
        broker is involved (``streaming.inspect``).
    """
    position = f"{topic}/{partition}/{offset}"
    return hashlib.sha1(f"{cluster}/{position}".encode() if cluster else position.encode()).hexdigest()[:32]


# A shipper that delivers at least once (rsyslog's omkafka resends what was in flight when Kafka went away) may
# name each line with a unique id, ECS's ``event.id``: the copies of a line then make one document.
DECLARED_ID = "event.id"


def declared_event_id(topic: str, declared: str, value: bytes, cluster: str = "") -> str:
    """The document id of a record that names its own id (:data:`DECLARED_ID`): the same for each copy of it,
    wherever on the topic they landed. The record's bytes are part of it, so two different records that reuse an
    id still make two documents."""
    digest = hashlib.sha1(value).hexdigest()
    return hashlib.sha1(f"{cluster}/{topic}/{DECLARED_ID}={declared}/{digest}".encode()).hexdigest()[:32]


@dataclass
class Parsed:
    """A parsed event (``error`` is None) or the reason the record is not one."""

    fields: dict[str, Any]
    format: str
    error: str | None = None


def _bad(reason: str) -> Parsed:
    return Parsed(fields={}, format="invalid", error=reason)


def _validate_json_event(obj: dict[str, Any]) -> Parsed:
    fields: dict[str, Any] = {}
    for name in _REQUIRED:
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


def _raw_event(text: str, key: str | None, kafka_timestamp: datetime | None, zone: tzinfo) -> Parsed:
    raw = parse_line(text, now=kafka_timestamp, zone=zone)
    timestamp = raw.timestamp or kafka_timestamp
    if timestamp is None:
        return _bad("raw line has no timestamp and the record has no Kafka timestamp")
    return Parsed(fields=raw.fields(timestamp, key), format=raw.format)


def _key_service(key: bytes | None) -> str | None:
    # Decoded only where it is used: our own events name their service, and they are most records.
    return (key.decode("utf-8", "replace").strip() or None) if key else None


def parse_record(
    value: bytes | None,
    key: bytes | None = None,
    kafka_timestamp: datetime | None = None,
    zones: Zones = UTC_ONLY,
) -> Parsed:
    """Parse a record's value: our JSON event (docs/design.md), a JSON log of another schema, a raw line, or why
    it is none of them.

    :param value: the record's bytes as they came from Kafka.
    :param key: the record's key: the service of a raw line or foreign JSON log that does not name one.
    :param kafka_timestamp: the record's time: the timestamp of a raw line or foreign JSON log that carries none.
    :param zones: the zone of zone-less times, by the record's key; our own events name theirs (UTC if not).
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
    container = split_container_line(stripped)
    if container is not None:
        return _container_line(*container, key, kafka_timestamp, zones)
    return _parse_text(stripped, key, kafka_timestamp, zones)


def _container_line(
    inner: str,
    runtime_time: datetime | None,
    stream: dict[str, str],
    key: bytes | None,
    kafka_timestamp: datetime | None,
    zones: Zones,
) -> Parsed:
    """The container's own line of a CRI log line, read as a record is, and the stream (and a partial line) in
    ``attributes``. Its time is the runtime's, exact and zoned, over a header's, which may lack a zone; a JSON
    line's own comes first (as for a runtime's line inside a shipper's JSON, streaming.jsonlog)."""
    if not inner:
        return _bad("container log line has no text after its header")
    parsed = _parse_text(inner, key, runtime_time or kafka_timestamp, zones)
    if parsed.error is None:
        if runtime_time is not None and parsed.format != "json":
            parsed.fields["timestamp"] = runtime_time
        attributes = parsed.fields.setdefault("attributes", {})
        for name, value in stream.items():
            attributes.setdefault(name, value)
    return parsed


def _parse_text(stripped: str, key: bytes | None, kafka_timestamp: datetime | None, zones: Zones) -> Parsed:
    """:func:`parse_record` of a decoded, stripped, non-empty value."""
    if not stripped.startswith("{"):
        service = _key_service(key)
        return _raw_event(stripped, service, kafka_timestamp, zones.of(service))
    try:
        obj = DECODER.decode(stripped)
    except json.JSONDecodeError as exc:
        return _bad(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    except RecursionError:
        return _bad("invalid JSON: nested too deeply")
    except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        return _bad("invalid JSON: a number too long to read")
    if not isinstance(obj, dict):  # unreachable for text that starts with "{", kept for the type checker
        return _bad(f"JSON value is a {type(obj).__name__}, not an object")
    if may_hold_lone_surrogates(stripped):
        obj = without_lone_surrogates(obj)
    # Spelled out, not all(...) over _REQUIRED: this runs for every one of our events.
    get = obj.get
    if (
        get("timestamp") is not None
        and get("level") is not None
        and get("service") is not None
        and get("message") is not None
    ):
        return _validate_json_event(obj)
    try:
        service = _key_service(key)
        result = read_json_object(obj, service, kafka_timestamp, zone=zones.of(service))
    except RecursionError:
        return _bad("JSON value is nested too deeply to read")
    if isinstance(result, str):
        return _bad(result)
    return Parsed(fields=result, format="json")
