"""One router per resource: search, logs, stats, alerts, silences, health (+ metrics), ws, session."""

from __future__ import annotations

from api.routers import alerts, health, logs, search, session, silences, stats, ws

__all__ = ["alerts", "health", "logs", "search", "session", "silences", "stats", "ws"]
