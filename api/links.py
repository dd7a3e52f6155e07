"""Links into the dashboard: the view state lives in the URL, so an alert can point at exactly its logs.

URL parameters of the dashboard (all optional, repeatable ones may also be comma-separated)::

    q         query text                          service, level, category, host   field filters
    from, to  now-15m / RFC 3339 / epoch ms        sort      desc | asc
    split     category | level | service | none   doc       event_id of the document shown open
    tail      1 to start with live tail on
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from api.timerange import iso

__all__ = ["dashboard_url"]


def dashboard_url(
    public_url: str,
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
    """A dashboard URL that opens the given search.

    :param public_url: the dashboard's base URL (``api.public_url``, or ``http://127.0.0.1:8000``).
    :param q: query text.
    :param service: service filter(s); likewise ``level``, ``category``, ``host``.
    :param start: start of the time range (datetime or text such as ``now-1h``).
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
            params.append((name, iso(ts) if isinstance(ts, datetime) else ts))
    if doc:
        params.append(("doc", doc))
    base = public_url.rstrip("/") + "/"
    return base + ("?" + urlencode(params) if params else "")
