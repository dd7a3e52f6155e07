"""Injectable incidents: what they are, and the ``NAME@START[+DURATION]`` syntax that schedules them."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["INCIDENTS", "Incident", "parse_duration", "parse_incident", "DEFAULT_DURATION_S"]

INCIDENTS = {
    "brute_force": "auth: a burst of failed logins for many user names from a few IPs, lockouts, WAF blocks",
    "latency_storm": "search, recommender, inventory: slow queries, timeouts, GC pauses, saturated pools",
    "payment_outage": "payment: the provider times out or refuses connections, the circuit breaker opens",
}
DEFAULT_DURATION_S = 60.0

# The syntax of logwatch's core.durations (this package installs alone, so it keeps a copy;
# tests/producers/test_core_agrees.py holds the two together).
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


def parse_duration(text: str) -> float:
    """Seconds in ``90``, ``90s``, ``2m``, ``1h``, ``1d`` or ``500ms``.

    :raises ValueError: the text is not a duration.
    """
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a duration; write e.g. 90s, 2m or 1h.")
    return float(match.group(1)) * _UNITS[match.group(2)]


@dataclass(frozen=True)
class Incident:
    """One scheduled incident: ``kind`` from ``start_s`` (after the demo starts) for ``duration_s``."""

    kind: str
    start_s: float
    duration_s: float = DEFAULT_DURATION_S

    def active(self, elapsed_s: float) -> bool:
        return self.start_s <= elapsed_s < self.start_s + self.duration_s

    def __str__(self) -> str:
        return f"{self.kind} at {self.start_s:g}s for {self.duration_s:g}s"


def parse_incident(spec: str) -> Incident:
    """``brute_force@60s`` or ``latency_storm@2m+90s`` (start after launch, optional duration).

    :raises ValueError: one sentence naming what was wrong.
    """
    name, at, when = spec.partition("@")
    name = name.strip()
    if name not in INCIDENTS:
        raise ValueError(f"Unknown incident '{name}'; choose one of {', '.join(INCIDENTS)}.")
    if not at:
        return Incident(name, 0.0)
    start, plus, length = when.partition("+")
    duration = parse_duration(length) if plus else DEFAULT_DURATION_S
    if duration <= 0:
        raise ValueError(f"Incident '{spec}' needs a positive duration.")
    return Incident(name, parse_duration(start), duration)
