"""Which format a raw line is in: cheap character tests pick the one or two detectors worth trying."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import UTC, datetime, tzinfo

from streaming.formats._common import ISO_TS, MONTHS, iso_match_time
from streaming.formats.cluster import parse_bgl, parse_hpc
from streaming.formats.header import parse_header
from streaming.formats.java import parse_bracketed, parse_hdfs, parse_java_after_time, parse_short_date
from streaming.formats.logcat import parse_logcat, parse_logcat_after_time
from streaming.formats.model import RawEvent
from streaming.formats.pylog import parse_python_default
from streaming.formats.syslog import parse_bsd_after_time, parse_syslog
from streaming.formats.traces import split_trace
from streaming.formats.web import parse_access, parse_apache_error

__all__ = ["detect", "parse_line"]

logger = logging.getLogger(__name__)

_DIGITS = frozenset("0123456789")
# Every access log line has '] "' (end of time, start of request) near its start; no other format
# the detectors know does, so this keeps the access regex off every other line.
_ACCESS_MARK = '] "'
_ACCESS_WINDOW = 1024
_CLOCK = re.compile(r"\d\d:\d\d:\d\d(?:[.,]\d{1,9})?", re.ASCII)


def _maybe_access(line: str) -> RawEvent | None:
    if _ACCESS_MARK in line[:_ACCESS_WINDOW]:
        return parse_access(line)
    return None


def _after_iso(line: str, zone: tzinfo) -> RawEvent | None:
    """Lines that open with an ISO 8601 time: log4j/logback/Spring, Python, logcat -v year, rsyslog."""
    m = ISO_TS.match(line)
    if m is None:
        return None
    timestamp = iso_match_time(m, zone=zone)
    pos = m.end()
    parsed = parse_java_after_time(line, pos, timestamp)
    if parsed is None:
        parsed = parse_logcat_after_time(line, pos, timestamp)
    if parsed is None and line.startswith(" ", pos):
        parsed = parse_bsd_after_time(line, pos + 1, timestamp, None, {}, require_tag=True)
    return parsed


def _digit_first(line: str, now: datetime, zone: tzinfo) -> RawEvent | None:
    third, fifth = line[2:3], line[4:5]
    if fifth == "-" and line[7:8] == "-":
        return _after_iso(line, zone)
    if third == ":" and line[5:6] == ":":
        # logback's default console pattern "%d{HH:mm:ss.SSS} [%thread] %-5level ...": no date, so no
        # timestamp; the caller falls back to the record's own time.
        clock = _CLOCK.match(line)
        parsed = parse_java_after_time(line, clock.end(), None) if clock is not None else None
    elif third == "/":
        parsed = parse_short_date(line, zone)
    elif third == "-":
        parsed = parse_logcat(line, now, zone)
    elif line[6:7] == " " and line[13:14] == " ":
        parsed = parse_hdfs(line, zone)
    else:
        parsed = None
    if parsed is None:
        parsed = _maybe_access(line)
    if parsed is None:
        parsed = parse_hpc(line)
    return parsed


def _bracket_first(line: str, zone: tzinfo) -> RawEvent | None:
    if line[1:2] in _DIGITS:
        m = ISO_TS.match(line, 1)
        if m is not None and line.startswith("]", m.end()):
            timestamp = iso_match_time(m, zone=zone)
            return parse_bracketed(line, m.end() + 1, timestamp)
        return None
    return parse_apache_error(line, zone)


def detect(line: str, now: datetime, zone: tzinfo = UTC) -> RawEvent:
    """Parse a stripped, non-empty line. May raise on a bug; :func:`parse_line` is the safe entry point.

    :param line: one log line (or a multi-line record), without leading/trailing whitespace.
    :param now: aware reference time for formats whose timestamps carry no year.
    :param zone: the zone zone-less timestamps are read in.
    """
    first = line[0]
    parsed: RawEvent | None = None
    if first in _DIGITS:
        parsed = _digit_first(line, now, zone)
    elif first == "<":
        parsed = parse_syslog(line, now, zone)
    elif first == "[":
        parsed = _bracket_first(line, zone)
    elif first == "-":
        parsed = parse_bgl(line)
    elif "A" <= first <= "Z":
        if line[3:4] == " " and line[:3] in MONTHS:
            parsed = parse_syslog(line, now, zone)
        elif line[1:2] == "/":
            parsed = parse_logcat(line, now, zone)
        else:
            parsed = parse_python_default(line)
            if parsed is None:
                parsed = parse_bgl(line)  # alert lines open with their label, e.g. "KERNDTLB"
    if parsed is None:
        parsed = _maybe_access(line)  # also host names and IPv6 addresses as the first field
    # No dedicated detector knows the line: the general header reader takes what any header offers.
    return parsed if parsed is not None else parse_header(line, now, zone)


def parse_line(text: str, *, now: datetime | None = None, zone: tzinfo = UTC) -> RawEvent:
    """Parse one raw log line in any supported format; never raises.

    :param text: the line; surrounding whitespace and a byte-order mark are ignored. A record may hold
        several lines: the header is read from the first, the rest stays in the message, but for a Java or Python
        stack trace, which becomes ``exception``.
    :param now: reference time for year-less timestamps (syslog, logcat): such a time is placed in this
        year, or the one before if it would be more than a day ahead. Defaults to the current time;
        pass the Kafka record's timestamp when replaying old logs.
    :param zone: the zone of timestamps that name none (the service's own zone, when configured). Epoch
        times and times with an offset do not depend on it.
    :returns: the event; ``format`` is "plain" when no dedicated detector recognised the line (its fields
        then come from the general header reader).
    """
    try:
        line = text.strip().lstrip("\ufeff")
        if not line:
            return RawEvent(format="plain", message=text)
        if now is None:
            now = datetime.now(UTC)
        elif now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        event = detect(line, now, zone)
        message, exception = split_trace(event.message)
        return event if exception is None else replace(event, message=message, exception=exception)
    except Exception:  # a parser bug must cost one line its fields, never the stream
        logger.debug("parse_line failed, kept as plain text", exc_info=True)
        return RawEvent(format="plain", message=text if isinstance(text, str) else repr(text))
