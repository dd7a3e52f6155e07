"""The last resort: any text, with a time and a level picked up when they are easy to see."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from streaming.formats._common import (
    ISO_TS,
    MONTHS,
    event,
    infer_year,
    iso_match_time,
    level_of,
    make_time,
    micros,
)
from streaming.formats.model import RawEvent

__all__ = ["parse_plain"]

logger = logging.getLogger(__name__)

# Times at the start of a line that no detector claimed: "2024/01/31 12:00:00" (Nginx error log,
# Go's log package), "Jan 31 12:00:00", or ISO 8601 (handled by ISO_TS).
_SLASH_TS = re.compile(r"(\d{4})/(\d\d)/(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?", re.ASCII)
_MONTH_TS = re.compile(r"([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)", re.ASCII)
# Upper-case level words stand out; lower-case ones only in brackets or after level=, since words
# like "error" or "info" are common in ordinary sentences.
_LEVEL_WORD = re.compile(
    r"(?<![\w/.-])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRIT|CRITICAL|FATAL|SEVERE|ALERT|EMERG)"
    r"(?![\w/.-])"
    r"|\[(trace|debug|info|notice|warn|warning|error|crit|critical|fatal|alert|emerg)\]"
    r"|\blevel=\"?([A-Za-z]{1,10})",
    re.ASCII,
)
_LEVEL_WINDOW = 120
# logfmt and similar key=value lines name their time: time=2024-01-31T12:00:00Z.
_KEYED_TS = re.compile(r"(?:^|[ \t])(?:time|ts|timestamp|@timestamp)=\"?", re.ASCII)


def _leading_time(line: str, now: datetime) -> datetime | None:
    head = line[:1]
    if not head.isdigit() and head not in "JFMASOND":
        return None
    m = ISO_TS.match(line)
    if m is not None:
        return iso_match_time(m)
    m = _SLASH_TS.match(line)
    if m is not None:
        g = m.groups()
        return make_time(int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), int(g[5]), micros(g[6]))
    m = _MONTH_TS.match(line)
    if m is not None:
        month = MONTHS.get(m.group(1))
        if month is not None:
            return infer_year(now, month, int(m.group(2)), int(m.group(3)), int(m.group(4)), int(m.group(5)))
    return None


def _keyed_time(line: str) -> datetime | None:
    key = _KEYED_TS.search(line, 0, _LEVEL_WINDOW)
    if key is None:
        return None
    m = ISO_TS.match(line, key.end())
    return iso_match_time(m) if m is not None else None


def parse_plain(line: str, now: datetime, timestamp: datetime | None = None) -> RawEvent:
    """Always an event: the whole line is the message.

    :param timestamp: a time a detector already read from the line, if any.
    """
    if timestamp is None:
        timestamp = _leading_time(line, now)
    if timestamp is None and "=" in line:
        timestamp = _keyed_time(line)
    level = None
    m = _LEVEL_WORD.search(line, 0, _LEVEL_WINDOW)
    if m is not None:
        level = level_of(m.group(1) or m.group(2) or m.group(3))
    return event("plain", line, line, timestamp=timestamp, level=level)
