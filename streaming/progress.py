"""Writes the running query's progress where the API's health endpoint reads it.

That is ``core.contract.status_path(var_dir, "streaming")``, ``<var_dir>/streaming/status.json``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyspark.sql.streaming.listener import StreamingQueryListener

from core.contract import rfc3339

__all__ = ["ProgressWriter", "write_status"]

logger = logging.getLogger(__name__)


def write_status(path: Path, status: dict[str, Any]) -> None:
    """Replace the status file atomically, so a reader never sees half a file.

    :param path: the status file.
    :param status: the fields to write; ``updated_at`` is added.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({**status, "updated_at": rfc3339(datetime.now(UTC))}))
    os.replace(tmp, path)


def _consumed(sources: Any) -> int | None:
    """How many records of its topics the batch had read up to, from the sources' ``endOffset`` JSON
    (``{"logs": {"0": 120, "1": 80}}``): summed, it compares with the topics' sizes."""
    total = 0
    for source in sources or ():
        try:
            ends = json.loads(source.endOffset or "null")
            total += sum(int(offset) for partitions in ends.values() for offset in partitions.values())
        except (AttributeError, TypeError, ValueError):
            return None
    return total if sources else None


def _kafka_lag(source: Any) -> int | None:
    metrics = getattr(source, "metrics", None) or {}
    value = metrics.get("maxOffsetsBehindLatest")
    return None if value is None else int(float(value))


class ProgressWriter(StreamingQueryListener):
    """Streaming query listener: one status line per micro-batch of the index query, to the log and the file;
    and whether it has caught up with its Kafka topic (the rules use it to tell a backlog from silence).

    :param path: the status file, ``core.contract.status_path(config.var_dir, "streaming")``.
    :param model_version: returns the version of the model the workers use, or None.
    :param on_index_batch: called with each index batch's input rows, Kafka lag and records read up to (the
        pipeline's health; the last two None when unknown).
    """

    QUERY_NAME = "index"

    def __init__(
        self,
        path: Path,
        model_version: Callable[[], str | None],
        on_index_batch: Callable[[int, int | None, int | None], None] = lambda rows, lag, consumed: None,
    ) -> None:
        self.path = path
        self.model_version = model_version
        self.on_index_batch = on_index_batch
        self._last: dict[str, Any] = {}
        self._query_id: str | None = None
        self._lag: int | None = None  # records behind the topic after the index query's last batch; None: unknown

    def caught_up(self) -> bool:
        """True once the index query has reported a batch, and the last left nothing behind."""
        return self._lag == 0

    def onQueryStarted(self, event: Any) -> None:
        if event.name != self.QUERY_NAME:
            return
        self._query_id = str(event.id)
        write_status(self.path, {"query_active": True, "query_id": str(event.id), "batch_id": None})

    def onQueryProgress(self, event: Any) -> None:
        p = event.progress
        if p.name != self.QUERY_NAME:
            return
        lag = sum(x for x in (_kafka_lag(s) for s in p.sources) if x is not None) if p.sources else None
        self._lag = lag
        self.on_index_batch(p.numInputRows, lag, _consumed(p.sources))
        status = {
            "query_active": True,
            "query_id": str(p.id),
            "batch_id": p.batchId,
            "input_rows": p.numInputRows,
            "input_rows_per_s": round(p.inputRowsPerSecond or 0.0, 1),
            "processed_rows_per_s": round(p.processedRowsPerSecond or 0.0, 1),
            "batch_duration_ms": p.batchDuration,
            "kafka_lag": lag,
            "model_version": self.model_version(),
        }
        self._last = status
        write_status(self.path, status)
        if p.numInputRows:
            logger.info(
                "batch=%s rows=%d rows_per_s=%.0f duration_ms=%d lag=%s phases_ms=%s",
                p.batchId,
                p.numInputRows,
                p.processedRowsPerSecond or 0.0,
                p.batchDuration,
                lag,
                json.dumps(p.durationMs, separators=(",", ":")),
            )

    def onQueryIdle(self, event: Any) -> None:
        if str(event.id) != self._query_id:
            return
        self._lag = 0
        self.on_index_batch(0, 0, None)  # nothing to read is progress too
        # Keeps the status fresh while no data arrives, so health can tell idle from stuck.
        write_status(
            self.path,
            {
                **self._last,
                "query_active": True,
                "input_rows": 0,
                "input_rows_per_s": 0.0,
                "processed_rows_per_s": 0.0,
                "kafka_lag": 0,
            },
        )

    def onQueryTerminated(self, event: Any) -> None:
        if str(event.id) != self._query_id:
            return
        self._lag = None  # unknown until the restarted query reports again
        write_status(self.path, {"query_active": False, "query_id": str(event.id), "error": event.exception})
