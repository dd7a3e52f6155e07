"""The result of parsing one raw log line, whatever its format."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["FORMATS", "RawEvent"]

logger = logging.getLogger(__name__)

# Every value RawEvent.format can take, in the order the detectors prefer them.
FORMATS = (
    "syslog5424",
    "syslog3164",
    "apache_access",
    "apache_error",
    "log4j",
    "python",
    "logcat",
    "hdfs",
    "bgl",
    "hpc",
    "plain",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RawEvent:
    """One raw line split into the event fields of docs/design.md.

    :param format: which detector recognised the line, one of :data:`FORMATS`.
    :param timestamp: aware UTC time taken from the line, or None when the line carries none.
    :param level: one of core.contract.LEVELS (TRACE ... CRITICAL), or None when the line names none.
    :param service: the program the format itself names (syslog tag/app-name), else None.
    :param host: the host the line names (syslog hostname, cluster node), else None.
    :param logger: the logger/component/tag that emitted the line, else None.
    :param message: the human message; the whole line when the format has no separate message part.
    :param attributes: everything else the format carries (status, pid, thread, client_ip ...).
    :param exception: a stack trace the record carried after its first line, as {type, message, stacktrace}.
    """

    format: str
    timestamp: datetime | None = None
    level: str | None = None
    service: str | None = None
    host: str | None = None
    logger: str | None = None
    message: str
    attributes: dict[str, str | int | float] = field(default_factory=dict)
    exception: dict[str, str | None] | None = None

    def fields(self, timestamp: datetime, service: str | None) -> dict[str, Any]:
        """The event fields of docs/design.md.

        :param timestamp: the event's time (the line's own, or one the caller found).
        :param service: the service when the line names none ("unknown" when neither does).
        """
        fields: dict[str, Any] = {
            "timestamp": timestamp,
            "level": self.level or "INFO",
            # A service the line names (syslog tag) wins over the producer's key.
            "service": self.service or service or "unknown",
            "message": self.message,
        }
        if self.host:
            fields["host"] = self.host
        if self.logger:
            fields["logger"] = self.logger
        if self.attributes:
            fields["attributes"] = dict(self.attributes)
        if self.exception:
            fields["exception"] = dict(self.exception)
        return fields
