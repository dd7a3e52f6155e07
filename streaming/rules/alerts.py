"""The alert message of DESIGN.md: deterministic ids, times, and the dashboard link.

``alert_id`` is the first 32 hex digits of SHA-256 over the JSON array ``[rule, [group values...],
window_start_ms]``. A resolved message carries the same ``alert_id`` and ``window_start`` as the firing message
it closes (the pair ``(alert_id, status)`` is unique), so both are recognisably the same alert and a re-sent
message is recognisably a repeat.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from core.config import Config
from streaming.rules.model import Rule

__all__ = ["alert_id", "rfc3339_ms", "dashboard_base", "dashboard_url", "make_alert"]

logger = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def alert_id(rule: str, group: tuple[str, ...], window_start_ms: int) -> str:
    """The deterministic id of rule ``rule`` firing for ``group`` from the window starting at ``window_start_ms``."""
    raw = json.dumps([rule, list(group), window_start_ms], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def rfc3339_ms(epoch_ms: int) -> str:
    """Epoch milliseconds as RFC 3339 in UTC with milliseconds and ``Z``."""
    moment = _EPOCH + timedelta(milliseconds=epoch_ms)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dashboard_base(config: Config) -> str:
    """Where people open the dashboard: ``api.public_url`` when set, else the API's own address."""
    return (config.api.public_url or f"http://{config.api.host}:{config.api.port}").rstrip("/")


def dashboard_url(base: str, service: str | None, start_ms: int, end_ms: int) -> str:
    """The dashboard filtered to ``service`` (when there is one) between two times, URL-encoded."""
    params = {"service": service} if service else {}
    params.update({"from": rfc3339_ms(start_ms), "to": rfc3339_ms(end_ms)})
    return f"{base}/?{urlencode(params)}"


def make_alert(
    rule: Rule,
    group: tuple[str, ...],
    *,
    status: str,
    start_ms: int,
    end_ms: int,
    value: float,
    threshold: float,
    samples: list[str],
    base_url: str,
    now: datetime,
) -> dict[str, Any]:
    """One alert message (DESIGN.md fields, plus ``group``: the rule's group_by values by name).

    :param start_ms: the window start the id derives from (for a resolved alert: the firing's).
    :param end_ms: the window end (for a resolved alert: the end of the window that cleared).
    """
    service, category = rule.labels(group)
    return {
        "alert_id": alert_id(rule.name, group, start_ms),
        "status": status,
        "rule": rule.name,
        "severity": rule.severity,
        "service": service,
        "category": category,
        "window_start": rfc3339_ms(start_ms),
        "window_end": rfc3339_ms(end_ms),
        "value": value,
        "threshold": threshold,
        "samples": samples[:3],
        "dashboard_url": dashboard_url(base_url, service, start_ms, end_ms),
        "generated_at": now.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "group": dict(zip(rule.group_by, group, strict=True)),
    }
