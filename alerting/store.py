"""Delivery state that survives a restart: what was sent where, open notices for repeat suppression, and the
alert history documents waiting to be mirrored to Elasticsearch.

SQLite in WAL mode with ``synchronous=FULL``: a write returns after it is on disk. The consumer records a
delivery here before it commits the Kafka offset, so a consumer killed between the two reads the alert again,
finds it delivered, and does not send it twice. History goes through the same transaction (an outbox), and a
flusher copies changed documents to the ``alerts`` index whenever Elasticsearch is reachable.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.alert import Alert
from core.contract import rfc3339

__all__ = ["DeliveryStore", "Notice", "history_id", "overall_status", "DELIVERY_STATUSES"]

logger = logging.getLogger(__name__)

DELIVERY_STATUSES = ("sent", "failed", "suppressed", "silenced", "grouped", "pending")
# Which per-route status decides the alert's overall delivery_status: work in progress first, then trouble.
_PRECEDENCE = ("pending", "grouped", "failed", "sent", "silenced", "suppressed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS delivered (route TEXT NOT NULL, alert_id TEXT NOT NULL, status TEXT NOT NULL,
    at REAL NOT NULL, PRIMARY KEY (route, alert_id, status));
CREATE TABLE IF NOT EXISTS notices (route TEXT NOT NULL, key TEXT NOT NULL, last_firing_at REAL NOT NULL,
    open INTEGER NOT NULL, PRIMARY KEY (route, key));
CREATE TABLE IF NOT EXISTS history (doc_id TEXT PRIMARY KEY, doc TEXT NOT NULL, version INTEGER NOT NULL,
    flushed INTEGER NOT NULL DEFAULT 0, updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS history_dirty ON history (flushed, version);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def history_id(alert: Alert) -> str:
    """The history document id: ``alert_id:status``."""
    return f"{alert.alert_id}:{alert.status}"


def overall_status(deliveries: Sequence[dict[str, Any]]) -> str:
    """The alert's ``delivery_status`` from its per-route entries (``pending`` when there are none yet)."""
    statuses = {d["status"] for d in deliveries}
    return next((s for s in _PRECEDENCE if s in statuses), "pending")


@dataclass(frozen=True)
class Notice:
    """The last firing notice sent for a rule and service on a route; ``open`` until a resolved notice."""

    last_firing_at: float
    open: bool


class DeliveryStore:
    """Thread-safe (one connection behind a lock); every method is one transaction.

    :param path: the SQLite file, normally ``<var_dir>/alerting/state.sqlite3``.
    :param retention_s: how long delivery marks and flushed history are kept.
    """

    def __init__(self, path: Path, retention_s: float = 7 * 86400.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.retention_s = retention_s
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10.0)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        with self._lock, self._conn:
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- suppression state -------------------------------------------------------------------------

    def delivered(self, route: str, alert_id: str, status: str) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM delivered WHERE route=? AND alert_id=? AND status=?", (route, alert_id, status)
            ).fetchone()
        return row is not None

    def notice(self, route: str, key: str) -> Notice | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT last_firing_at, open FROM notices WHERE route=? AND key=?", (route, key)
            ).fetchone()
        return None if row is None else Notice(float(row[0]), bool(row[1]))

    # -- history -----------------------------------------------------------------------------------

    def _load(self, alert: Alert) -> dict[str, Any] | None:
        row = self._conn.execute("SELECT doc FROM history WHERE doc_id=?", (history_id(alert),)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def _save(self, alert: Alert, doc: dict[str, Any]) -> None:
        doc["delivery_status"] = overall_status(doc["deliveries"])
        self._conn.execute(
            "INSERT INTO history (doc_id, doc, version, updated_at) VALUES (?, ?, 1, ?) "
            "ON CONFLICT(doc_id) DO UPDATE SET doc=excluded.doc, version=history.version+1, "
            "updated_at=excluded.updated_at",
            (history_id(alert), json.dumps(doc, ensure_ascii=False), time.time()),
        )

    def _entries(self, alert: Alert, entries: Iterable[dict[str, Any]], received_at: float) -> None:
        doc = self._load(alert)
        if doc is None:
            doc = {
                **alert.to_dict(),
                "received_at": rfc3339(datetime.fromtimestamp(received_at, UTC)),
                "deliveries": [],
            }
        by_route = {d["route"]: d for d in doc["deliveries"]}
        for entry in entries:
            by_route[entry["route"]] = entry
        doc["deliveries"] = list(by_route.values())
        self._save(alert, doc)

    def record(
        self,
        alerts: Sequence[Alert],
        entry: dict[str, Any],
        *,
        sent_route: str | None = None,
        at: float | None = None,
    ) -> None:
        """Set one route's entry on each alert's history; with ``sent_route``, also mark them delivered.

        :param alerts: the alerts the entry applies to.
        :param entry: ``{route, sender, target, status, at, error}``.
        :param sent_route: the route the alerts were just sent on: records the delivery and the notice state
            (firing opens the rule+service notice, resolved closes it) in the same transaction.
        :param at: wall-clock time of the event (now when omitted).
        """
        now = time.time() if at is None else at
        with self._lock, self._conn:
            for alert in alerts:
                self._entries(alert, [entry], now)
                if sent_route is None:
                    continue
                self._conn.execute(
                    "INSERT OR REPLACE INTO delivered VALUES (?, ?, ?, ?)",
                    (sent_route, alert.alert_id, alert.status, now),
                )
                if alert.status == "firing":
                    self._conn.execute(
                        "INSERT OR REPLACE INTO notices VALUES (?, ?, ?, 1)", (sent_route, alert.key, now)
                    )
                else:
                    self._conn.execute("UPDATE notices SET open=0 WHERE route=? AND key=?", (sent_route, alert.key))

    def record_many(self, alert: Alert, entries: Sequence[dict[str, Any]], at: float | None = None) -> None:
        """Set several routes' entries on one alert (decisions taken when it arrived)."""
        with self._lock, self._conn:
            self._entries(alert, entries, time.time() if at is None else at)

    def dirty_history(self, limit: int = 500) -> list[tuple[str, int, dict[str, Any]]]:
        """Documents changed since their last flush: ``(doc_id, version, doc)``."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT doc_id, version, doc FROM history WHERE flushed < version ORDER BY updated_at LIMIT ?",
                (limit,),
            ).fetchall()
        return [(str(r[0]), int(r[1]), dict(json.loads(r[2]))) for r in rows]

    def history_flushed(self, done: Iterable[tuple[str, int]]) -> None:
        with self._lock, self._conn:
            self._conn.executemany(
                "UPDATE history SET flushed=? WHERE doc_id=? AND flushed < ?",
                [(version, doc_id, version) for doc_id, version in done],
            )

    def history_doc(self, doc_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._conn.execute("SELECT doc FROM history WHERE doc_id=?", (doc_id,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    # -- misc --------------------------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM kv WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        with self._lock, self._conn:
            self._conn.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)", (key, value))

    def prune(self, now: float | None = None) -> int:
        """Forget delivery marks, notices and flushed history older than the retention; returns rows."""
        cutoff = (time.time() if now is None else now) - self.retention_s
        with self._lock, self._conn:
            removed = self._conn.execute("DELETE FROM delivered WHERE at < ?", (cutoff,)).rowcount
            removed += self._conn.execute("DELETE FROM notices WHERE last_firing_at < ?", (cutoff,)).rowcount
            removed += self._conn.execute(
                "DELETE FROM history WHERE flushed >= version AND updated_at < ?", (cutoff,)
            ).rowcount
        return int(removed)
