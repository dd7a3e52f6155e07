"""The alert messages the rules write (core.alert's model): deterministic ids, times, and the dashboard link.

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

from core.alert import Alert
from core.contract import dashboard_url, rfc3339_ms
from streaming.rules.model import Rule

__all__ = ["alert_id", "make_alert"]

logger = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def alert_id(rule: str, group: tuple[str, ...], window_start_ms: int) -> str:
    """The deterministic id of rule ``rule`` firing for ``group`` from the window starting at ``window_start_ms``."""
    raw = json.dumps([rule, list(group), window_start_ms], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _moment(epoch_ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=epoch_ms)


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
    """One alert message (:class:`core.alert.Alert`'s fields, plus ``group``: the rule's group_by values by name).

    :param rule: the rule that fired or resolved.
    :param group: the rule's group_by values.
    :param status: ``firing`` or ``resolved``.
    :param start_ms: the window start the id derives from (for a resolved alert: the firing's).
    :param end_ms: the window end (for a resolved alert: the end of the window that cleared).
    :param value: the window's value; ``threshold``: what it is held to.
    :param samples: messages of matching events (the first three are kept).
    :param base_url: the dashboard's address (``config.api.dashboard_base``).
    :param now: when the alert is generated.
    """
    service, category = rule.labels(group)
    alert = Alert(
        alert_id=alert_id(rule.name, group, start_ms),
        status=status,
        rule=rule.name,
        severity=rule.severity,
        service=service,
        category=category,
        window_start=_moment(start_ms),
        window_end=_moment(end_ms),
        value=value,
        threshold=threshold,
        generated_at=now,
        samples=tuple(samples[:3]),
        dashboard_url=dashboard_url(base_url, service=service, start=rfc3339_ms(start_ms), end=rfc3339_ms(end_ms)),
    )
    return {**alert.to_dict(), "group": dict(zip(rule.group_by, group, strict=True))}
