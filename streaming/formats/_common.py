"""Helpers every format parser shares: building times, mapping levels, assembling the event."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from core.contract import normalise_level
from streaming.formats.model import RawEvent

__all__ = [
    "ANGLED_LEVEL",
    "MONTHS",
    "ISO_TS",
    "Attributes",
    "event",
    "infer_year",
    "iso_match_time",
    "level_of",
    "make_time",
    "micros",
    "tz_of",
]

logger = logging.getLogger(__name__)

Attributes = dict[str, str | int | float]

MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
    )
}

# RFC 3339 and the looser ISO 8601 shapes log libraries write: space or T, ',' or '.' before the
# fraction, offsets with or without a colon. re.ASCII everywhere: \d would otherwise accept every
# Unicode digit, and int() would happily turn those into nonsense dates.
ISO_TS = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d(?::?\d\d)?)?",
    re.ASCII,
)

# A level word in angle brackets, and the blanks after it ("<warn>  ...", NetworkManager's "<info>"); the word
# is checked by the caller.
ANGLED_LEVEL = re.compile(r"<([A-Za-z]{3,11})>(?:[ \t]+|$)", re.ASCII)

_TZ_CACHE: dict[str, tzinfo] = {"Z": UTC, "z": UTC, "+00:00": UTC, "+0000": UTC, "-00:00": UTC}
# A year-less timestamp may be this far ahead of "now" (clock skew, zones) before we assume last year.
_FUTURE_SLACK = timedelta(days=1)


def tz_of(offset: str | None) -> tzinfo | None:
    """The tzinfo of ``Z``, ``+HH:MM``, ``+HHMM`` or ``+HH``; UTC for None; None if out of range."""
    if not offset:
        return UTC
    cached = _TZ_CACHE.get(offset)
    if cached is not None:
        return cached
    digits = offset[1:].replace(":", "")
    if len(digits) not in (2, 4) or not digits.isascii() or not digits.isdigit():
        return None
    minutes = int(digits[:2]) * 60 + (int(digits[2:]) if len(digits) == 4 else 0)
    if minutes >= 24 * 60:
        return None
    zone = timezone(timedelta(minutes=-minutes if offset[0] == "-" else minutes))
    if len(_TZ_CACHE) < 512:  # bounded: hostile input must not grow it forever
        _TZ_CACHE[offset] = zone
    return zone


def micros(fraction: str | None) -> int:
    """Microseconds of a 1-9 digit decimal fraction of a second."""
    if not fraction:
        return 0
    return int((fraction + "00000")[:6])


def make_time(
    year: int,
    month: int,
    day: int,
    hour: int,
    minute: int,
    second: int,
    microsecond: int = 0,
    zone: tzinfo | None = UTC,
) -> datetime | None:
    """An aware UTC datetime, or None when the parts do not form a valid time."""
    if zone is None:
        return None
    try:
        value = datetime(year, month, day, hour, minute, second, microsecond, tzinfo=zone)
        return value if zone is UTC else value.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def infer_year(
    now: datetime,
    month: int,
    day: int,
    hour: int,
    minute: int,
    second: int,
    microsecond: int = 0,
    zone: tzinfo = UTC,
) -> datetime | None:
    """A year-less time placed in ``now``'s year, or an earlier one if it would lie in the future.

    Going back up to four years also finds the last year in which a 29 February existed.

    :param zone: the zone the wall-clock time is read in; the result is in UTC.
    """
    for year in range(now.year, now.year - 5, -1):
        value = make_time(year, month, day, hour, minute, second, microsecond, zone)
        if value is not None and value - now <= _FUTURE_SLACK:
            return value
    return None


def iso_match_time(match: re.Match[str], first_group: int = 1, zone: tzinfo = UTC) -> datetime | None:
    """The UTC time of an :data:`ISO_TS` match (groups from ``first_group``); ``zone`` when it names none."""
    g = match.groups()[first_group - 1 : first_group + 7]
    offset = tz_of(g[7]) if g[7] else zone
    return make_time(int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), int(g[5]), micros(g[6]), offset)


def level_of(name: str | None) -> str | None:
    """The core.contract level of a level word from any format, or None."""
    return normalise_level(name) if name else None


def event(
    fmt: str,
    line: str,
    message: str | None,
    *,
    timestamp: datetime | None = None,
    level: str | None = None,
    service: str | None = None,
    host: str | None = None,
    logger: str | None = None,
    attributes: Attributes | None = None,
) -> RawEvent:
    """Assemble a RawEvent; an empty message part falls back to the whole line."""
    if message is None or not message.strip():
        message = line
    return RawEvent(
        format=fmt,
        timestamp=timestamp,
        level=level,
        service=service or None,
        host=host or None,
        logger=logger or None,
        message=message,
        attributes=attributes if attributes is not None else {},
    )
