"""Syslog: RFC 5424, RFC 3164 (BSD, as in /var/log/messages) and rsyslog's ISO-timestamped file format."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, tzinfo

from streaming.formats._common import (
    ANGLED_LEVEL,
    ISO_TS,
    MONTHS,
    Attributes,
    event,
    infer_year,
    iso_match_time,
    level_of,
    micros,
)
from streaming.formats.model import RawEvent

__all__ = ["parse_bsd_after_time", "parse_syslog"]

logger = logging.getLogger(__name__)

_FACILITIES = (
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
    "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
)  # fmt: skip
# RFC 5424 severities 0..7: emerg, alert, crit -> CRITICAL; err; warning; notice, info; debug.
_SEVERITY_LEVELS = ("CRITICAL", "CRITICAL", "CRITICAL", "ERROR", "WARN", "INFO", "INFO", "DEBUG")

# Field lengths are bounded (RFC 5424 section 6) so a hostile line cannot make a match scan far.
_RFC5424 = re.compile(r"<(\d{1,3})>([1-9]\d?) (\S{1,64}) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) ?", re.ASCII)
_SD_ELEMENT = re.compile(r'\[([^ =\]"]{1,64})((?: [^ =\]"]{1,64}="(?:[^"\\]|\\.)*")*)\]', re.ASCII)
_SD_PARAM = re.compile(r'([^ =\]"]{1,64})="((?:[^"\\]|\\.)*)"', re.ASCII)
_SD_UNESCAPE = re.compile(r"\\([\"\\\]])")
_BSD = re.compile(r"(?:<(\d{1,3})>)?([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? +", re.ASCII)
# A 3164 TAG is the program name; real senders put "(pam_unix)" or "/smtpd" in it, so only the
# characters that end it ([, :, space) are excluded.
_TAG = re.compile(r"([^\s\[\]:]{1,128})(?:\[([^\]\s]{0,32})\])?:(?:[ \t]+|(?=\s)|\Z)", re.ASCII)
_HOST = re.compile(r"(\S{1,255})[ \t]+", re.ASCII)


def _pri(attributes: Attributes, pri_text: str | None) -> str | None:
    """Record the facility and return the level that a <PRI> carries."""
    if pri_text is None:
        return None
    pri = int(pri_text)
    if pri > 191:
        return None
    attributes["facility"] = _FACILITIES[pri >> 3]
    attributes["severity"] = pri & 7
    return _SEVERITY_LEVELS[pri & 7]


def _nil(value: str) -> str | None:
    return None if value == "-" else value


def _pid_value(pid: str) -> str | int:
    return int(pid) if pid.isascii() and pid.isdigit() and len(pid) < 19 else pid


def _structured_data(line: str, pos: int, attributes: Attributes) -> int:
    """Flatten SD elements into ``sd.<id>.<param>`` attributes; returns where the message starts."""
    if line.startswith("-", pos):
        return pos + 1
    while pos < len(line) and line[pos] == "[":
        element = _SD_ELEMENT.match(line, pos)
        if element is None:
            break  # malformed: leave the rest in the message rather than lose it
        sd_id = element.group(1)
        for name, value in _SD_PARAM.findall(element.group(2)):
            attributes[f"sd.{sd_id}.{name}"] = _SD_UNESCAPE.sub(r"\1", value) if "\\" in value else value
        pos = element.end()
    return pos


def _parse_5424(line: str) -> RawEvent | None:
    m = _RFC5424.match(line)
    if m is None:
        return None
    attributes: Attributes = {}
    level = _pri(attributes, m.group(1))
    timestamp = None
    if m.group(3) != "-":
        ts = ISO_TS.fullmatch(m.group(3))
        timestamp = iso_match_time(ts) if ts is not None else None
    procid, msgid = _nil(m.group(6)), _nil(m.group(7))
    if procid is not None:
        attributes["pid"] = _pid_value(procid)
    if msgid is not None:
        attributes["msgid"] = msgid
    pos = _structured_data(line, m.end(), attributes)
    message = line[pos:].lstrip(" ").removeprefix("\ufeff")
    return event(
        "syslog5424",
        line,
        message,
        timestamp=timestamp,
        level=level,
        service=_nil(m.group(5)),
        host=_nil(m.group(4)),
        attributes=attributes,
    )


def parse_bsd_after_time(
    line: str,
    pos: int,
    timestamp: datetime | None,
    level: str | None,
    attributes: Attributes,
    require_tag: bool,
) -> RawEvent | None:
    """The ``HOST TAG[PID]: MSG`` part of a BSD line starting at ``pos``.

    :param require_tag: return None unless a ``TAG:`` is found (the time alone did not prove syslog).
    """
    host = None
    tag = _TAG.match(line, pos)
    if tag is None:
        host_match = _HOST.match(line, pos)
        if host_match is not None:
            host = host_match.group(1)
            bracketed = level_of(host[1:-1]) if host.startswith("[") and host.endswith("]") else None
            if bracketed is not None:
                # HashiCorp's "2024-01-01T12:00:00.123Z [INFO]  agent: ...": a level where a host would stand
                host, level = None, level or bracketed
            tag = _TAG.match(line, host_match.end())
            if tag is None:
                pos = host_match.end()
    if tag is None:
        if require_tag:
            return None
        return event("syslog3164", line, line[pos:], timestamp=timestamp, level=level, host=host,
                     attributes=attributes)  # fmt: skip
    service, pid = tag.groups()
    if pid:
        attributes["pid"] = _pid_value(pid)
    start = tag.end()
    angled = ANGLED_LEVEL.match(line, start)  # NetworkManager's "<info>  [1700000000.1234] device ..."
    if angled is not None and level is None and (level := level_of(angled.group(1))) is not None:
        start = angled.end()
    return event(
        "syslog3164",
        line,
        line[start:],
        timestamp=timestamp,
        level=level,
        service=service,
        host=host,
        attributes=attributes,
    )


def _parse_3164(line: str, now: datetime, zone: tzinfo) -> RawEvent | None:
    m = _BSD.match(line)
    if m is None:
        return None
    pri, month_name, day, hour, minute, second, fraction = m.groups()
    month = MONTHS.get(month_name)
    if month is None:
        return None
    attributes: Attributes = {}
    level = _pri(attributes, pri)
    # Year-less and zone-less: read in the zone, in the most recent year that is not in the future.
    timestamp = infer_year(now, month, int(day), int(hour), int(minute), int(second), micros(fraction), zone)
    # Month, day and time are proof enough of syslog, even without a host or tag.
    return parse_bsd_after_time(line, m.end(), timestamp, level, attributes, require_tag=False)


def _parse_pri_iso(line: str, zone: tzinfo) -> RawEvent | None:
    """``<PRI>`` followed by an RFC 3339 time and a BSD body (rsyslog forwarding format)."""
    close = line.find(">", 1, 5)
    ts = ISO_TS.match(line, close + 1) if close > 0 else None
    if ts is None or not line.startswith(" ", ts.end()):
        return None
    attributes: Attributes = {}
    level = _pri(attributes, line[1:close]) if line[1:close].isdigit() else None
    return parse_bsd_after_time(
        line, ts.end() + 1, iso_match_time(ts, zone=zone), level, attributes, require_tag=level is None
    )


def parse_syslog(line: str, now: datetime, zone: tzinfo = UTC) -> RawEvent | None:
    """A syslog line in any of the supported shapes, or None.

    :param line: the line without its trailing newline.
    :param now: the reference time for year-less RFC 3164 timestamps.
    :param zone: the zone of timestamps that name none.
    """
    if line.startswith("<"):
        parsed = _parse_5424(line)
        if parsed is not None:
            return parsed
        parsed = _parse_pri_iso(line, zone)
        if parsed is not None:
            return parsed
    return _parse_3164(line, now, zone)
