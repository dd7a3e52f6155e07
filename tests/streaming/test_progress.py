"""The job's listener tells the rules whether the pipeline has caught up with Kafka (no backlog)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from streaming.progress import ProgressWriter


def progress(query_id: str, name: str, lag: int | None) -> SimpleNamespace:
    """A QueryProgressEvent as pyspark's listener receives it (only the fields the writer reads)."""
    metrics = {} if lag is None else {"maxOffsetsBehindLatest": str(lag)}
    source = SimpleNamespace(metrics=metrics)
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


def test_caught_up_only_when_both_queries_report_no_backlog(tmp_path: Path) -> None:
    writer = ProgressWriter(tmp_path / "status.json", lambda: "v1")
    assert not writer.caught_up()  # nothing known yet: not live
    writer.onQueryProgress(progress("i", "index", 0))
    assert not writer.caught_up()  # the rules query has not reported
    writer.onQueryProgress(progress("r", "rules", 1200))
    assert not writer.caught_up()
    writer.onQueryProgress(progress("r", "rules", 0))
    assert writer.caught_up()
    writer.onQueryProgress(progress("i", "index", 50_000))
    assert not writer.caught_up()
    assert json.loads((tmp_path / "status.json").read_text())["kafka_lag"] == 50_000
    writer.onQueryIdle(SimpleNamespace(id="i"))  # idle: nothing left to read
    assert writer.caught_up()
    writer.onQueryTerminated(SimpleNamespace(id="r", exception="boom"))
    assert not writer.caught_up()
