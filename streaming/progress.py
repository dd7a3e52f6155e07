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

from pyspark.sql.streaming.listener import StreamingQueryProgress
from pyspark.sql.streaming.query import StreamingQuery

from core.contract import rfc3339

__all__ = ["ProgressWriter", "write_status"]

logger = logging.getLogger(__name__)

# Spark's status message once a trigger found nothing new to read. Not "no data available": a run that is still
# starting (its first batch retrying a down Elasticsearch, say) has none either, and is not idle.
_IDLE = "Waiting for data to arrive"


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
    """How many records of its topics the batch had read up to, from the sources' ``endOffset``
    (``{"logs": {"0": 120, "1": 80}}``): summed, it compares with the topics' sizes."""
    total = 0
    for source in sources or ():
        try:
            # Read from the source's JSON: pyspark's ``endOffset`` of a progress read from JSON is the Python repr
            # of a dict, not JSON.
            ends = json.loads(source.json).get("endOffset")
            total += sum(int(offset) for partitions in ends.values() for offset in partitions.values())
        except (AttributeError, TypeError, ValueError):
            return None
    return total if sources else None


def _kafka_lag(source: Any) -> int | None:
    metrics = getattr(source, "metrics", None) or {}
    value = metrics.get("maxOffsetsBehindLatest")
    return None if value is None else int(float(value))


class ProgressWriter:
    """Follows the index query, polled from the job's main loop: one status line per micro-batch, to the log and the
    file; and whether it has caught up with its Kafka topic (the rules use it to tell a backlog from silence).

    Not a pyspark StreamingQueryListener: pyspark builds each listener event from the JVM's object, and the end of
    every Java map it reads is an exception whose conversion looks classes up through all of Spark's jars (23% of
    the Spark JVM's samples at 1,000 ev/s; polling instead: 0.63 -> 0.565 of a core). A poll reads one JSON text.

    :param path: the status file, ``core.contract.status_path(config.var_dir, "streaming")``.
    :param model_version: returns the version of the model the workers use, or None.
    :param on_index_batch: called with each index batch's input rows, Kafka lag and records read up to (the
        pipeline's health; the last two None when unknown), and with ``(0, 0, None)`` while the query is idle.
    """

    # While the query waits for data, idleness is reported this often: it keeps the status file fresh, so that
    # health can tell idle from stuck (api.health_stale_s, streaming.stalled_after_s are a minute).
    IDLE_EVERY_S = 5.0

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
        # The query followed: a restart from the checkpoint is a new StreamingQuery (no py4j call to tell).
        self._query: StreamingQuery | None = None
        self._ended = False
        self._seen: tuple[int, str] | None = None  # the last progress reported: its batch id and time
        self._idle_at = 0.0
        self._lag: int | None = None  # records behind the topic after the index query's last batch; None: unknown

    def caught_up(self) -> bool:
        """True once the index query has reported a batch, and the last left nothing behind."""
        return self._lag == 0

    def poll(self, query: StreamingQuery | None, now: float) -> None:
        """Report what ``query`` did since the last call: its start, every batch it finished (in order, none
        missed while Spark keeps it among its recent progress), its idleness and its end.

        :param query: the index query, or None before it first starts.
        :param now: ``time.monotonic()``.
        """
        if query is None:
            return
        if query is not self._query:
            self._query, self._ended, self._seen = query, False, None
            write_status(self.path, {"query_active": True, "query_id": str(query.id), "batch_id": None})
        if self._ended:
            return
        if not query.isActive:
            self._ended, self._lag = True, None  # unknown until the restarted query reports again
            error = query.exception()
            write_status(
                self.path, {"query_active": False, "query_id": str(query.id), "error": str(error) if error else None}
            )
            return
        last = query.lastProgress
        if last is not None and (last.batchId, last.timestamp) != self._seen:
            gap = self._seen is not None and last.batchId > self._seen[0] + 1  # several finished since the last poll
            for p in query.recentProgress if gap else [last]:
                if self._seen is None or (p.batchId, p.timestamp) > self._seen:
                    self._progress(p)
            self._idle_at = now
        elif now - self._idle_at >= self.IDLE_EVERY_S and query.status["message"] == _IDLE:
            self._idle_at = now
            self._idle()

    def _progress(self, p: StreamingQueryProgress) -> None:
        self._seen = (p.batchId, p.timestamp)
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

    def _idle(self) -> None:
        self._lag = 0
        self.on_index_batch(0, 0, None)  # nothing to read is progress too
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
