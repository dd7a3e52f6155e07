"""Lone UTF-16 surrogates in JSON text (``"\\ud800"``): the decoder reads one into a str that cannot be encoded as
UTF-8 again, so whatever writes it next fails (an indexed document's serialisation, with it a whole batch; an API
answer). The streaming job replaces them before indexing and the API in what Elasticsearch answers, since another
writer may have stored some.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["may_hold_lone_surrogates", "without_lone_surrogates"]

# A JSON escape of a surrogate, paired or not; rare in real text, so the walk below is paid only when it is there.
_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_ESCAPE_BYTES = re.compile(_ESCAPE.pattern.encode())
_SURROGATE = re.compile("[\ud800-\udfff]")


def may_hold_lone_surrogates(text: str | bytes) -> bool:
    """Whether JSON ``text`` escapes a surrogate, so that its decoded value may hold a lone one."""
    if isinstance(text, bytes):
        return _ESCAPE_BYTES.search(text) is not None
    return _ESCAPE.search(text) is not None


def without_lone_surrogates(value: Any) -> Any:
    """``value`` (decoded JSON) with every lone surrogate in its strings and keys replaced by U+FFFD (pairs were
    already joined into one character by the JSON decoder, so any surrogate left is lone)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_lone_surrogates(v) for v in value]
    return value
