"""Builds log events of docs/design.md and turns them into bytes that always fit.

Hot path: ``emit()`` spends most of its few microseconds here, so the timestamp prefix is cached per
second and the JSON encoder is built once.
"""

from __future__ import annotations

import json
import logging
import math
import time
import traceback
from collections.abc import Callable, Mapping
from datetime import date, datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

__all__ = [
    "LEVELS",
    "EVENT_FIELDS",
    "json_string",
    "json_value",
    "normalize_level",
    "utc_timestamp",
    "exception_info",
    "encode",
    "fit",
    "truncate_raw",
    "TRUNCATION_MARKER",
]

logger = logging.getLogger(__name__)

LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL")
# Top-level fields of the event; anything else a caller passes goes under ``attributes``.
EVENT_FIELDS = frozenset(
    {
        "timestamp",
        "level",
        "service",
        "message",
        "host",
        "logger",
        "trace_id",
        "span_id",
        "env",
        "version",
        "exception",
        "attributes",
    }
)
TRUNCATION_MARKER = "…[truncated {n} {unit}]"

# The same table as logwatch's core.contract.LEVEL_ALIASES (this package installs alone, so it keeps a copy;
# tests/producers/test_core_agrees.py holds the two together). Single letters are the usual one-letter level
# columns (glog, logcat).
_ALIASES = {
    "TRACE": "TRACE",
    "FINEST": "TRACE",
    "FINER": "TRACE",
    "VERBOSE": "TRACE",
    "DEBUG": "DEBUG",
    "FINE": "DEBUG",
    "DBG": "DEBUG",
    "D": "DEBUG",
    "INFO": "INFO",
    "INFORMATION": "INFO",
    "NOTICE": "INFO",
    "CONFIG": "INFO",
    "I": "INFO",
    "WARN": "WARN",
    "WARNING": "WARN",
    "W": "WARN",
    "ERROR": "ERROR",
    "ERR": "ERROR",
    "E": "ERROR",
    "SEVERE": "ERROR",
    "FAILURE": "ERROR",
    "CRITICAL": "CRITICAL",
    "CRIT": "CRITICAL",
    "FATAL": "CRITICAL",
    "ALERT": "CRITICAL",
    "EMERG": "CRITICAL",
    "EMERGENCY": "CRITICAL",
    "PANIC": "CRITICAL",
    "F": "CRITICAL",
}
# Exact spellings callers use most, looked up before any string work.
_FAST_LEVELS: dict[object, str] = {}
_FAST_LEVELS.update(_ALIASES)
_FAST_LEVELS.update({k.lower(): v for k, v in _ALIASES.items()})


def _level_from_number(levelno: int) -> str:
    if levelno >= logging.CRITICAL:
        return "CRITICAL"
    if levelno >= logging.ERROR:
        return "ERROR"
    if levelno >= logging.WARNING:
        return "WARN"
    if levelno >= logging.INFO:
        return "INFO"
    if levelno >= logging.DEBUG:
        return "DEBUG"
    return "TRACE"


for _n in range(0, 60):
    _FAST_LEVELS[_n] = _level_from_number(_n)


def normalize_level(level: str | int) -> str:
    """The docs/design.md level for a name, an alias (WARNING, FATAL, notice...) or a ``logging`` number.

    Unknown names become INFO rather than failing: a log line is never lost over its level.

    :param level: a level name in any case, or a ``logging`` level number.
    """
    fast = _FAST_LEVELS.get(level)
    if fast is not None:
        return fast
    if isinstance(level, bool):
        return "INFO"
    if isinstance(level, int):
        return _level_from_number(level)
    return _ALIASES.get(str(level).strip().upper(), "INFO")


_ts_cache: tuple[int, str] = (-1, "")
_D3 = tuple(f"{i:03d}" for i in range(1000))


def utc_timestamp(epoch_s: float) -> str:
    """RFC 3339 UTC with microseconds and an explicit offset, e.g. ``2025-01-31T12:00:00.123456+00:00``.

    :param epoch_s: seconds since the epoch (``time.time()`` or ``LogRecord.created``).
    """
    global _ts_cache
    sec = int(epoch_s)
    micros = int((epoch_s - sec) * 1_000_000)
    cached = _ts_cache
    if cached[0] != sec:
        # The date-time part changes once a second; formatting it is most of the cost, so cache it.
        cached = _ts_cache = (sec, time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime(sec)))
    return cached[1] + _D3[micros // 1000] + _D3[micros % 1000] + "+00:00"


def exception_info(exc: BaseException) -> dict[str, str]:
    """The event's ``exception`` object: qualified type, message and the formatted stack trace."""
    cls = type(exc)
    module = cls.__module__
    name = cls.__qualname__ if module in ("builtins", "__main__") else f"{module}.{cls.__qualname__}"
    try:
        message = str(exc)
    except Exception:
        message = f"<unprintable {cls.__qualname__}>"
    stack = "".join(traceback.format_exception(cls, exc, exc.__traceback__))
    return {"type": name, "message": message, "stacktrace": stack}


def _default(obj: object) -> object:
    """JSON fallback: never fails, turns what JSON cannot hold into text."""
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, bytes | bytearray | memoryview):
        return bytes(obj).decode("utf-8", "replace")
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    if isinstance(obj, BaseException):
        return exception_info(obj)
    try:
        return str(obj)
    except Exception:
        return f"<unserialisable {type(obj).__name__}>"


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_default)
json_string: Callable[[str], str] = encode_basestring
"""The JSON form of one string, quotes included (C-accelerated)."""

if c_make_encoder is not None:
    # Built once: json.dumps builds a new C encoder (and a cycle-check dict) on every call. Cycles are
    # caught as RecursionError instead, and handled by the sanitizing slow path.
    _c_encoder = c_make_encoder(None, _default, encode_basestring, None, ":", ",", False, False, False)

    def _encode(value: object) -> str:
        return "".join(_c_encoder(value, 0))
else:  # pragma: no cover - interpreters without the _json accelerator

    def _encode(value: object) -> str:
        return _ENCODER.encode(value)


# About 4,000 decimal digits: below the 4,300 that Python converts to text by default.
_MAX_INT_BITS = 13_000


def _sanitize(value: object, depth: int = 0, seen: frozenset[int] = frozenset()) -> object:
    """A JSON-safe copy for the slow path: string keys, no cycles, no NaN, bounded depth."""
    if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
        return f"<int of {value.bit_length()} bits omitted>"  # Python will not even print it (int_max_str_digits)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if depth > 32 or id(value) in seen:
        return f"<{type(value).__name__} omitted: nested too deep or cyclic>"
    inner = seen | {id(value)}
    if isinstance(value, Mapping):
        return {str(k): _sanitize(v, depth + 1, inner) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_sanitize(v, depth + 1, inner) for v in value]
    return _sanitize(_default(value), depth + 1, inner)


def json_value(value: object) -> str:
    """JSON text of ``value``; what JSON cannot hold (objects, NaN, cycles, odd keys) is stringified.

    :raises ValueError: only if even the sanitized copy cannot be encoded (counted as ``serialize_error``).
    """
    try:
        return _encode(value)
    except (TypeError, ValueError, RecursionError):
        return _encode(_sanitize(value))


def encode(event: dict[str, Any]) -> bytes:
    """UTF-8 JSON of ``event``; values JSON cannot hold are stringified, never fatal."""
    return json_value(event).encode("utf-8", "replace")


def _marker(cut: int, unit: str = "chars") -> str:
    return TRUNCATION_MARKER.format(n=cut, unit=unit)


def _cut(text: str, excess_bytes: int) -> str:
    """``text`` shortened by at least ``excess_bytes`` of its JSON form, with the marker appended."""
    encoded = len(_encode(text))
    ratio = max(1.0, encoded / max(1, len(text)))
    cut = min(len(text), int(excess_bytes / ratio) + len(_marker(len(text))) + 8)
    return text[: len(text) - cut] + _marker(cut)


def _largest(event: dict[str, Any]) -> tuple[dict[str, Any], str, int] | None:
    """The container, key and JSON size of the biggest shrinkable value in the event."""
    best: tuple[dict[str, Any], str, int] | None = None
    candidates: list[tuple[dict[str, Any], str]] = [(event, "message")]
    exc = event.get("exception")
    if isinstance(exc, dict):
        candidates += [(exc, "stacktrace"), (exc, "message")]
    attrs = event.get("attributes")
    if isinstance(attrs, dict):
        candidates += [(attrs, k) for k in attrs]
    for holder, key in candidates:
        value = holder.get(key)
        if value is None:
            continue
        size = len(_encode(value)) if isinstance(value, str) else len(encode({"v": value}))
        if size > 64 and (best is None or size > best[2]):
            best = (holder, key, size)
    return best


def fit(event: dict[str, Any], payload: bytes, limit: int) -> bytes | None:
    """``payload`` shrunk to at most ``limit`` bytes by truncating its largest texts with a visible marker.

    Returns None if the event cannot be made to fit (then it is dropped as ``oversize``).

    :param event: the event ``payload`` was encoded from; modified in place.
    :param payload: the encoded event.
    :param limit: the largest allowed size in bytes.
    """
    original = len(payload)
    attrs = event.get("attributes")
    event["attributes"] = attrs = dict(attrs) if isinstance(attrs, dict) else {}
    attrs["truncated_from_bytes"] = original
    payload = encode(event)
    for _ in range(12):
        excess = len(payload) - limit
        if excess <= 0:
            return payload
        found = _largest(event)
        if found is None:
            break
        holder, key, _size = found
        value = holder[key]
        text = value if isinstance(value, str) else encode({"v": value}).decode("utf-8")[5:-1]
        holder[key] = _cut(text, excess)
        payload = encode(event)
    # Last resort: keep the event's identity, give up its attributes.
    event["attributes"] = {"truncated_from_bytes": original, "attributes_dropped": True}
    for name in ("message",):
        if isinstance(event.get(name), str) and len(event[name]) > 1024:
            event[name] = _cut(event[name], len(event[name]) - 1024)
    event.pop("exception", None)
    payload = encode(event)
    return payload if len(payload) <= limit else None


def truncate_raw(line: bytes, limit: int) -> bytes:
    """A raw line cut to ``limit`` bytes on a UTF-8 character boundary, ending with the marker.

    :param line: the raw bytes.
    :param limit: the largest allowed size.
    """
    if len(line) <= limit:
        return line
    marker = _marker(len(line), "bytes").encode("utf-8")
    end = max(0, limit - len(marker) - 16)
    # Never end inside a multi-byte UTF-8 sequence: back up over continuation bytes.
    while end > 0 and (line[end] & 0xC0) == 0x80:
        end -= 1
    cut = len(line) - end
    return line[:end] + _marker(cut, "bytes").encode("utf-8")
