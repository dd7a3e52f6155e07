"""The alert message on the alerts topic, parsed and validated into a frozen :class:`Alert`.

The streaming rules engine writes these messages and the alert consumer reads them; both use this one model
(docs/design.md describes the fields). A message that does not follow the contract raises
:class:`~core.errors.InvalidAlert` with one sentence naming the field; the consumer sends it to the alerts
dead-letter topic with that reason and its original bytes.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.contract import ALERT_STATUSES, CATEGORIES, SEVERITIES, rfc3339
from core.errors import InvalidAlert

__all__ = ["Alert", "parse_alert", "MAX_SAMPLES"]

logger = logging.getLogger(__name__)

MAX_SAMPLES = 3
_MAX_ID_CHARS = 512
_MAX_NAME_CHARS = 256
_MAX_SAMPLE_CHARS = 4000
_MAX_URL_CHARS = 2048


@dataclass(frozen=True)
class Alert:
    """One alert; ``service`` and ``category`` may be None (rules spanning them)."""

    alert_id: str
    status: str
    rule: str
    severity: str
    service: str | None
    category: str | None
    window_start: datetime
    window_end: datetime
    value: float
    threshold: float
    generated_at: datetime
    samples: tuple[str, ...] = ()
    dashboard_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        """The suppression key: the rule plus its group value (the service)."""
        return f"{self.rule}|{self.service or ''}"

    @property
    def severity_rank(self) -> int:
        return SEVERITIES.index(self.severity)

    def to_dict(self) -> dict[str, Any]:
        """The message's fields as JSON-ready values (times in UTC RFC 3339)."""
        return {
            "alert_id": self.alert_id,
            "status": self.status,
            "rule": self.rule,
            "severity": self.severity,
            "service": self.service,
            "category": self.category,
            "window_start": rfc3339(self.window_start),
            "window_end": rfc3339(self.window_end),
            "value": self.value,
            "threshold": self.threshold,
            "samples": list(self.samples),
            "dashboard_url": self.dashboard_url,
            "generated_at": rfc3339(self.generated_at),
        }

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), ensure_ascii=False).encode("utf-8")


def _text(raw: dict[str, Any], name: str, *, limit: int, nullable: bool = False) -> str | None:
    if name not in raw:
        raise InvalidAlert(f"The alert has no '{name}' field; the rule that emitted it must set it.")
    value = raw[name]
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidAlert(f"Field '{name}' must be a non-empty string, got {value!r:.80}; fix the emitting rule.")
    if len(value) > limit:
        raise InvalidAlert(f"Field '{name}' is {len(value)} characters, over the limit of {limit}; shorten it.")
    return value


def _choice(
    raw: dict[str, Any], name: str, allowed: tuple[str, ...], *, upper: bool, nullable: bool = False
) -> str | None:
    value = _text(raw, name, limit=_MAX_NAME_CHARS, nullable=nullable)
    if value is None:
        return None
    normal = value.strip().upper() if upper else value.strip().lower()
    if normal not in allowed:
        raise InvalidAlert(
            f"Field '{name}' must be one of {', '.join(allowed)}, got {value!r:.80}; fix the emitting rule."
        )
    return normal


def _time(raw: dict[str, Any], name: str) -> datetime:
    value = _text(raw, name, limit=64)
    assert value is not None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidAlert(
            f"Field '{name}' must be an RFC 3339 time, got {value!r:.80}; fix the emitting rule."
        ) from None
    if moment.tzinfo is None:
        raise InvalidAlert(f"Field '{name}' has no UTC offset ({value!r:.80}); write times with 'Z' or '+00:00'.")
    return moment.astimezone(UTC)


def _number(raw: dict[str, Any], name: str) -> float:
    value = raw.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidAlert(f"Field '{name}' must be a number, got {value!r:.80}; fix the emitting rule.")
    if not math.isfinite(value):
        raise InvalidAlert(f"Field '{name}' must be a finite number, got {value!r}; fix the emitting rule.")
    return float(value)


def _samples(raw: dict[str, Any]) -> tuple[str, ...]:
    value = raw.get("samples")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise InvalidAlert("Field 'samples' must be a list of strings; fix the emitting rule.")
    return tuple(s[:_MAX_SAMPLE_CHARS] for s in value[:MAX_SAMPLES])


def _url(raw: dict[str, Any]) -> str:
    value = raw.get("dashboard_url") or ""
    if not isinstance(value, str) or len(value) > _MAX_URL_CHARS:
        raise InvalidAlert(
            f"Field 'dashboard_url' must be a string of at most {_MAX_URL_CHARS} characters; fix the emitting rule."
        )
    return value


def parse_alert(data: bytes | str | dict[str, Any]) -> Alert:
    """Parse and validate one alert message.

    :param data: the Kafka record value (UTF-8 JSON), or an already decoded object.
    :raises InvalidAlert: with one sentence naming the first field that breaks the contract.
    """
    if isinstance(data, dict):
        raw: Any = data
    else:
        try:
            raw = json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
        except UnicodeDecodeError:
            raise InvalidAlert("The alert is not UTF-8 text; producers must send UTF-8 JSON.") from None
        except json.JSONDecodeError as exc:
            raise InvalidAlert(
                f"The alert is not valid JSON ({exc.msg} at position {exc.pos}); producers must send one JSON object."
            ) from None
    if not isinstance(raw, dict):
        raise InvalidAlert(f"The alert must be a JSON object, got {type(raw).__name__}; send one object.")
    window_start, window_end = _time(raw, "window_start"), _time(raw, "window_end")
    if window_end < window_start:
        raise InvalidAlert("Field 'window_end' is before 'window_start'; fix the emitting rule.")
    alert_id = _text(raw, "alert_id", limit=_MAX_ID_CHARS)
    status = _choice(raw, "status", ALERT_STATUSES, upper=False)
    rule = _text(raw, "rule", limit=_MAX_NAME_CHARS)
    severity = _choice(raw, "severity", SEVERITIES, upper=True)
    assert alert_id is not None and status is not None and rule is not None and severity is not None
    known = {
        "alert_id",
        "status",
        "rule",
        "severity",
        "service",
        "category",
        "window_start",
        "window_end",
        "value",
        "threshold",
        "samples",
        "dashboard_url",
        "generated_at",
    }
    return Alert(
        alert_id=alert_id,
        status=status,
        rule=rule,
        severity=severity,
        service=_text(raw, "service", limit=_MAX_NAME_CHARS, nullable=True),
        category=_choice(raw, "category", CATEGORIES, upper=False, nullable=True),
        window_start=window_start,
        window_end=window_end,
        value=_number(raw, "value"),
        threshold=_number(raw, "threshold"),
        generated_at=_time(raw, "generated_at"),
        samples=_samples(raw),
        dashboard_url=_url(raw),
        extra={k: v for k, v in raw.items() if k not in known},
    )
