"""The names every part of logwatch shares, defined once (docs/design.md explains them).

Levels and their aliases, categories, severities, alert statuses, the default topic and index names (the
configuration's ``topics`` and ``indices`` sections, which every reader and writer takes them from), where
the services write their status files, one RFC 3339 formatter and one dashboard-URL builder.

``producers/`` installs on its own, so it keeps a copy of the level table; a test checks that the two agree.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict

__all__ = [
    "LEVELS",
    "LEVEL_ALIASES",
    "normalise_level",
    "CATEGORIES",
    "SEVERITIES",
    "ALERT_STATUSES",
    "Topics",
    "Indices",
    "status_path",
    "rfc3339",
    "rfc3339_ms",
    "dashboard_url",
]

LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL")
# Every spelling that stands for one of LEVELS, in upper case. Single letters are the usual one-letter level
# columns (glog, logcat, Android); numeric levels are for the parsers that meet them to map.
LEVEL_ALIASES = {
    "TRACE": "TRACE",
    "FINEST": "TRACE",
    "FINER": "TRACE",
    "VERBOSE": "TRACE",
    "DEBUG": "DEBUG",
    "FINE": "DEBUG",
    "DBG": "DEBUG",
    "D": "DEBUG",
    "INFO": "INFO",
    "INFORMATION": "INFO",
    "NOTICE": "INFO",
    "CONFIG": "INFO",
    "I": "INFO",
    "WARN": "WARN",
    "WARNING": "WARN",
    "W": "WARN",
    "ERROR": "ERROR",
    "ERR": "ERROR",
    "E": "ERROR",
    "SEVERE": "ERROR",
    "FAILURE": "ERROR",
    "CRITICAL": "CRITICAL",
    "CRIT": "CRITICAL",
    "FATAL": "CRITICAL",
    "ALERT": "CRITICAL",
    "EMERG": "CRITICAL",
    "EMERGENCY": "CRITICAL",
    "PANIC": "CRITICAL",
    "F": "CRITICAL",
}
CATEGORIES = ("security", "performance", "business", "general")
SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
ALERT_STATUSES = ("firing", "resolved")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def normalise_level(level: str) -> str | None:
    """The level ``level`` (any case, any alias in LEVEL_ALIASES) stands for, else None.

    :param level: a level name as written in a log line or a query.
    """
    return LEVEL_ALIASES.get(level.strip().upper())


class Topics(BaseModel):
    """Kafka topic names (config section ``topics``; env ``TOPICS_<NAME>``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    logs: str = "logs"
    classified: str = "logs.classified"
    dlq: str = "logs.dlq"
    alerts: str = "alerts"
    alerts_dlq: str = "alerts.dlq"


class Indices(BaseModel):
    """Elasticsearch names (config section ``indices``; env ``INDICES_<NAME>``).

    ``logs`` is the alias readers use and the prefix of the daily indices ``<logs>-YYYY.MM.DD``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    logs: str = "logs_classified"
    alerts: str = "alerts"
    silences: str = "alert_silences"
    corrections: str = "category_corrections"


def status_path(var_dir: Path, component: str) -> Path:
    """Where ``component`` (``streaming`` or ``alerting``) writes the status file the API's /health reads.

    :param var_dir: the configured runtime folder.
    :param component: the service's name.
    """
    return var_dir / component / "status.json"


# Memoised: the sink formats each document's times, and those of a burst share their milliseconds (the batch's
# processing time is the same for all its documents).
@lru_cache(maxsize=4096)
def rfc3339(moment: datetime) -> str:
    """``moment`` in UTC as RFC 3339 with milliseconds and a ``Z`` suffix (naive times are taken as UTC).

    :param moment: the time to format.
    """
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def rfc3339_ms(epoch_ms: int) -> str:
    """Epoch milliseconds as :func:`rfc3339` text.

    :param epoch_ms: milliseconds since 1970-01-01 UTC.
    """
    return rfc3339(_EPOCH + timedelta(milliseconds=epoch_ms))


def dashboard_url(
    base_url: str,
    *,
    q: str = "",
    service: str | list[str] | None = None,
    level: str | list[str] | None = None,
    category: str | list[str] | None = None,
    host: str | list[str] | None = None,
    start: datetime | str | None = None,
    end: datetime | str | None = None,
    doc: str | None = None,
) -> str:
    """A dashboard URL that opens the given search (the dashboard keeps its whole view state in the URL).

    :param base_url: the dashboard's address (``api.public_url``, or the API's own ``http://host:port``).
    :param q: query text.
    :param service: service filter(s); likewise ``level``, ``category``, ``host``.
    :param start: start of the time range (a datetime, or text such as ``now-1h``).
    :param end: end of the time range.
    :param doc: an event id to open.
    """
    params: list[tuple[str, str]] = []
    if q:
        params.append(("q", q))
    for name, value in (("service", service), ("level", level), ("category", category), ("host", host)):
        if value:
            params.append((name, ",".join(value) if isinstance(value, list) else value))
    for name, ts in (("from", start), ("to", end)):
        if ts is not None:
            params.append((name, rfc3339(ts) if isinstance(ts, datetime) else ts))
    if doc:
        params.append(("doc", doc))
    base = base_url.rstrip("/") + "/"
    return base + ("?" + urlencode(params) if params else "")
