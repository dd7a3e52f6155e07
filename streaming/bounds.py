"""Bounds on an indexed document, so that one record can neither fail its batch nor bloat the mapping.

A 700 KB line of control characters arrives gzipped in 714 bytes, and its JSON escapes make a 4 MB document
that Spark's Kafka writer refuses, failing the batch on every re-run (audit 2026-12-02, H6). Our own events'
``attributes`` come as the producer sent them: an empty key, a path with an empty part (``a..b``) or nesting
past Elasticsearch's depth limit gets the document refused, and a 32 KB key lands in the cluster state (M1).
Logs of other schemas are already flattened and capped by streaming.jsonlog.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_DOCUMENT_BYTES", "MAX_KEY_CHARS", "MAX_STRING_CHARS", "bounded", "field_name"]

# Deeper parts are kept as compact JSON text: ES maps every attribute path, and a path per nesting level of an
# arbitrary document would be a mapping explosion waiting to happen.
MAX_DEPTH = 8

# Longer than any real line or stack trace we have seen; escaped, still under 400 KB.
MAX_STRING_CHARS = 64 * 1024
# Whatever the fields, a document over this is dead-lettered: it would crowd a bulk request and the live tail.
MAX_DOCUMENT_BYTES = 1024 * 1024
MAX_KEY_CHARS = 256


def _cut(text: str) -> str:
    if len(text) <= MAX_STRING_CHARS:
        return text
    return f"{text[:MAX_STRING_CHARS]}…[truncated {len(text) - MAX_STRING_CHARS} characters]"


def field_name(key: Any) -> str:
    """``key`` as a field name Elasticsearch accepts: at most ``MAX_KEY_CHARS``, no empty path parts."""
    name = str(key)[:MAX_KEY_CHARS]
    # Elasticsearch refuses empty names and paths with empty parts ("a..b", ".a", "a.").
    if name and not name.startswith(".") and not name.endswith(".") and ".." not in name and not name.isspace():
        return name
    return ".".join(part if part.strip() else "_" for part in name.split("."))


# Field names already checked: a stream repeats the same few hundred keys, and this runs for every key of every
# document. Only short string keys are kept (True, 1 and 1.0 are equal dict keys with different names).
_NAMES: dict[str, str] = {}
_NAMES_MAX = 50_000


def _name(key: Any) -> str:
    name = _NAMES.get(key) if type(key) is str else None
    if name is None:
        name = field_name(key)
        if type(key) is str and len(key) <= MAX_KEY_CHARS and len(_NAMES) < _NAMES_MAX:
            _NAMES[key] = name
    return name


def bounded(value: Any, depth: int = 0) -> Any:
    """``value`` (a document or any part of it) with long strings cut, keys Elasticsearch accepts, and objects
    nested deeper than ``MAX_DEPTH`` kept as their JSON text.

    :param value: a JSON-like value; not changed.
    :param depth: how deep ``value`` sits in the document.
    """
    if isinstance(value, str):
        return _cut(value)
    if isinstance(value, dict):
        if depth > MAX_DEPTH:
            return _cut(json.dumps(value, ensure_ascii=False, default=str))
        # Short strings, most values, are taken as they are without a call.
        return {
            _name(k): v if type(v) is str and len(v) <= MAX_STRING_CHARS else bounded(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [bounded(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # NaN and Infinity are not JSON
    return value
