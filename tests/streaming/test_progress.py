"""The job's listener tells the rules whether the index query has caught up with Kafka (no backlog)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from streaming.progress import ProgressWriter


def progress(query_id: str, name: str, lag: int | None) -> SimpleNamespace:
    """A QueryProgressEvent as pyspark's listener receives it (only the fields the writer reads)."""
    metrics = {} if lag is None else {"maxOffsetsBehindLatest": str(lag)}
    source = SimpleNamespace(metrics=metrics, endOffset=json.dumps({"logs": {"0": 120, "1": 80, "2": 5}}))
    return SimpleNamespace(
        progress=SimpleNamespace(
            name=name,
            id=query_id,
            batchId=3,
            numInputRows=10,
            inputRowsPerSecond=1.0,
            processedRowsPerSecond=2.0,
            batchDuration=100,
            durationMs={},
            sources=[source],
        )
    )


def test_caught_up_only_when_the_index_query_reports_no_backlog(tmp_path: Path) -> None:
    writer = ProgressWriter(tmp_path / "status.json", lambda: "v1")
    assert not writer.caught_up()  # nothing known yet: not live
    writer.onQueryStarted(SimpleNamespace(name="index", id="i"))
    writer.onQueryProgress(progress("i", "index", 1200))
    assert not writer.caught_up()
    writer.onQueryProgress(progress("o", "other", 0))  # another query's progress says nothing of the index's
    assert not writer.caught_up()
    writer.onQueryProgress(progress("i", "index", 0))
    assert writer.caught_up()
    writer.onQueryProgress(progress("i", "index", 50_000))
    assert not writer.caught_up()
    assert json.loads((tmp_path / "status.json").read_text())["kafka_lag"] == 50_000
    writer.onQueryIdle(SimpleNamespace(id="i"))  # idle: nothing left to read
    assert writer.caught_up()
    writer.onQueryTerminated(SimpleNamespace(id="i", exception="boom"))
    assert not writer.caught_up()


def test_each_index_batch_tells_the_health_watch_its_rows_lag_and_how_far_it_read(tmp_path: Path) -> None:
    seen: list[tuple[int, int | None, int | None]] = []
    writer = ProgressWriter(tmp_path / "status.json", lambda: "v1", lambda *args: seen.append(args))
    writer.onQueryStarted(SimpleNamespace(name="index", id="i"))
    writer.onQueryProgress(progress("o", "other", 7))  # another query's batches are not the index's
    writer.onQueryProgress(progress("i", "index", 40))
    writer.onQueryIdle(SimpleNamespace(id="i"))
    assert seen == [(10, 40, 205), (0, 0, None)]  # 120 + 80 + 5 records of logs read up to
