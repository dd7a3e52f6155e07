"""One router per resource: search, logs, stats, patterns, alerts, silences, health (+ metrics), ws, session."""

from __future__ import annotations

from api.routers import alerts, health, logs, patterns, search, session, silences, stats, ws

__all__ = ["alerts", "health", "logs", "patterns", "search", "session", "silences", "stats", "ws"]
