"""One router per resource: search, logs, stats, patterns, alerts, silences, corrections, health (+ metrics), ws,
session."""

from __future__ import annotations

from api.routers import alerts, corrections, health, logs, patterns, search, session, silences, stats, ws

__all__ = ["alerts", "corrections", "health", "logs", "patterns", "search", "session", "silences", "stats", "ws"]
