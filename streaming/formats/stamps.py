"""Timestamps in any common shape, found wherever they stand in the head of a line.

One alternation of every shape, searched once over a bounded window: the earliest valid match wins. Each
shape is a named group wrapping unnamed ones, so ``lastindex`` says which shape matched and where its parts
are. Zone-less stamps are read in the caller's zone; year-less ones get the most recent year that does not
put them more than a day ahead of ``now``.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, tzinfo
from typing import NamedTuple

from streaming.formats._common import MONTHS, infer_year, make_time, micros, tz_of

__all__ = ["Stamp", "epoch_time", "find_time"]

logger = logging.getLogger(__name__)

_MONTH_NAME = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.?"
_DAY_NAME = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]{0,6},? +)?"
_FRAC = r"(?:[.,:](\d{1,9}))?"
# "Z", " UTC", "+05:30", " -0800", "+05"; a spaced offset needs four digits so " -1" in text is no zone.
_ZONE = r"(?:(Z|\s?(?:UTC|GMT)|\s?[+-]\d\d:?\d\d|[+-]\d\d)(?![\w:]))?"
_CLOCK = r"(\d\d?)[:.](\d\d)[:.](\d\d)" + _FRAC
_AMPM = r"(?:\s?([AaPp][Mm])(?![A-Za-z]))?"
_SHAPES = [
    # 2026-11-23T10:00:00.123Z, 2026/11/23 10:00:00, 2026.11.23 10:00:00, Blue Gene's 2026-11-23-10.00.00.123
    ("iso", r"(?<![\d.])(\d{4})(?P<isosep>[-/.])(\d\d?)(?P=isosep)(\d\d?)(?:[T ]+|-|_)" + _CLOCK + _ZONE),
    # 20261123-10:00:00:123 (FIX), 20261123T100000Z (basic ISO 8601)
    ("compact", r"(?<![\d.])(\d{4})(\d\d)(\d\d)[-T ]?(\d\d):?(\d\d):?(\d\d)" + _FRAC + _ZONE + r"(?!\d)"),
    # 26/11/23 10:00:00 (log4j 1 / Spark yy/MM/dd)
    ("yy", r"(?<![\d./-])(\d\d)/(\d\d)/(\d\d)[ T]" + _CLOCK + _ZONE),
    # 11/23/2026 10:00:00 (US), 23.11.2026 10:00:00, 23-11-2026 10:00:00
    ("dmy", r"(?<![\d./-])(\d\d?)(?P<dmysep>[/.-])(\d\d?)(?P=dmysep)(\d{4})[ T,:]+" + _CLOCK + _AMPM + _ZONE),
    # Nov 23 10:00:00, Mon Nov 23 10:00:00.123 2026, November 23, 2026 10:00:00 AM
    (
        "mdy",
        r"(?<![\w])"
        + _DAY_NAME
        + _MONTH_NAME
        + r" +(\d\d?)(?:,? +(\d{4}))?,? +"
        + _CLOCK
        + _AMPM
        + r"(?: +(\d{4})(?!\d))?"
        + _ZONE,
    ),  # fmt: skip
    # 23/Nov/2026:10:00:00 +0000 (access logs), 23-Nov-2026 10:00:00.123, 23 Nov 2026 10:00:00,123
    ("dmony", r"(?<![\w])(\d\d?)[-/ ]" + _MONTH_NAME + r"[-/ ](\d{4})[: T]+" + _CLOCK + _ZONE),
    # 11-23 10:00:00.123 (logcat), [11.23 10:00:00] (bracketed month.day)
    ("md", r"(?<![\w.-])(\d\d)-(\d\d) +" + _CLOCK + r"|(?<=\[)(\d\d)\.(\d\d) +" + _CLOCK),
    # glog's I1123 10:00:00.123456, at the start of the line only
    ("glog", r"\A[IWEFDV](\d\d)(\d\d) +" + _CLOCK),
    # 261123 100000 (yyMMdd HHmmss), at the start of the line only
    ("yymmdd", r"\A(\d\d)(\d\d)(\d\d) (\d\d)(\d\d)(\d\d)(?!\d)"),
]
# The lookahead lets every position that cannot start a stamp fail at once, before the alternation.
_TIME = re.compile("(?=[0-9A-Z])(?:" + "|".join(f"(?P<{name}>{body})" for name, body in _SHAPES) + ")", re.ASCII)
# Where each shape's inner groups start (the named group is one before).
_FIRST = {name: _TIME.groupindex[name] + 1 for name, _ in _SHAPES}
_BY_INDEX = {_TIME.groupindex[name]: name for name, _ in _SHAPES}
_EPOCH_MIN_S = 1_000_000_000  # 2001-09-09, the first 10-digit second (9 digits are too ambiguous)
_EPOCH_MAX_S = 4_102_444_800  # 2100-01-01
_EPOCH = re.compile(r"(\d{10}|\d{13})(?:\.(\d{1,9}))?", re.ASCII)


class Stamp(NamedTuple):
    """A timestamp found in a line: the time (None when the text was not a real time) and its span."""

    time: datetime | None
    start: int
    end: int


def _zone(text: str | None, default: tzinfo) -> tzinfo | None:
    if not text:
        return default
    text = text.strip()
    return UTC if text in ("UTC", "GMT") else tz_of(text)


def _hour(hour: int, ampm: str | None) -> int:
    if not ampm:
        return hour
    if hour > 12:
        return 99  # "13:00 PM" is no time
    return hour % 12 + (12 if ampm in ("PM", "pm", "Pm", "pM") else 0)


def _plausible_year(year: int) -> bool:
    return 1970 <= year <= 2100


def _time_of(m: re.Match[str], now: datetime, default: tzinfo) -> datetime | None:  # noqa: PLR0911
    shape = _BY_INDEX[m.lastindex or 0]
    g = m.groups()[_FIRST[shape] - 1 :]
    if shape == "iso":
        year = int(g[0])
        if not _plausible_year(year):
            return None
        return make_time(year, int(g[2]), int(g[3]), int(g[4]), int(g[5]), int(g[6]), micros(g[7]),
                         _zone(g[8], default))  # fmt: skip
    if shape == "compact":
        year = int(g[0])
        if not _plausible_year(year):
            return None
        return make_time(year, int(g[1]), int(g[2]), int(g[3]), int(g[4]), int(g[5]), micros(g[6]),
                         _zone(g[7], default))  # fmt: skip
    if shape == "yy":
        return make_time(2000 + int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), int(g[5]), micros(g[6]),
                         _zone(g[7], default))  # fmt: skip
    if shape == "dmy":
        first, second = int(g[0]), int(g[2])
        # '/' is the US month-first order, '.' and '-' the European day-first one; a value over 12 settles it.
        month_first = (g[1] == "/" and first <= 12) or second > 12
        month, day = (first, second) if month_first else (second, first)
        return make_time(int(g[3]), month, day, _hour(int(g[4]), g[8]), int(g[5]), int(g[6]), micros(g[7]),
                         _zone(g[9], default))  # fmt: skip
    if shape == "mdy":
        month = MONTHS[g[0]]
        year_text = g[2] or g[8]
        hour = _hour(int(g[3]), g[7])
        if year_text is None:
            zone = _zone(g[9], default)
            if zone is None:
                return None
            return infer_year(now, month, int(g[1]), hour, int(g[4]), int(g[5]), micros(g[6]), zone)
        return make_time(int(year_text), month, int(g[1]), hour, int(g[4]), int(g[5]), micros(g[6]),
                         _zone(g[9], default))  # fmt: skip
    if shape == "dmony":
        return make_time(int(g[2]), MONTHS[g[1]], int(g[0]), int(g[3]), int(g[4]), int(g[5]), micros(g[6]),
                         _zone(g[7], default))  # fmt: skip
    if shape == "md":
        parts = g[0:6] if g[0] is not None else g[6:12]
        return infer_year(now, int(parts[0] or 0), int(parts[1] or 0), int(parts[2] or 0), int(parts[3] or 0),
                          int(parts[4] or 0), micros(parts[5]), default)  # fmt: skip
    if shape == "glog":
        return infer_year(now, int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), micros(g[5]), default)
    return make_time(2000 + int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), int(g[5]), 0, default)


def find_time(line: str, end: int, now: datetime, zone: tzinfo = UTC) -> Stamp | None:
    """The earliest valid timestamp in ``line[:end]``, or None.

    :param end: the end of the window searched (a bound on the work a 1 MB line costs).
    :param now: the reference time for year-less stamps.
    :param zone: the zone of stamps that name none.
    """
    pos = 0
    while pos < end:
        m = _TIME.search(line, pos, end)
        if m is None:
            return None
        value = _time_of(m, now, zone)
        if value is not None:
            return Stamp(value, m.start(), m.end())
        pos = m.start() + 1
    return None


def epoch_time(text: str) -> datetime | None:
    """Epoch seconds (10 digits, optional fraction) or milliseconds (13 digits) from 2001-09-09 to 2100, else None.

    :param text: the whole token, nothing around it.
    """
    m = _EPOCH.fullmatch(text)
    if m is None:
        return None
    digits, fraction = m.groups()
    seconds = int(digits) if len(digits) == 10 else int(digits) // 1000
    if not _EPOCH_MIN_S <= seconds < _EPOCH_MAX_S:
        return None
    microsecond = micros(fraction) if len(digits) == 10 else int(digits[10:]) * 1000
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=microsecond)
