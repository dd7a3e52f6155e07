"""The job's progress poll tells the rules whether the index query has caught up with Kafka (no backlog), and the
health watch every batch the query finished."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyspark.sql.streaming.listener import StreamingQueryProgress

from streaming.progress import ProgressWriter


def progress(batch_id: int, lag: int | None, rows: int = 10) -> StreamingQueryProgress:
    """A progress as pyspark's ``StreamingQuery.lastProgress`` gives it: read from Spark's JSON."""
    ends = {"logs": {"0": 120, "1": 80, "2": batch_id}}
    return StreamingQueryProgress.fromJson(
        {
            "id": "00000000-0000-0000-0000-000000000001",
            "runId": "00000000-0000-0000-0000-000000000002",
            "name": "index",
            "timestamp": f"2026-12-03T10:00:{batch_id:02d}.000Z",
            "batchId": batch_id,
            "batchDuration": 100,
            "numInputRows": rows,
            "inputRowsPerSecond": 1.0,
            "processedRowsPerSecond": 2.0,
            "durationMs": {"addBatch": 90},
            "eventTime": {},
            "stateOperators": [],
            "sources": [
                {
                    "description": "KafkaV2[Subscribe[logs]]",
                    "startOffset": {"logs": {"0": 0, "1": 0, "2": 0}},
                    "endOffset": ends,
                    "latestOffset": ends,
                    "numInputRows": rows,
                    "inputRowsPerSecond": 1.0,
                    "processedRowsPerSecond": 2.0,
                    "metrics": {} if lag is None else {"maxOffsetsBehindLatest": str(lag)},
                }
            ],
            "sink": {"description": "ForeachBatchSink", "numOutputRows": -1},
        }
    )


@dataclass
class Query:
    """What the writer reads of pyspark's StreamingQuery; ``recent`` is Spark's list of recent progress."""

    id: str = "00000000-0000-0000-0000-000000000001"
    isActive: bool = True
    recent: list[StreamingQueryProgress] = field(default_factory=list)
    message: str = "Processing new data"
    error: str | None = None

    @property
    def lastProgress(self) -> StreamingQueryProgress | None:
        return self.recent[-1] if self.recent else None

    @property
    def recentProgress(self) -> list[StreamingQueryProgress]:
        return list(self.recent)

    @property
    def status(self) -> dict[str, Any]:
        return {"message": self.message}

    def exception(self) -> str | None:
        return self.error


def status(tmp_path: Path) -> dict[str, Any]:
    return dict(json.loads((tmp_path / "status.json").read_text()))


def test_caught_up_only_when_the_index_query_reports_no_backlog(tmp_path: Path) -> None:
    writer = ProgressWriter(tmp_path / "status.json", lambda: "v1")
    query = Query()
    writer.poll(None, 0.0)
    assert not writer.caught_up()  # nothing known yet: not live
    writer.poll(query, 0.0)
    assert status(tmp_path)["query_active"] and not writer.caught_up()
    query.recent.append(progress(1, 1200))
    writer.poll(query, 0.1)
    assert not writer.caught_up()
    query.recent.append(progress(2, 0))
    writer.poll(query, 0.2)
    assert writer.caught_up()
    query.recent.append(progress(3, 50_000))
    writer.poll(query, 0.3)
    assert not writer.caught_up()
    assert status(tmp_path)["kafka_lag"] == 50_000
    query.message = "Waiting for data to arrive"
    writer.poll(query, 10.0)  # idle: nothing left to read
    assert writer.caught_up()
    query.isActive, query.error = False, "boom"
    writer.poll(query, 10.1)
    assert not writer.caught_up()
    assert status(tmp_path) | {"updated_at": None} == {
        "query_active": False,
        "query_id": "00000000-0000-0000-0000-000000000001",
        "error": "boom",
        "updated_at": None,
    }
    # Restarted from the checkpoint: still starting is not idle (its first batch may be retrying Elasticsearch).
    writer.poll(Query(message="Initializing sources"), 20.0)
    assert status(tmp_path)["query_active"] and not writer.caught_up()


def test_every_batch_is_reported_once_in_order_even_when_several_finish_between_polls(tmp_path: Path) -> None:
    seen: list[tuple[int, int | None, int | None]] = []
    writer = ProgressWriter(tmp_path / "status.json", lambda: "v1", lambda *args: seen.append(args))
    query = Query(recent=[progress(4, 40)])
    writer.poll(query, 0.0)
    writer.poll(query, 0.1)  # nothing new: not reported again, and not idle while data is available
    query.recent += [progress(5, 30, rows=7), progress(6, 20, rows=8), progress(7, 0, rows=9)]
    writer.poll(query, 0.2)
    query.message = "Waiting for data to arrive"
    writer.poll(query, 1.0)  # idle, but reported at most every IDLE_EVERY_S
    writer.poll(query, 0.2 + ProgressWriter.IDLE_EVERY_S)
    # 120 + 80 + the batch id: records of logs read up to
    assert seen == [(10, 40, 204), (7, 30, 205), (8, 20, 206), (9, 0, 207), (0, 0, None)]
    assert status(tmp_path)["batch_id"] == 7
