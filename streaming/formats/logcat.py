"""Android logcat: ``threadtime`` (the default), ``threadtime`` with ``-v year``, and ``brief``."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, tzinfo

from streaming.formats._common import Attributes, event, infer_year, level_of
from streaming.formats.model import RawEvent

__all__ = ["parse_logcat", "parse_logcat_after_time"]

logger = logging.getLogger(__name__)

# logcat priority letters; V(erbose) and A(ssert) are not aliases in core.contract, so they are named here.
_PRIORITIES = {"V": "TRACE", "D": "DEBUG", "I": "INFO", "W": "WARN", "E": "ERROR", "F": "CRITICAL",
               "A": "CRITICAL"}  # fmt: skip
_BODY = r" +(\d{1,10}) +(\d{1,10}) ([VDIWEFA]) ([^:\n]{0,128}?) ?: ?"
_THREADTIME = re.compile(r"(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})" + _BODY, re.ASCII)
_AFTER_TIME = re.compile(_BODY, re.ASCII)
_BRIEF = re.compile(r"([VDIWEFA])/([^(\n]{0,128}?) *\( *(\d{1,10})\): ?", re.ASCII)


def _event(line: str, end: int, timestamp: datetime | None, g: tuple[str | None, ...]) -> RawEvent:
    attributes: Attributes = {"pid": int(g[0] or 0), "tid": int(g[1] or 0)}
    return event("logcat", line, line[end:], timestamp=timestamp, level=_PRIORITIES.get(g[2] or ""),
                 logger=(g[3] or "").strip(), attributes=attributes)  # fmt: skip


def parse_logcat(line: str, now: datetime, zone: tzinfo = UTC) -> RawEvent | None:
    """``MM-dd HH:mm:ss.SSS PID TID L TAG: msg`` or ``L/TAG( PID): msg``, or None.

    :param now: the reference time for the year-less timestamp.
    :param zone: the zone of the timestamp (device local time).
    """
    m = _THREADTIME.match(line)
    if m is not None:
        g = m.groups()
        timestamp = infer_year(now, int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), int(g[5]) * 1000, zone)
        return _event(line, m.end(), timestamp, g[6:])
    m = _BRIEF.match(line)
    if m is None:
        return None
    return event("logcat", line, line[m.end() :], level=level_of(_PRIORITIES[m.group(1)]),
                 logger=m.group(2).strip(), attributes={"pid": int(m.group(3))})  # fmt: skip


def parse_logcat_after_time(line: str, pos: int, timestamp: datetime | None) -> RawEvent | None:
    """The ``PID TID L TAG: msg`` part of ``logcat -v year`` after its ``yyyy-MM-dd`` time, or None."""
    m = _AFTER_TIME.match(line, pos, pos + 256)
    if m is None:
        return None
    return _event(line, m.end(), timestamp, m.groups())
