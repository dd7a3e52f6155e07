"""Counters and the status file the API's /health reads (``core.contract.status_path(var_dir, "alerting")``).

``{"updated_at", "consumed", "sent", "failed", "dlq", "lag", ...}``: ``consumed`` counts records read from
the alerts topic; ``sent`` and ``failed`` count alert deliveries (one per alert and route); ``dlq`` records
written to the alerts dead-letter topic; ``lag`` records behind the end of the topic, or null when not known yet.
Extra keys: ``suppressed``, ``silenced``, ``invalid``, ``pending`` (in groups), ``in_flight`` (uncommitted
records), ``pid``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.contract import rfc3339

__all__ = ["Counters", "write_status", "read_status"]

logger = logging.getLogger(__name__)

_NAMES = ("consumed", "sent", "failed", "dlq", "suppressed", "silenced", "invalid")


class Counters:
    """Thread-safe counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values = dict.fromkeys(_NAMES, 0)

    def add(self, **deltas: int) -> None:
        with self._lock:
            for name, delta in deltas.items():
                self._values[name] += delta

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._values)


def write_status(path: Path, counters: Counters, **extra: Any) -> None:
    """Replace the status file atomically (a reader never sees half a file)."""
    doc: dict[str, Any] = {"updated_at": rfc3339(datetime.now(UTC)), **counters.snapshot(), **extra}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc), encoding="utf-8")
    os.replace(tmp, path)


def read_status(path: Path) -> dict[str, Any] | None:
    """The last status written, or None when there is none (or it is unreadable)."""
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None
