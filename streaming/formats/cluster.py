"""Supercomputer logs from Loghub: Blue Gene/L RAS logs ("bgl") and the LANL HPC logs ("hpc")."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from streaming.formats._common import Attributes, event, level_of
from streaming.formats.model import RawEvent

__all__ = ["parse_bgl", "parse_hpc"]

logger = logging.getLogger(__name__)

# "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS
# KERNEL INFO msg": alert label ('-' when none), epoch seconds, date, node, local time with
# microseconds, node again, type, component, level.
_BGL = re.compile(
    r"(\S{1,32}) (\d{9,11}) \d{4}\.\d\d\.\d\d (\S{1,64}) \d{4}-\d\d-\d\d-\d\d\.\d\d\.\d\d\.(\d{6}) "
    r"\S{1,64} ([A-Z_]{1,32}) ([A-Z_0-9]{1,32}) ([A-Z]{1,16})(?: |$)",
    re.ASCII,
)
# "134681 node-246 unix.hw state_change.unavailable 1077804742 1 msg": log id, node, component,
# state, epoch seconds, flag.
_HPC = re.compile(r"(\d{1,12}) (\S{1,64}) (\S{1,64}) (\S{1,128}) (\d{9,11}) (-?\d{1,3})(?: |$)", re.ASCII)


def _epoch(seconds: str, microsecond: int = 0) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(seconds), UTC).replace(microsecond=microsecond)
    except (ValueError, OverflowError, OSError):
        return None


def parse_bgl(line: str) -> RawEvent | None:
    """A Blue Gene/L RAS line, or None. The time is the epoch field (UTC), not the local date text."""
    m = _BGL.match(line, 0, 512)
    if m is None:
        return None
    label, seconds, node, fraction, kind, component, level_word = m.groups()
    level = level_of(level_word)
    if level is None:
        return None
    attributes: Attributes = {"type": kind}
    if label != "-":
        attributes["alert"] = label
    return event("bgl", line, line[m.end() :], timestamp=_epoch(seconds, int(fraction)), level=level,
                 host=node, logger=component, attributes=attributes)  # fmt: skip


def parse_hpc(line: str) -> RawEvent | None:
    """A LANL HPC line, or None. It carries no level; the flag is kept as an attribute."""
    m = _HPC.match(line, 0, 512)
    if m is None:
        return None
    log_id, node, component, state, seconds, flag = m.groups()
    attributes: Attributes = {"log_id": int(log_id), "state": state, "flag": int(flag)}
    return event("hpc", line, line[m.end() :], timestamp=_epoch(seconds), host=node, logger=component,
                 attributes=attributes)  # fmt: skip
