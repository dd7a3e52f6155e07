"""JSON log lines of any schema (bunyan, pino, zap, zerolog, structlog, python-json-logger, ECS, journald,
OpenTelemetry, Docker json-file, GELF, ...) mapped onto the event fields of docs/design.md.

The object is flattened to dotted keys first, so ECS's ``{"log": {"level": "info"}}`` and ``{"log.level":
"info"}`` read alike, and keys are looked up case-insensitively (journald's ``MESSAGE``, the OTel data model's
``Body``). Each event field takes the first key of its list that holds a usable value; what no field took
goes to ``attributes``. Nothing here keys on one schema's name: the lists are the common spellings, and a
schema only decides how to read a number (a numeric level's scale) where its own keys say which it is.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import Any, TypeVar

from core.contract import normalise_level
from streaming.bounds import MAX_DEPTH, field_name
from streaming.formats import parse_line
from streaming.formats.traces import EXCEPTION_LINE

__all__ = ["DECODER", "MAX_ATTRIBUTES", "parse_timestamp", "read_json_object", "split_container_line"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

# NaN and Infinity are not JSON; read as text, they cannot make a document unserializable later. One decoder
# for every record: json.loads with an option builds a new one per call.
DECODER = json.JSONDecoder(parse_constant=str)
# What a container runtime (containerd, CRI-O) writes to /var/log/containers/*.log for each line a container prints:
# its time, the stream, F for a full line or P for part of a longer one (the rest follows in the next lines).
_CRI = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) ([FP])(?: |$)")
# Attributes kept per event; the rest is counted in ``dropped_attributes_count`` (OTel's name for the same).
MAX_ATTRIBUTES = 200


def _norm(key: str) -> str:
    """How keys are compared: case and underscores ignored (``trace_id``, ``traceId``, ``TRACE_ID``)."""
    return key.lower().replace("_", "")


def _keys(*names: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(map(_norm, names)))


# Candidate keys per field, best first (compared as _norm makes them). A key is only taken when its value is
# usable (a message that is a non-empty string, a time that parses, a level that maps), else the next one is.
# "fields.message" and "target" are Rust tracing-subscriber's JSON names for the message and the module.
_MESSAGE_KEYS = _keys("message", "msg", "@m", "short_message", "body", "log", "event", "text", "@mt", "fields.message")
_TIME_KEYS = _keys(
    *"@timestamp timestamp time ts @t t datetime date asctime timeunixnano _source_realtime_timestamp".split(),
    *"__realtime_timestamp observedtimeunixnano".split(),
    *(f"{name}_{unit}" for name in ("timestamp", "time", "ts") for unit in ("ns", "us", "ms")),
)
_SERVICE_KEYS = _keys(
    *"service service.name service_name resource.service.name app application app_name appname".split(),
    "syslog_identifier",
)
_LOGGER_KEYS = _keys("logger", "logger_name", "log.logger", "scope.name", "scope_name", "target", "caller")
_HOST_KEYS = _keys("host", "hostname", "_hostname", "host.name", "host.hostname", "resource.host.name")
_TRACE_KEYS = _keys("trace_id", "trace.id", "dd.trace_id", "@tr", "logging.googleapis.com/trace")
_SPAN_KEYS = _keys("span_id", "span.id", "dd.span_id", "@sp", "logging.googleapis.com/spanid")
_ENV_KEYS = _keys("env", "environment", "deployment.environment", "resource.deployment.environment")
_VERSION_KEYS = _keys("service.version", "resource.service.version")
# Level keys whose numbers are on a scale the key itself names; other level keys read numbers by schema.
_SYSLOG_LEVEL_KEYS = _keys("priority", "syslog.severity", "log.syslog.severity.code")
_OTEL_LEVEL_KEYS = _keys("severity_number")
_LEVEL_KEYS = _keys("level", "log.level", "@l", "severity", "severity_text", "lvl", "level_name", "log_level")

_EXC_TYPE_KEYS = _keys("err.type", "err.name", "error.type", "error.kind", "exception.type", "exception.class")
_EXC_MESSAGE_KEYS = _keys("err.message", "error.message", "exception.message", "error", "err")
_EXC_STACK_KEYS = _keys(
    *"err.stack error.stack_trace error.stack exception.stacktrace exception.stack_trace exception".split(),
    *"exc_info exc_text @x stack stacktrace stack_trace".split(),
)
_OPTIONAL = (
    ("host", _HOST_KEYS),
    ("trace_id", _TRACE_KEYS),
    ("span_id", _SPAN_KEYS),
    ("env", _ENV_KEYS),
    ("version", _VERSION_KEYS),
)
_EXC_ALL = frozenset(_EXC_TYPE_KEYS + _EXC_MESSAGE_KEYS + _EXC_STACK_KEYS)
_LEVEL_ALL = frozenset(_OTEL_LEVEL_KEYS + _SYSLOG_LEVEL_KEYS + _LEVEL_KEYS)
_OPTIONAL_ALL = frozenset(name for _, names in _OPTIONAL for name in names)
_KNOWN = (
    _EXC_ALL
    | _LEVEL_ALL
    | _OPTIONAL_ALL
    | frozenset(_MESSAGE_KEYS + _TIME_KEYS + _SERVICE_KEYS + _LOGGER_KEYS + ("name", "shortmessage"))
)

# Numeric levels. bunyan and pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal (a custom level in
# between takes the one below it). syslog severities (RFC 5424; journald PRIORITY, GELF level): 0 emerg, 1
# alert, 2 crit, 3 err, 4 warning, 5 notice, 6 info, 7 debug. OpenTelemetry SeverityNumber: 1-4 TRACE,
# 5-8 DEBUG, 9-12 INFO, 13-16 WARN, 17-20 ERROR, 21-24 FATAL.
_BUNYAN_LEVELS = {1: "TRACE", 2: "DEBUG", 3: "INFO", 4: "WARN", 5: "ERROR", 6: "CRITICAL"}
_SYSLOG_LEVELS = ("CRITICAL", "CRITICAL", "CRITICAL", "ERROR", "WARN", "INFO", "INFO", "DEBUG")
_OTEL_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL")

# Epoch numbers are read by magnitude (seconds, ms, µs or ns since 1970) and kept only when they land in
# these years: a small number under a key such as "t" is a counter, not 1970.
_EPOCH_MIN_S = datetime(1990, 1, 1, tzinfo=UTC).timestamp()
_EPOCH_MAX_S = datetime(2200, 1, 1, tzinfo=UTC).timestamp()
_NUMERIC = re.compile(r"\d{1,20}(?:\.\d{1,9})?", re.ASCII)

# OpenTelemetry's OTLP/JSON wraps every value: {"stringValue": "x"}, {"intValue": "5"} (64-bit ints as text).
_ANY_SCALARS = frozenset({"stringValue", "boolValue", "doubleValue", "bytesValue"})


def parse_timestamp(value: str, zone: tzinfo = UTC) -> datetime | None:
    """An aware UTC datetime from an RFC 3339 string (a missing offset is read in ``zone``), else None.

    Defined here and re-exported by streaming.event (its home for callers), which imports this module.

    :param value: the text, e.g. ``2026-11-23T10:00:00.123+02:00``.
    """
    try:
        parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def _epoch(number: float) -> datetime | None:
    seconds = abs(number)
    for divisor in (1.0, 1e3, 1e6, 1e9):
        if seconds / divisor < _EPOCH_MAX_S:
            seconds /= divisor
            break
    if not _EPOCH_MIN_S <= seconds < _EPOCH_MAX_S or number < 0:
        return None
    return datetime.fromtimestamp(seconds, UTC)


def _time(value: Any, zone: tzinfo = UTC) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _epoch(value) if math.isfinite(value) else None
    if not isinstance(value, str) or not value:
        return None
    if _NUMERIC.fullmatch(value):
        moment = _epoch(float(value))
        if moment is not None:
            return moment
    return parse_timestamp(value, zone)


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value) < 8:
        return int(value)
    return None


def _level(value: Any, scale: str) -> str | None:
    """The level of a level field's value; ``scale`` says how a number reads (syslog, otel or bunyan)."""
    number = _number(value)
    if number is None:
        return normalise_level(value) if isinstance(value, str) else None
    if scale == "syslog":
        return _SYSLOG_LEVELS[number] if 0 <= number <= 7 else None
    if scale == "otel":
        return _OTEL_LEVELS[(number - 1) // 4] if 1 <= number <= 24 else None
    return _BUNYAN_LEVELS.get(number // 10) if 10 <= number < 70 else None


def _otel_level(value: Any) -> str | None:
    return _level(value, "otel")


def _syslog_level(value: Any) -> str | None:
    return _level(value, "syslog")


def _bunyan_level(value: Any) -> str | None:
    return _level(value, "bunyan")


def _unwrap(value: Any) -> Any:
    """OTLP/JSON's wrappers taken off: AnyValue to its value, a list of {key, value} pairs to an object."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((name, inner),) = value.items()
            if name in _ANY_SCALARS:
                return inner
            if name == "intValue":
                return _number(inner) if _number(inner) is not None else inner
            if name == "arrayValue" and isinstance(inner, dict):
                return [_unwrap(item) for item in inner.get("values") or ()]
            if name == "kvlistValue" and isinstance(inner, dict):
                return _unwrap(inner.get("values") or [])
        return value
    if (
        isinstance(value, list)
        and value
        and all(isinstance(item, dict) and len(item) == 2 and isinstance(item.get("key"), str) for item in value)
        and all("value" in item for item in value)
    ):
        return {item["key"]: _unwrap(item["value"]) for item in value}
    return value


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _scalar_list(value: list[Any]) -> bool:
    return all(isinstance(item, str | int | float) for item in value)


_BAGS = frozenset({"", "resource.", "scope."})


def _flatten(obj: dict[str, Any], prefix: str, depth: int, out: dict[str, Any]) -> None:
    """``obj``'s leaves into ``out`` under dotted keys: scalars and lists of scalars as they are, the rest as
    compact JSON text."""
    for name, raw in obj.items():
        key = f"{prefix}{name}"
        value = _unwrap(raw) if isinstance(raw, dict | list) else raw
        if isinstance(value, dict):
            if not value:
                continue
            if name == "attributes" and prefix in _BAGS:
                # An OpenTelemetry record's or resource's attribute bag: its keys are the record's own.
                _flatten(value, prefix, depth + 1, out)
            elif depth < MAX_DEPTH:
                _flatten(value, key + ".", depth + 1, out)
            else:
                out[key] = _compact(value)
        elif isinstance(value, list):
            out[key] = value if _scalar_list(value) else _compact(value)
        elif value is not None:
            out[key] = value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _otlp_record(obj: dict[str, Any]) -> dict[str, Any] | str:
    """The one log record of an OTLP export (``resourceLogs``), with its resource and scope, or why not."""
    records = []
    for resource_logs in _list(obj.get("resourceLogs")):
        if not isinstance(resource_logs, dict):
            continue
        for scope_logs in _list(resource_logs.get("scopeLogs")):
            if not isinstance(scope_logs, dict):
                continue
            for record in _list(scope_logs.get("logRecords")):
                if isinstance(record, dict):
                    records.append((resource_logs.get("resource"), scope_logs.get("scope"), record))
    if len(records) != 1:
        return (
            f"value is an OpenTelemetry export of {len(records)} log records; logwatch reads one event per "
            "Kafka record, so send one log record per record"
        )
    resource, scope, record = records[0]
    rest = {k: v for k, v in obj.items() if k != "resourceLogs"}
    return {**rest, "resource": resource, "scope": scope, **record}


def _string(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _message_text(value: Any) -> str | None:
    if isinstance(value, str):
        text = value.rstrip("\r\n")
        return text if text.strip() else None
    if isinstance(value, list) and value and all(isinstance(b, int) and 0 <= b < 256 for b in value):
        # journald's JSON output writes a message that is not valid UTF-8 as an array of its bytes.
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


class _Reader:
    """One flattened object, with the keys each field has taken."""

    def __init__(self, flat: dict[str, Any]) -> None:
        self.flat = flat
        # Only the keys some field reads: most keys of most objects are none of them.
        self.lower: dict[str, str] = {}
        for key in flat:
            name = _norm(key)
            if name in _KNOWN and name not in self.lower:
                self.lower[name] = key
        self.taken: set[str] = set()

    def get(self, name: str) -> Any:
        key = self.lower.get(name)
        return None if key is None else self.flat[key]

    def has_any(self, names: frozenset[str]) -> bool:
        return not names.isdisjoint(self.lower)

    def first(self, names: tuple[str, ...], read: Callable[[Any], _T | None]) -> _T | None:
        """The first usable reading of the keys ``names`` (``read`` returns None for unusable values)."""
        if self.lower.keys().isdisjoint(names):  # the usual case, decided in C
            return None
        for name in names:
            key = self.lower.get(name)
            if key is not None:
                result = read(self.flat[key])
                if result is not None:
                    self.taken.add(key)
                    return result
        return None


def _exception(reader: _Reader) -> dict[str, str | None] | None:
    if not reader.has_any(_EXC_ALL):
        return None
    exc_type = reader.first(_EXC_TYPE_KEYS, _string)
    message = reader.first(_EXC_MESSAGE_KEYS, _string)
    stack = reader.first(_EXC_STACK_KEYS, _string)
    if exc_type is None and message is None and stack is None:
        return None
    if exc_type is None and stack is not None:
        lines = stack.splitlines()
        line = lines[-1] if stack.startswith("Traceback") else lines[0]
        m = EXCEPTION_LINE.match(line.strip())
        if m is not None:
            exc_type = m.group(1)
            message = message if message is not None else m.group(2)
    return {"type": exc_type, "message": message, "stacktrace": stack}


def _attributes(reader: _Reader, gelf: bool) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    dropped = 0
    for key, value in reader.flat.items():
        if key in reader.taken:
            continue
        if len(attributes) >= MAX_ATTRIBUTES:
            dropped += 1
            continue
        if gelf and key.startswith("_") and len(key) > 1:
            key = key[1:]  # GELF marks its additional fields with "_"
        if isinstance(value, float) and not math.isfinite(value):
            value = str(value)
        attributes[field_name(key)] = value
    if dropped:
        attributes["dropped_attributes_count"] = dropped
    return attributes


def _read_level(reader: _Reader, gelf: bool) -> str | None:
    """The level, numbers read on the scale their key or schema uses, else None."""
    if not reader.has_any(_LEVEL_ALL):
        return None
    level = reader.first(_OTEL_LEVEL_KEYS, _otel_level)
    if level is None:
        level = reader.first(_SYSLOG_LEVEL_KEYS, _syslog_level)
    if level is None:
        level = reader.first(_LEVEL_KEYS, _syslog_level if gelf else _bunyan_level)
    return level


def read_json_object(
    obj: dict[str, Any],
    key: str | None,
    kafka_timestamp: datetime | None,
    *,
    zone: tzinfo = UTC,
    wrapped: bool = False,
) -> dict[str, Any] | str:
    """The event fields of a JSON log object of any schema, or the reason it cannot be one.

    :param obj: the decoded object.
    :param key: the Kafka record's key: the service when the object names none.
    :param kafka_timestamp: the record's time: the timestamp when the object has no readable one.
    :param zone: the zone of times that name none.
    :param wrapped: the object is a line inside a wrapper's ``log`` (not unwrapped again).
    :returns: the fields (``timestamp``, ``level``, ``service``, ``message`` and what else it has), or a reason.
    """
    if not obj:
        return "value is an empty JSON object"
    if isinstance(obj.get("resourceLogs"), list):
        record = _otlp_record(obj)
        if isinstance(record, str):
            return record
        obj = record
    flat: dict[str, Any] = {}
    _flatten(obj, "", 0, flat)
    reader = _Reader(flat)
    gelf = "shortmessage" in reader.lower
    message = reader.first(_MESSAGE_KEYS, _message_text)
    message_key = next(
        (name for name in _MESSAGE_KEYS if name in reader.lower and reader.lower[name] in reader.taken), None
    )
    level = _read_level(reader, gelf)
    # A container runtime's wrapper (Docker json-file, a CRI line read by Fluent Bit's parser) names the stream; a
    # shipper's envelope (Filebeat, Vector, Fluent Bit tailing a file) names no level: both carry the raw line.
    runtime = message_key == "log" and obj.get("stream") in ("stdout", "stderr")
    envelope = level is None and not runtime
    if message is not None and not wrapped and (runtime or envelope):
        inner = _from_wrapped_line(message, reader, level, key, kafka_timestamp, zone, envelope)
        if inner is not None:
            return inner
    timestamp = reader.first(_TIME_KEYS, functools.partial(_time, zone=zone))
    numeric_level = _number(reader.get("level")) is not None and not gelf
    service = reader.first(_SERVICE_KEYS + (("name",) if numeric_level else ()), _string)
    logger_name = reader.first(_LOGGER_KEYS[:3] + (() if numeric_level else ("name",)) + _LOGGER_KEYS[3:], _string)
    fields: dict[str, Any] = {}
    if reader.has_any(_OPTIONAL_ALL):
        for field, names in _OPTIONAL:
            value = reader.first(names, _string)
            if value is not None:
                fields[field] = value
    exception = _exception(reader)
    if message is None:
        message = _compact(obj)
    elif level is None and not envelope:  # a level value no table knows ("DEFAULT"): ask the message
        level = parse_line(message, now=kafka_timestamp, zone=zone).level
    timestamp = timestamp or kafka_timestamp
    if timestamp is None:
        return "JSON event has no readable time and the record has no Kafka timestamp"
    fields.update(timestamp=timestamp, level=level or "INFO", service=service or key or "unknown", message=message)
    if logger_name is not None:
        fields["logger"] = logger_name
    if exception is not None:
        fields["exception"] = exception
    attributes = _attributes(reader, gelf)
    if attributes:
        fields["attributes"] = attributes
    return fields


def split_container_line(text: str) -> tuple[str, datetime | None, dict[str, str]] | None:
    """The container's own line of a CRI log line (``<time> stdout F <line>``), the runtime's time, and the
    stream (and ``partial`` for a P line) as attributes; None if ``text`` is not one.

    A runtime splits a line longer than 16 KiB into P pieces ended by an F one; a shipper that joins them into one
    record (rsyslog's imfile with ``endmsg.regex``) sends them a line each, and they are joined back into the line.
    """
    cri = _CRI.match(text)
    if cri is None:
        return None
    last, body = cri, text[cri.end() :]
    if "\n" in text:  # when a line is not the runtime's, the container printed it: the text stays as it is
        lines = text.split("\n")
        pieces = [m for m in map(_CRI.match, lines) if m is not None]
        if len(pieces) == len(lines):
            last, body = pieces[-1], "".join(line[m.end() :] for line, m in zip(lines, pieces, strict=True))
    attributes = {"stream": cri.group(2)}
    if last.group(3) == "P":
        attributes["partial"] = "true"
    return body.strip(), parse_timestamp(cri.group(1)), attributes


def _from_wrapped_line(
    line: str,
    wrapper: _Reader,
    outer_level: str | None,
    key: str | None,
    kafka_timestamp: datetime | None,
    zone: tzinfo,
    envelope: bool,
) -> dict[str, Any] | None:
    """A wrapper read with the line it carries: that line's own JSON or header gives the fields, the wrapper fills
    gaps. A container runtime's (Docker json-file, CRI via Fluent Bit: ``log``, ``stream``, ``time``) always; a
    shipper's ``envelope`` only when the line has a header, JSON or a CRI prefix to take apart (else None).
    Times: a JSON line's own first. A runtime's (or a CRI prefix's) is when the line was written, exact and
    zoned, so it wins over a header's; a shipper's is when it read the file, which may be hours later (a backlog),
    so a header's wins over it, read in the service's zone as a raw line's is."""
    outer_time = wrapper.first(_TIME_KEYS, functools.partial(_time, zone=zone))
    outer_service = wrapper.first(_SERVICE_KEYS, _string) or key
    text = line.strip()
    container = split_container_line(text)
    stream: dict[str, str] = {}
    if container is not None:
        text, runtime_time, stream = container
        outer_time = runtime_time or outer_time
    fields: dict[str, Any] | str | None = None
    if text.startswith("{"):
        try:
            inner = DECODER.decode(text)
        except (ValueError, RecursionError):
            inner = None
        if isinstance(inner, dict) and inner:
            fields = read_json_object(inner, outer_service, outer_time or kafka_timestamp, zone=zone, wrapped=True)
    if not isinstance(fields, dict):
        raw = parse_line(text, now=kafka_timestamp, zone=zone)
        if envelope and container is None:
            if raw.timestamp is None and raw.level is None:
                return None
            timestamp = raw.timestamp or outer_time or kafka_timestamp
        else:
            timestamp = outer_time or raw.timestamp or kafka_timestamp
        if timestamp is None or not raw.message.strip():
            return None
        fields = raw.fields(timestamp, outer_service)
        if outer_level:  # the runtime's level (a stream's, say) wins over a level word in the line
            fields["level"] = outer_level
    host = wrapper.first(_HOST_KEYS, _string)
    if host is not None:
        fields.setdefault("host", host)
    outer = {**_attributes(wrapper, False), **stream}
    if outer:
        merged = {**outer, **fields.get("attributes", {})}
        fields["attributes"] = dict(list(merged.items())[: MAX_ATTRIBUTES + 1])
    return fields
