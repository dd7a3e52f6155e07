"""Web server logs: Apache/Nginx access logs (common and combined) and Apache error logs (2.2 and 2.4)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, tzinfo

from streaming.formats._common import MONTHS, Attributes, event, level_of, make_time, micros, tz_of
from streaming.formats.model import RawEvent

__all__ = ["parse_access", "parse_apache_error"]

logger = logging.getLogger(__name__)

# A quoted field as Apache and Nginx escape it (\" and \xNN inside), bounded so that an unterminated
# quote in a 1 MB line costs one bounded scan, never a quadratic one.
_QUOTED = r'"((?:[^"\\]|\\.){0,16384})"'
_ACCESS = re.compile(
    r"(?:([^\s\"\[]{1,255}) )?([^\s\"\[]{1,255}) ([^\s\[]{1,255}) ([^\s\[]{1,255}) "
    r"\[(\d\d)/([A-Z][a-z]{2})/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? ([+-]\d{4})\] "
    + _QUOTED
    + r" (\d{3}|-) (\d{1,19}|-)(?: "
    + _QUOTED
    + " "
    + _QUOTED
    + r")?(?: "
    + _QUOTED
    + ")?",
    re.ASCII,
)
_ERROR = re.compile(
    r"\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? (\d{4})\] "
    r"\[(?:([\w-]{1,64}):)?([a-z]{1,8})\d?\]"
    r"(?: \[pid (\d{1,10})(?::tid (\d{1,20}))?\])?"
    r"(?: \[client ([^\]\s]{1,300})\])? ?",
    re.ASCII,
)
_ERROR_CODE = re.compile(r"(AH\d{5}): ", re.ASCII)
_REFERER_TAIL = re.compile(r", referer: (\S{1,4096})$", re.ASCII)
_IPV4_PORT = re.compile(r"(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}", re.ASCII)
_ACCESS_ENDPOS = 65536


def _status_level(status: int | None) -> str:
    if status is not None and 500 <= status <= 599:
        return "ERROR"
    if status is not None and 400 <= status <= 499:
        return "WARN"
    return "INFO"


def _set(attributes: Attributes, key: str, value: str | None) -> None:
    """Set an attribute unless the log wrote its 'no value' dash."""
    if value is not None and value != "-" and value != "":
        attributes[key] = value


def parse_access(line: str) -> RawEvent | None:
    """An Apache/Nginx access log line (common, combined, vhost_combined, Nginx's default main), or None.

    The whole line stays the message: for access logs the request, status and agent are what a reader
    (and the classifier) needs to see together.
    """
    m = _ACCESS.match(line, 0, _ACCESS_ENDPOS)
    if m is None:
        return None
    g = m.groups()
    month = MONTHS.get(g[5])
    if month is None:
        return None
    timestamp = make_time(int(g[6]), month, int(g[4]), int(g[7]), int(g[8]), int(g[9]), micros(g[10]), tz_of(g[11]))
    attributes: Attributes = {"client_ip": g[1]}
    _set(attributes, "vhost", g[0])
    _set(attributes, "ident", g[2])
    _set(attributes, "user", g[3])
    request = g[12]
    parts = request.split(" ")
    if 2 <= len(parts) <= 3 and parts[0].isascii() and parts[0].isupper() and parts[0].isalpha():
        attributes["method"] = parts[0]
        attributes["path"] = parts[1]
        if len(parts) == 3:
            attributes["protocol"] = parts[2]
    else:
        _set(attributes, "request", request)
    status = int(g[13]) if g[13] != "-" else None
    if status is not None:
        attributes["status"] = status
    if g[14] != "-":
        attributes["bytes"] = int(g[14])
    _set(attributes, "referrer", g[15])
    _set(attributes, "user_agent", g[16])
    _set(attributes, "forwarded_for", g[17])
    extra = line[m.end() :].strip()
    if extra:
        attributes["extra"] = extra
    return event("apache_access", line, line, timestamp=timestamp, level=_status_level(status),
                 attributes=attributes)  # fmt: skip


def parse_apache_error(line: str, zone: tzinfo = UTC) -> RawEvent | None:
    """An Apache error log line, 2.2 (``[date] [level] [client ip] msg``) or 2.4 (``[mod:level] [pid]``)."""
    m = _ERROR.match(line)
    if m is None:
        return None
    g = m.groups()
    month = MONTHS.get(g[0])
    level = level_of(g[8])
    if month is None or level is None:
        return None
    # Apache writes local time without a zone.
    timestamp = make_time(int(g[6]), month, int(g[1]), int(g[2]), int(g[3]), int(g[4]), micros(g[5]), zone)
    attributes: Attributes = {}
    _set(attributes, "module", g[7])
    if g[9] is not None:
        attributes["pid"] = int(g[9])
    if g[10] is not None:
        attributes["tid"] = int(g[10])
    client = g[11]
    if client is not None:
        ipv4 = _IPV4_PORT.fullmatch(client)
        attributes["client_ip"] = ipv4.group(1) if ipv4 is not None else client
    message = line[m.end() :]
    code = _ERROR_CODE.match(message)
    if code is not None:
        attributes["code"] = code.group(1)
    referer = _REFERER_TAIL.search(message, max(0, len(message) - 4200))
    if referer is not None:
        attributes["referrer"] = referer.group(1)
    return event("apache_error", line, message, timestamp=timestamp, level=level, attributes=attributes)
