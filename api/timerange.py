"""Time ranges as people type them (``now-15m``, RFC 3339, epoch ms) and histogram intervals that fit them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Query

from api.errors import BadRequestError
from core.contract import rfc3339

__all__ = [
    "RangeFrom",
    "RangeTo",
    "TimeRange",
    "date_histogram",
    "parse_time",
    "resolve_range",
    "choose_interval_ms",
    "format_interval",
]

# The ``from`` and ``to`` query parameters of every endpoint over a time range.
RangeFrom = Annotated[str | None, Query(alias="from", max_length=64, description="now-15m, RFC 3339 or epoch ms.")]
RangeTo = Annotated[str | None, Query(max_length=64, description="now, RFC 3339 or epoch ms.")]

_RELATIVE_RE = re.compile(r"^now(?:(?P<sign>[+-])(?P<n>\d{1,6})(?P<unit>ms|s|m|h|d|w|M|y))?(?:/(?P<round>[smhdw]))?$")
_UNIT_S = {
    "ms": 0.001,
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 7 * 86400,
    "M": 30 * 86400,
    "y": 365 * 86400,
}
_ROUND_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# Nice histogram steps, smallest first (ms).
_STEPS_MS = [
    1_000,
    2_000,
    5_000,
    10_000,
    15_000,
    30_000,
    60_000,
    2 * 60_000,
    5 * 60_000,
    10 * 60_000,
    15 * 60_000,
    30 * 60_000,
    3_600_000,
    2 * 3_600_000,
    3 * 3_600_000,
    6 * 3_600_000,
    12 * 3_600_000,
    86_400_000,
    2 * 86_400_000,
    7 * 86_400_000,
    30 * 86_400_000,
]
MAX_RANGE = timedelta(days=3650)
# Bucket keys as text in the form of core.contract.rfc3339 (UTC, milliseconds, Z).
KEY_FORMAT = "strict_date_optional_time"


@dataclass(frozen=True)
class TimeRange:
    start: datetime
    end: datetime

    @property
    def span_ms(self) -> int:
        return int((self.end - self.start).total_seconds() * 1000)


def parse_time(text: str, now: datetime, name: str = "time") -> datetime:
    """One time value: ``now``, ``now-15m``, ``now/d``, RFC 3339 (naive means UTC) or epoch milliseconds.

    :param text: what the caller wrote.
    :param now: the moment "now" means (one per request, so from and to agree).
    :param name: parameter name for the error sentence.
    :raises BadRequestError: when the value is none of those.
    """
    text = text.strip()
    match = _RELATIVE_RE.match(text)
    if match:
        moment = now
        if match["n"]:
            delta = timedelta(seconds=int(match["n"]) * _UNIT_S[match["unit"]])
            moment = moment - delta if match["sign"] == "-" else moment + delta
        if match["round"]:
            step = _ROUND_S[match["round"]]
            epoch = moment.timestamp()
            moment = datetime.fromtimestamp(epoch - epoch % step, UTC)
        return moment
    value: datetime | None
    try:
        if text.isdigit() and len(text) <= 15:
            value = datetime.fromtimestamp(int(text) / 1000, UTC)
        else:
            value = datetime.fromisoformat(text)
            value = value if value.tzinfo else value.replace(tzinfo=UTC)
            value = value.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        value = None
    if value is None or not 1900 <= value.year <= 9000:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise BadRequestError(f"'{name}' must be a time like now-15m, 2024-05-01T12:00:00Z or epoch ms, got '{shown}'.")
    return value


def resolve_range(
    start: str | None, end: str | None, default_start: str = "now-15m", now: datetime | None = None
) -> TimeRange:
    """Resolve ``from``/``to`` parameters into a checked, absolute range.

    :param start: the ``from`` parameter (default ``default_start``).
    :param end: the ``to`` parameter (default ``now``).
    :param default_start: used when ``start`` is empty.
    :param now: the moment "now" means; the current time when omitted.
    """
    now = now or datetime.now(UTC)
    lo = parse_time(start or default_start, now, "from")
    hi = parse_time(end or "now", now, "to")
    if lo >= hi:
        raise BadRequestError(f"'from' ({rfc3339(lo)}) must be before 'to' ({rfc3339(hi)}): swap or widen them.")
    if hi - lo > MAX_RANGE:
        raise BadRequestError("The time range is longer than 10 years: narrow it.")
    return TimeRange(lo, hi)


def choose_interval_ms(span_ms: int, target_buckets: int = 80) -> int:
    """The smallest nice step that keeps the histogram at or under ``target_buckets`` bars."""
    for step in _STEPS_MS:
        if span_ms / step <= target_buckets:
            return step
    return _STEPS_MS[-1] * max(1, span_ms // (_STEPS_MS[-1] * target_buckets) + 1)


def format_interval(ms: int) -> str:
    """Elasticsearch fixed_interval text for a step in ms (``30s``, ``5m``, ``3h``, ``2d``)."""
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


def date_histogram(time_range: TimeRange, step_ms: int) -> dict[str, Any]:
    """An Elasticsearch ``date_histogram`` of the range in ``step_ms`` buckets, empty buckets included."""
    return {
        "date_histogram": {
            "field": "timestamp",
            "fixed_interval": format_interval(step_ms),
            "format": KEY_FORMAT,
            "min_doc_count": 0,
            "extended_bounds": {
                "min": int(time_range.start.timestamp() * 1000),
                "max": int(time_range.end.timestamp() * 1000),
            },
        }
    }
