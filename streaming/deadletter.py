"""What ``logs.dlq`` keeps of a record: a redacted, size-bounded copy, and the original's hash and size.

The DLQ is read by people (and tools) who only ever see redacted logs elsewhere, and anyone who can write to
``logs`` can send records there (one unknown level is enough). So it keeps no more than an indexed event
would: the original bytes as they came when redaction finds nothing in them (a byte-exact replay), else a
redacted copy, never more than :data:`MAX_VALUE_BYTES`. The ``original_sha256`` and ``original_bytes``
headers still identify the original on ``logs`` (7 days), for whoever must see it whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import MutableMapping

from streaming.redact import redact, redact_fields

__all__ = ["MAX_VALUE_BYTES", "dead_letter_value", "redacted_reason"]

# Far below the job's Kafka writer limit (4 MiB); a log record worth reading whole is much smaller.
MAX_VALUE_BYTES = 256 * 1024
# Redaction reads this much past the cut, so a secret that straddles it is still recognised and removed.
_CONTEXT_BYTES = 16 * 1024


def _encode(text: str) -> bytes:
    # surrogateescape gives back the bytes that were not UTF-8; a JSON "\ud800" escape has no bytes to give back.
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace")


def _redacted_json(text: str) -> bytes | None:
    """The JSON object in ``text`` with its strings redacted as event fields are (keys naming a secret, escapes
    decoded), or None when ``text`` is not a JSON object or nothing in it was redacted."""
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):  # invalid JSON, a number too long, nesting too deep
        return None
    if not isinstance(obj, MutableMapping) or not redact_fields(obj):
        return None
    return _encode(json.dumps(obj, ensure_ascii=False))


def dead_letter_value(value: bytes | None) -> tuple[bytes, dict[str, str]]:
    """The DLQ value for a record's original bytes, and the headers that identify the original.

    :param value: the record's value as it came from Kafka (None for a record without one).
    :returns: the value to send (the original when nothing in it is redacted and it fits, else a redacted copy
        cut at :data:`MAX_VALUE_BYTES`), and ``original_sha256`` and ``original_bytes``.
    """
    original = value or b""
    headers = {"original_sha256": hashlib.sha256(original).hexdigest(), "original_bytes": str(len(original))}
    whole = len(original) <= MAX_VALUE_BYTES
    text = original[: MAX_VALUE_BYTES + _CONTEXT_BYTES].decode("utf-8", "surrogateescape")
    redacted, count = redact(text)
    if whole and text.lstrip().startswith("{"):
        # Parsed, a JSON record shows what the text hides (a key spelt with escapes, a list under "secret");
        # the text still catches a secret under a key the parser drops (a duplicate key).
        as_json = _redacted_json(text)
        if as_json is not None:
            return as_json[:MAX_VALUE_BYTES], headers
    if whole and not count:
        return original, headers
    return _encode(redacted)[:MAX_VALUE_BYTES], headers


def redacted_reason(reason: str, limit: int = 2000) -> str:
    """A dead letter's reason, redacted (some echo the bad value, e.g. a timestamp) and cut to ``limit``.

    :param reason: the one-sentence reason.
    :param limit: the most characters kept.
    """
    return redact(reason[: limit + 200])[0][:limit]
