"""The one duration parser of the YAML files and command lines: ``90`` (seconds), ``500ms``, ``30s``, ``5m``,
``1h``, ``1d``, ``1.5h``.

``producers/`` installs on its own and keeps its own copy for the demo's command line; a test checks that
the two agree.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["parse_duration_ms", "parse_duration_s"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, None: 1000}


def parse_duration_ms(value: Any) -> int:
    """Milliseconds in a positive duration (a bare number is seconds).

    :param value: text such as ``30s`` or ``5m``, or a number of seconds.
    :raises ValueError: the value is not a positive duration; the message completes "KEY ..." into a sentence.
    """
    match = None if isinstance(value, bool) else _DURATION.match(str(value))
    if not match:
        raise ValueError(f"must be a duration such as 30s, 5m or 1h, got {value!r}")
    ms = round(float(match.group(1)) * _UNIT_MS[match.group(2)])
    if ms <= 0:
        raise ValueError(f"must be a positive duration, got {value!r}")
    return ms


def parse_duration_s(value: Any) -> float:
    """Seconds in a positive duration, as :func:`parse_duration_ms` reads it.

    :param value: text such as ``30s`` or ``5m``, or a number of seconds.
    :raises ValueError: the value is not a positive duration.
    """
    return parse_duration_ms(value) / 1000
