"""The rules' counting of indexed documents, rule rows, and the batch protocol (pure Python, no Spark or Kafka)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from streaming.rules.aggregate import Bucket, BucketsParam, buckets_of, count_documents, rule_rows
from streaming.rules.errors import RulesError
from streaming.rules.evaluate import BatchProcessor
from streaming.rules.model import Match, RatioRule, Rule, SilenceRule, ThresholdRule
from streaming.rules.state import StateStore

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


def doc(
    seconds: float, service: str = "auth", level: str = "ERROR", category: str | None = "security", **extra: Any
) -> dict[str, Any]:
    """An indexed document, as the sink writes it."""
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
    return body


def counted(docs: list[dict[str, Any]]) -> list[Bucket]:
    return buckets_of(count_documents(docs))


def run(docs: list[dict[str, Any]], rules: list[Rule], cutoff_ms: int = FAR_FUTURE_MS) -> Any:
    rows, stats = rule_rows(counted(docs), rules, cutoff_ms)
    return {(r.rule, r.group[0], r.start_ms): r for r in rows}, stats


def test_counting_normalises_what_the_rules_need() -> None:
    docs = [
        doc(1, level="error", category=None),
        doc(2, service="", level="LOUD", category="nonsense"),
        {"timestamp": "yesterday", "service": "x", "level": "INFO", "message": "m"},
        doc(3, category="Performance", level="WARN", host=None),
        {**doc(4), "timestamp": "2026-11-23T12:00:04"},  # no offset: UTC
    ]
    got = sorted(counted(docs), key=lambda b: b.second_ms)
    assert [(b.second_ms - T0_MS, b.service, b.level, b.category, b.host) for b in got] == [
        (1000, "auth", "ERROR", "general", "h1"),
        (2000, "unknown", "LOUD", "general", "h1"),
        (3000, "auth", "WARN", "performance", "unknown"),
        (4000, "auth", "ERROR", "security", "h1"),
    ]


def test_counts_per_second_with_the_earliest_and_latest_event_as_samples() -> None:
    docs = [doc(s) for s in (1.5, 1.2, 1.9, 2.0)] + [doc(1.1, level="INFO")]
    buckets = sorted(counted(docs), key=lambda b: (b.second_ms, b.level))
    assert [(b.second_ms - T0_MS, b.level, b.count, b.max_ts_ms - T0_MS) for b in buckets] == [
        (1000, "ERROR", 3, 1900),
        (1000, "INFO", 1, 1100),
        (2000, "ERROR", 1, 2000),
    ]
    first = buckets[0]
    assert (first.first[2], first.last[2]) == ("auth ERROR at 1.2", "auth ERROR at 1.9")
    assert first.level_rank == 4 and first.field("service") == "auth"


def test_workers_counts_merge_to_the_counts_of_the_whole_batch() -> None:
    docs = [doc(s, service=svc) for s in (1.5, 1.2, 1.9, 2.0, 61) for svc in ("auth", "search")]
    param = BucketsParam()
    merged = param.zero({})
    for part in (docs[:3], docs[3:7], docs[7:]):  # three tasks' updates, in any order
        merged = param.addInPlace(merged, count_documents(part))
    assert merged == count_documents(docs)


def test_rule_rows_count_per_rule_group_and_pane_with_samples() -> None:
    values = [doc(s) for s in (5, 1, 3, 2)]  # four security errors from auth in the first minute
    values += [doc(61, level="CRITICAL"), doc(62, level="INFO")]  # second minute: one match, one not
    values += [doc(10, service="search", level="INFO", category="business")]
    rows, stats = run(values, [BURST, ERRORS, SILENT])
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


def test_future_events_are_counted_but_ignored() -> None:
    rows, stats = run([doc(1), doc(3600)], [BURST], cutoff_ms=T0_MS + 60_000)
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


def test_batches_fire_replays_are_not_counted_twice_and_unsent_alerts_are_sent_after_a_restart(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "alert_state")
    publisher = FakePublisher()
    process = BatchProcessor([BURST], store, publisher, "http://127.0.0.1:8000")
    process(counted([doc(1), doc(2)]), 0)
    process(counted([doc(3)]), 1)
    (firing,) = publisher.sent
    assert firing["status"] == "firing" and firing["value"] == 3.0
    # Spark re-runs the last batch after a crash: nothing is counted or sent again.
    process(counted([doc(3)]), 1)
    assert publisher.sent == [firing]
    assert store.load().rules["burst"].groups['["auth"]'].windows[T0_MS].total == 3

    # Kafka refuses the next batch's alert: the batch fails, the alert stays pending in the saved state.
    publisher.fail = True
    with pytest.raises(RulesError):
        process(counted([doc(s, service="search") for s in (1, 2, 3)]), 2)
    assert [a["service"] for a in store.load().pending] == ["search"]
    # After a restart Spark re-runs batch 2: the pending alert goes out once, the batch is not counted again.
    publisher = FakePublisher()
    restarted = BatchProcessor([BURST], store, publisher, "http://127.0.0.1:8000")
    restarted(counted([doc(s, service="search") for s in (1, 2, 3)]), 2)
    assert [(a["service"], a["status"]) for a in publisher.sent] == [("search", "firing")]
    assert store.load().pending == [] and store.load().batch_id == 2
    assert store.load().rules["burst"].groups['["search"]'].windows[T0_MS].total == 3


def test_hopping_windows_catch_a_burst_that_straddles_a_window_boundary(tmp_path: Path) -> None:
    hopping = ThresholdRule(name="hop", severity="HIGH", window_ms=60_000, slide_ms=10_000, threshold=20, lateness_ms=0)
    tumbling = ThresholdRule(name="tumble", severity="HIGH", window_ms=60_000, threshold=20, lateness_ms=0)
    publisher = FakePublisher()
    process = BatchProcessor([hopping, tumbling], StateStore(tmp_path / "s"), publisher, "http://127.0.0.1:8000")
    burst = [doc(50 + i / 2) for i in range(12)] + [doc(61 + i / 2) for i in range(12)]  # 12 + 12 across 12:01
    process(counted(burst), 0)
    (firing,) = publisher.sent
    assert firing["rule"] == "hop" and firing["value"] == 24.0
    assert firing["window_start"] == "2026-11-23T12:00:10.000Z"  # the earliest window holding the whole burst
    assert firing["window_end"] == "2026-11-23T12:01:10.000Z"
    # The last breaching window starts at 12:00:50; the one a slide later (12:01:00-12:02:00, 12 events) clears.
    process(counted([doc(119, service="other")]), 1)
    assert len(publisher.sent) == 1
    process(counted([doc(120, service="other")]), 2)
    resolved = publisher.sent[1]
    assert (resolved["status"], resolved["alert_id"]) == ("resolved", firing["alert_id"])
    assert resolved["window_end"] == "2026-11-23T12:02:00.000Z" and resolved["value"] == 12.0
