"""The rules' Spark stage and batch protocol on small batch DataFrames, in a local SparkSession (no Kafka)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import DataFrame, SparkSession

from core.config import REPO_ROOT, load_config
from infra.teststack import TestStack
from streaming.rules.aggregate import bucket, collect_buckets, parse_classified, rule_rows
from streaming.rules.errors import RulesError
from streaming.rules.model import Match, RatioRule, Rule, SilenceRule, ThresholdRule
from streaming.rules.query import BatchProcessor
from streaming.rules.state import StateStore
from streaming.session import spark_session

# pyspark's collect() leaves its local result socket for the garbage collector to close.
pytestmark = [
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
T0_MS = int(T0.timestamp() * 1000)
FAR_FUTURE_MS = T0_MS + 10 * 365 * 86_400_000

BURST = ThresholdRule(
    name="burst",
    severity="HIGH",
    match=Match(categories=("security",), min_level="ERROR"),
    window_ms=60_000,
    threshold=3,
)
ERRORS = RatioRule(
    name="errors", severity="LOW", numerator=Match(min_level="ERROR"), ratio=0.5, min_events=2, window_ms=60_000
)
SILENT = SilenceRule(name="silent", severity="LOW", silent_for_ms=300_000)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    var_dir = TestStack(tmp_path_factory.mktemp("rules-spark-var")).var_dir
    from infra.jars import fetch_jars
    from infra.stack import SPARK_POM

    # The first session of the process decides the JVM's classpath: include the Kafka connector like the
    # other streaming test modules, so whichever runs first, the integration tests still find it.
    fetch_jars(SPARK_POM, REPO_ROOT / "var" / "jars" / "spark")
    env = {"LOGWATCH_VAR_DIR": str(var_dir), "SPARK_MASTER": "local[1]", "SPARK_SHUFFLE_PARTITIONS": "2"}
    session = spark_session(load_config(env=env), app_name="logwatch-rules-tests")
    yield session
    session.stop()


def test_a_failed_task_fails_its_batch_instead_of_being_retried(spark: SparkSession) -> None:
    """Audit M8.3: on a cluster a retried task re-sent its records within a batch's first run."""
    assert spark.sparkContext.getConf().get("spark.task.maxFailures") == "1"


def doc(
    seconds: float, service: str = "auth", level: str = "ERROR", category: str | None = "security", **extra: Any
) -> bytes:
    body: dict[str, Any] = {
        "event_id": f"{service}-{seconds}",
        "timestamp": (T0 + timedelta(seconds=seconds)).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "level": level,
        "service": service,
        "host": "h1",
        "message": f"{service} {level} at {seconds}",
        **extra,
    }
    if category is not None:
        body["category"] = category
    return json.dumps(body).encode()


def records(spark: SparkSession, values: list[bytes]) -> DataFrame:
    return spark.createDataFrame([(v,) for v in values], "value binary")


def run(spark: SparkSession, values: list[bytes], rules: list[Rule], cutoff_ms: int = FAR_FUTURE_MS) -> Any:
    buckets = collect_buckets(bucket(parse_classified(records(spark, values))))
    rows, stats = rule_rows(buckets, rules, cutoff_ms)
    return {(r.rule, r.group[0], r.start_ms): r for r in rows}, stats


def test_parse_classified_normalises_what_the_rules_need(spark: SparkSession) -> None:
    values = [
        doc(1, level="error", category=None),
        doc(2, service="", level="LOUD", category="nonsense"),
        b"not json",
        json.dumps({"timestamp": "yesterday", "service": "x", "level": "INFO", "message": "m"}).encode(),
        doc(3, category="Performance", level="WARN", host=None),
    ]
    got = [r.asDict() for r in parse_classified(records(spark, values)).orderBy("ts_ms").collect()]
    assert [(r["ts_ms"] - T0_MS, r["service"], r["level"], r["category"], r["host"]) for r in got] == [
        (1000, "auth", "ERROR", "general", "h1"),
        (2000, "unknown", "LOUD", "general", "h1"),
        (3000, "auth", "WARN", "performance", "unknown"),
    ]


def test_bucket_counts_per_second_with_the_earliest_and_latest_event_as_samples(spark: SparkSession) -> None:
    values = [doc(s) for s in (1.5, 1.2, 1.9, 2.0)] + [doc(1.1, level="INFO")]
    buckets = sorted(
        collect_buckets(bucket(parse_classified(records(spark, values)))), key=lambda b: (b.second_ms, b.level)
    )
    assert [(b.second_ms - T0_MS, b.level, b.count, b.max_ts_ms - T0_MS) for b in buckets] == [
        (1000, "ERROR", 3, 1900),
        (1000, "INFO", 1, 1100),
        (2000, "ERROR", 1, 2000),
    ]
    first = buckets[0]
    assert (first.first[2], first.last[2]) == ("auth ERROR at 1.2", "auth ERROR at 1.9")
    assert first.level_rank == 4 and first.field("service") == "auth"


def test_rule_rows_count_per_rule_group_and_pane_with_samples(spark: SparkSession) -> None:
    values = [doc(s) for s in (5, 1, 3, 2)]  # four security errors from auth in the first minute
    values += [doc(61, level="CRITICAL"), doc(62, level="INFO")]  # second minute: one match, one not
    values += [doc(10, service="search", level="INFO", category="business")]
    rows, stats = run(spark, values, [BURST, ERRORS, SILENT])
    first = rows[(0, "auth", T0_MS)]
    assert (first.total, first.hits, first.max_ts_ms) == (4, 4, T0_MS + 5000)
    assert [msg for _, _, msg in first.first] == ["auth ERROR at 1", "auth ERROR at 2", "auth ERROR at 3"]
    assert rows[(0, "auth", T0_MS + 60_000)].total == 1
    assert (0, "search", T0_MS) not in rows
    ratio = rows[(1, "auth", T0_MS + 60_000)]
    assert (ratio.total, ratio.hits) == (2, 1)
    assert [msg for _, _, msg in ratio.first] == ["auth CRITICAL at 61"]  # samples are hits only
    quiet = rows[(2, "search", 0)]
    assert quiet.total == 1 and quiet.max_ts_ms == T0_MS + 10_000
    assert [msg for _, _, msg in rows[(2, "auth", 0)].last] == [
        "auth ERROR at 5",
        "auth CRITICAL at 61",
        "auth INFO at 62",
    ]
    assert (stats.events, stats.future, stats.max_ts_ms) == (7, 0, T0_MS + 62_000)


def test_future_events_are_counted_but_ignored(spark: SparkSession) -> None:
    rows, stats = run(spark, [doc(1), doc(3600)], [BURST], cutoff_ms=T0_MS + 60_000)
    assert [(r.rule, r.total) for r in rows.values()] == [(0, 1)]
    assert (stats.events, stats.future, stats.max_ts_ms) == (2, 1, T0_MS + 1000)


class FakePublisher:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.fail = False

    def publish(self, alerts: list[dict[str, Any]]) -> None:
        if self.fail:
            raise RulesError("Kafka refused alerts for topic alerts (test); the batch fails.")
        self.sent.extend(alerts)


def test_batches_fire_replays_are_not_counted_twice_and_unsent_alerts_are_sent_after_a_restart(
    spark: SparkSession, tmp_path: Path
) -> None:
    store = StateStore(tmp_path / "alert_state")
    publisher = FakePublisher()
    process = BatchProcessor([BURST], store, publisher, "http://127.0.0.1:8000")
    process(records(spark, [doc(1), doc(2)]), 0)
    process(records(spark, [doc(3)]), 1)
    (firing,) = publisher.sent
    assert firing["status"] == "firing" and firing["value"] == 3.0
    # Spark re-runs the last batch after a crash: nothing is counted or sent again.
    process(records(spark, [doc(3)]), 1)
    assert publisher.sent == [firing]
    assert store.load().rules["burst"].groups['["auth"]'].windows[T0_MS].total == 3

    # Kafka refuses the next batch's alert: the batch fails, the alert stays pending in the saved state.
    publisher.fail = True
    with pytest.raises(RulesError):
        process(records(spark, [doc(s, service="search") for s in (1, 2, 3)]), 2)
    assert [a["service"] for a in store.load().pending] == ["search"]
    # After a restart Spark re-runs batch 2: the pending alert goes out once, the batch is not counted again.
    publisher = FakePublisher()
    restarted = BatchProcessor([BURST], store, publisher, "http://127.0.0.1:8000")
    restarted(records(spark, [doc(s, service="search") for s in (1, 2, 3)]), 2)
    assert [(a["service"], a["status"]) for a in publisher.sent] == [("search", "firing")]
    assert store.load().pending == [] and store.load().batch_id == 2
    assert store.load().rules["burst"].groups['["search"]'].windows[T0_MS].total == 3


def test_hopping_windows_catch_a_burst_that_straddles_a_window_boundary(spark: SparkSession, tmp_path: Path) -> None:
    hopping = ThresholdRule(name="hop", severity="HIGH", window_ms=60_000, slide_ms=10_000, threshold=20, lateness_ms=0)
    tumbling = ThresholdRule(name="tumble", severity="HIGH", window_ms=60_000, threshold=20, lateness_ms=0)
    publisher = FakePublisher()
    process = BatchProcessor([hopping, tumbling], StateStore(tmp_path / "s"), publisher, "http://127.0.0.1:8000")
    burst = [doc(50 + i / 2) for i in range(12)] + [doc(61 + i / 2) for i in range(12)]  # 12 + 12 across 12:01
    process(records(spark, burst), 0)
    (firing,) = publisher.sent
    assert firing["rule"] == "hop" and firing["value"] == 24.0
    assert firing["window_start"] == "2026-11-23T12:00:10.000Z"  # the earliest window holding the whole burst
    assert firing["window_end"] == "2026-11-23T12:01:10.000Z"
    # The last breaching window starts at 12:00:50; the one a slide later (12:01:00-12:02:00, 12 events) clears.
    process(records(spark, [doc(119, service="other")]), 1)
    assert len(publisher.sent) == 1
    process(records(spark, [doc(120, service="other")]), 2)
    resolved = publisher.sent[1]
    assert (resolved["status"], resolved["alert_id"]) == ("resolved", firing["alert_id"])
    assert resolved["window_end"] == "2026-11-23T12:02:00.000Z" and resolved["value"] == 12.0
