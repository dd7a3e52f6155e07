"""What every sender shows, whatever the markup: titles, emoji, colours, numbers, windows, links."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC
from urllib.parse import quote, urljoin, urlsplit

from core.alert import Alert
from core.contract import dashboard_url

__all__ = [
    "SEVERITY_EMOJI",
    "SEVERITY_COLOUR",
    "RESOLVED_EMOJI",
    "RESOLVED_COLOUR",
    "title",
    "emoji",
    "colour",
    "value_text",
    "window_text",
    "dashboard_link",
    "summary",
    "ordered",
]

logger = logging.getLogger(__name__)

SEVERITY_EMOJI = {"LOW": "🔵", "MEDIUM": "🟡", "HIGH": "🟠", "CRITICAL": "🔴"}
SEVERITY_COLOUR = {"LOW": "#439FE0", "MEDIUM": "#DAA038", "HIGH": "#E8590C", "CRITICAL": "#D00000"}
RESOLVED_EMOJI = "✅"
RESOLVED_COLOUR = "#2EB67D"


def emoji(alert: Alert) -> str:
    return RESOLVED_EMOJI if alert.status == "resolved" else SEVERITY_EMOJI[alert.severity]


def colour(alerts: Sequence[Alert]) -> str:
    """The colour of the most severe firing alert, or green when everything is resolved."""
    firing = [a for a in alerts if a.status == "firing"]
    if not firing:
        return RESOLVED_COLOUR
    return SEVERITY_COLOUR[max(firing, key=lambda a: a.severity_rank).severity]


def title(alert: Alert) -> str:
    """``🔴 CRITICAL error-rate`` or ``✅ RESOLVED error-rate`` (plain text: escape it for the markup)."""
    word = "RESOLVED" if alert.status == "resolved" else alert.severity
    return f"{emoji(alert)} {word} {alert.rule}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.4g}"


def value_text(alert: Alert) -> str:
    return f"{_number(alert.value)} (threshold {_number(alert.threshold)})"


def window_text(alert: Alert) -> str:
    """``2025-11-23 16:00:00 → 16:05:00 UTC (5 min)``."""
    start, end = alert.window_start.astimezone(UTC), alert.window_end.astimezone(UTC)
    seconds = (end - start).total_seconds()
    length = f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"
    end_text = end.strftime("%H:%M:%S") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M:%S")
    return f"{start:%Y-%m-%d %H:%M:%S} → {end_text} UTC ({length})"


def dashboard_link(alert: Alert, public_url: str) -> str | None:
    """An http(s) link to the dashboard search for the alert's service and window, or None.

    The rule's ``dashboard_url`` wins when it is on the dashboard's own host (anyone who can write the alerts
    topic could otherwise choose where people click); a relative one is joined to ``public_url``; otherwise a
    search link is built from ``public_url``. Other schemes (``javascript:``...) are dropped.

    :param alert: the alert.
    :param public_url: where people open the dashboard (``config.api.dashboard_base``), may be "".
    """
    base = public_url.rstrip("/")
    url = alert.dashboard_url.strip()
    given = urlsplit(url)
    if given.scheme and (given.scheme, given.netloc) != urlsplit(base)[:2]:
        url = ""
    if url and not urlsplit(url).scheme and base:
        url = urljoin(base + "/", url.lstrip("/"))
    elif not url and base:
        url = dashboard_url(base, service=alert.service, start=alert.window_start, end=alert.window_end)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    # Characters that would end a Slack <url|label> or an HTML attribute never appear unencoded.
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~.-_")


def ordered(alerts: Sequence[Alert]) -> list[Alert]:
    """Firing before resolved, most severe first, then by rule and service."""
    return sorted(alerts, key=lambda a: (a.status != "firing", -a.severity_rank, a.rule, a.service or ""))


def summary(alerts: Sequence[Alert]) -> str:
    """One line for a group: the title of a single alert, or counts for several."""
    if len(alerts) == 1:
        return title(alerts[0])
    firing = sum(1 for a in alerts if a.status == "firing")
    parts = [f"{firing} firing"] if firing else []
    if len(alerts) - firing:
        parts.append(f"{len(alerts) - firing} resolved")
    top = ordered(alerts)[0]
    return f"{emoji(top)} {len(alerts)} alerts: {', '.join(parts)}"
