"""The rules' state machine on hand-made batch aggregates: firing, resolved, ids, lateness, restarts (no Spark)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core.alert import parse_alert
from streaming.rules.aggregate import AggRow, BatchStats
from streaming.rules.alerts import alert_id, make_alert
from streaming.rules.engine import Engine
from streaming.rules.model import Match, RatioRule, Rule, SilenceRule, SpikeRule, ThresholdRule
from streaming.rules.state import State, StateStore

NOW = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)
T0 = int(datetime(2026, 11, 23, 12, 0, tzinfo=UTC).timestamp() * 1000)  # a window boundary
MIN = 60_000
BASE = "https://logs.example.com"

THRESHOLD = ThresholdRule(
    name="burst",
    severity="HIGH",
    match=Match(categories=("security",), min_level="ERROR"),
    window_ms=MIN,
    threshold=20,
    lateness_ms=10_000,
)
RATIO = RatioRule(
    name="errors",
    severity="CRITICAL",
    match=Match(services=("payment",)),
    numerator=Match(min_level="ERROR"),
    ratio=0.05,
    min_events=100,
    window_ms=5 * MIN,
    lateness_ms=10_000,
)
SPIKE = SpikeRule(
    name="spike", severity="MEDIUM", window_ms=MIN, factor=3, baseline_windows=4, min_events=10, lateness_ms=0
)
SILENCE = SilenceRule(name="silent", severity="HIGH", silent_for_ms=5 * MIN, min_events=3, lateness_ms=0)


def row(
    rule: int, start: int, total: int, *, hits: int | None = None, service: str = "auth", ts: int | None = None
) -> AggRow:
    ts = start + 1000 if ts is None else ts
    samples = tuple((ts + i, f"e{ts + i}", f"message {i} at {ts + i}") for i in range(min(total, 3)))
    return AggRow(rule, (service,), start, total, total if hits is None else hits, ts, samples, samples)


def step(engine: Engine, rows: list[AggRow], max_ts: int | None = None, caught_up: bool = True) -> list[dict[str, Any]]:
    top = max_ts if max_ts is not None else max((r.max_ts_ms for r in rows), default=None)
    first = min((r.max_ts_ms for r in rows), default=None)  # each test row's events are at one time
    return engine.step(rows, BatchStats(sum(r.total for r in rows), 0, top, first), NOW, caught_up).alerts


def engine_for(*rules: Rule, state: State | None = None) -> Engine:
    return Engine(list(rules), state or State(), BASE)


def test_threshold_fires_on_the_batch_that_crosses_it_without_waiting_for_the_window_to_close() -> None:
    engine = engine_for(THRESHOLD)
    assert step(engine, [row(0, T0, 19)]) == []
    (alert,) = step(engine, [row(0, T0, 1, ts=T0 + 5000)])
    assert alert["status"] == "firing" and alert["rule"] == "burst" and alert["severity"] == "HIGH"
    assert alert["service"] == "auth" and alert["category"] == "security"
    assert alert["value"] == 20.0 and alert["threshold"] == 20.0
    assert alert["window_start"] == "2026-11-23T12:00:00.000Z" and alert["window_end"] == "2026-11-23T12:01:00.000Z"
    assert alert["alert_id"] == alert_id("burst", ("auth",), T0)
    assert len(alert["samples"]) == 3 and alert["samples"][0] == f"message 0 at {T0 + 1000}"
    assert alert["generated_at"] == "2026-11-23T12:30:00.000Z"
    parsed = parse_alert(json.dumps(alert).encode())  # the alert consumer's own validation
    assert parsed.dashboard_url == alert["dashboard_url"]


def test_alert_id_is_sha256_of_rule_group_and_window_start() -> None:
    expected = hashlib.sha256(f'["burst",["auth"],{T0}]'.encode()).hexdigest()[:32]
    assert alert_id("burst", ("auth",), T0) == expected
    assert alert_id("burst", ("auth",), T0 + MIN) != expected
    assert alert_id("burst", ("search",), T0) != expected


def test_dashboard_url_is_url_encoded() -> None:
    def url(rule: Rule, group: tuple[str, ...]) -> str:
        alert = make_alert(
            rule, group, status="firing", start_ms=T0, end_ms=T0 + MIN, value=1.0, threshold=1.0, samples=[],
            base_url=BASE + "/", now=NOW,
        )  # fmt: skip
        return str(alert["dashboard_url"])

    assert url(THRESHOLD, ("auth & co",)) == (
        "https://logs.example.com/?service=auth+%26+co"
        "&from=2026-11-23T12%3A00%3A00.000Z&to=2026-11-23T12%3A01%3A00.000Z"
    )
    by_host = dataclasses.replace(THRESHOLD, group_by=("host",))
    assert url(by_host, ("h1",)) == (
        "https://logs.example.com/?from=2026-11-23T12%3A00%3A00.000Z&to=2026-11-23T12%3A01%3A00.000Z"
    )


def test_threshold_episode_fires_once_and_resolves_once_after_a_quiet_window_closes() -> None:
    engine = engine_for(THRESHOLD)
    (firing,) = step(engine, [row(0, T0, 25)])
    assert step(engine, [row(0, T0 + MIN, 30)]) == []  # still breaching: the same episode, no new firing
    assert step(engine, [row(0, T0 + 2 * MIN, 3)]) == []  # quiet, but its window is still open
    # The watermark passes the end of the quiet window (lateness 10 s): resolved, once.
    (resolved,) = step(engine, [row(0, T0 + 3 * MIN, 1, service="other", ts=T0 + 3 * MIN + 10_000)])
    assert resolved["status"] == "resolved"
    assert resolved["alert_id"] == firing["alert_id"]
    assert resolved["window_start"] == firing["window_start"]
    assert resolved["window_end"] == "2026-11-23T12:03:00.000Z"
    assert resolved["value"] == 3.0 and resolved["samples"] == []
    parse_alert(json.dumps(resolved).encode())
    assert step(engine, [row(0, T0 + 5 * MIN, 1, service="other")]) == []
    # A new episode later gets its own id.
    (again,) = step(engine, [row(0, T0 + 6 * MIN, 20)])
    assert again["status"] == "firing" and again["alert_id"] == alert_id("burst", ("auth",), T0 + 6 * MIN)


def test_a_window_without_any_event_resolves_the_episode() -> None:
    engine = engine_for(THRESHOLD)
    step(engine, [row(0, T0, 20)])
    (resolved,) = step(engine, [row(0, T0 + 5 * MIN, 1, service="other")])
    assert resolved["status"] == "resolved" and resolved["value"] == 0.0
    assert resolved["window_end"] == "2026-11-23T12:02:00.000Z"


def test_counts_for_closed_windows_are_dropped_as_late() -> None:
    engine = engine_for(THRESHOLD)
    step(engine, [row(0, T0 + 2 * MIN, 1, service="other", ts=T0 + 2 * MIN + 5_000)])
    result = engine.step([row(0, T0, 25)], BatchStats(25, 0, T0 + 1000), NOW)
    assert result.alerts == [] and result.late == 25
    # Within the lateness, an earlier window still counts.
    assert step(engine, [row(0, T0 + MIN, 25, ts=T0 + MIN + 59_000)])[0]["status"] == "firing"


def test_groups_are_independent() -> None:
    engine = engine_for(THRESHOLD)
    alerts = step(engine, [row(0, T0, 20, service="auth"), row(0, T0, 19, service="search")])
    assert [a["service"] for a in alerts] == ["auth"]


def test_ratio_needs_min_events_and_a_share_above_the_ratio() -> None:
    engine = engine_for(RATIO)
    assert step(engine, [row(0, T0, 99, hits=50, service="payment")]) == []  # 50 % but only 99 events
    (alert,) = step(engine, [row(0, T0, 1, hits=0, service="payment")])
    assert alert["value"] == 0.5 and alert["threshold"] == 0.05 and alert["service"] == "payment"
    other = engine_for(RATIO)
    assert step(other, [row(0, T0, 200, hits=10, service="payment")]) == []  # exactly 5 %: not above


def test_spike_waits_for_its_baseline_and_counts_quiet_windows_as_zero() -> None:
    engine = engine_for(SPIKE)
    assert step(engine, [row(0, T0, 5)]) == []
    for k in (1, 2, 3):  # windows 1-3 have 5, window 2 has none: baseline for window 4 = (5+5+0+5)/4
        if k != 2:
            assert step(engine, [row(0, T0 + k * MIN, 5)]) == []
    assert step(engine, [row(0, T0 + 4 * MIN, 11)]) == []  # 11 < 3 x 3.75
    (alert,) = step(engine, [row(0, T0 + 4 * MIN, 1)])
    assert alert["value"] == 12.0 and alert["threshold"] == 11.25


def test_spike_is_not_evaluated_before_a_group_has_history() -> None:
    engine = engine_for(SPIKE)
    assert step(engine, [row(0, T0, 500)]) == []
    assert step(engine, [row(0, T0 + MIN, 500)]) == []


def test_silence_fires_once_the_watermark_passes_and_resolves_when_heard_again() -> None:
    engine = engine_for(SILENCE)
    step(engine, [row(0, 0, 5, service="payment", ts=T0), row(0, 0, 5, service="search", ts=T0)])
    assert step(engine, [row(0, 0, 1, service="search", ts=T0 + 5 * MIN - 1)]) == []
    (firing,) = step(engine, [row(0, 0, 1, service="search", ts=T0 + 5 * MIN)])
    assert firing["status"] == "firing" and firing["service"] == "payment"
    assert firing["alert_id"] == alert_id("silent", ("payment",), T0)
    assert firing["window_start"] == "2026-11-23T12:00:00.000Z" and firing["threshold"] == 300.0
    assert len(firing["samples"]) == 3
    assert step(engine, [row(0, 0, 1, service="search", ts=T0 + 9 * MIN)]) == []  # fires once
    (resolved,) = step(engine, [row(0, 0, 1, service="payment", ts=T0 + 10 * MIN)])
    assert resolved["status"] == "resolved" and resolved["alert_id"] == firing["alert_id"]
    assert resolved["window_end"] == "2026-11-23T12:10:00.000Z" and resolved["value"] == 600.0
    parse_alert(json.dumps(firing).encode())


def test_silence_ignores_groups_below_min_events_and_forgets_old_ones() -> None:
    engine = engine_for(SILENCE)
    step(engine, [row(0, 0, 2, service="stray", ts=T0), row(0, 0, 3, service="payment", ts=T0)])
    for minute in range(1, 5):
        assert step(engine, [row(0, 0, 1, service="search", ts=T0 + minute * MIN)]) == []
    (firing,) = step(engine, [row(0, 0, 1, service="search", ts=T0 + 6 * MIN)])
    assert firing["service"] == "payment"
    assert step(engine, [row(0, 0, 1, service="search", ts=T0 + 25 * 60 * MIN)]) == []
    assert set(engine.state.rules["silent"].groups) == {'["search"]'}


def test_a_gap_in_which_no_service_sent_anything_is_not_a_silence_of_one_service() -> None:
    """The job, Kafka or every producer was down for 10 minutes; then search's events arrive a batch before
    payment's. Payment is not silent: silence counts from the first event after the gap."""
    engine = engine_for(SILENCE)
    step(engine, [row(0, 0, 5, service="payment", ts=T0), row(0, 0, 5, service="search", ts=T0)])
    assert step(engine, [row(0, 0, 5, service="search", ts=T0 + 10 * MIN)]) == []
    assert step(engine, [row(0, 0, 5, service="payment", ts=T0 + 10 * MIN + 2000)]) == []
    # A service that stays silent once the pipeline is live again is still found, silent_for later.
    assert step(engine, [row(0, 0, 1, service="search", ts=T0 + 15 * MIN + 1000)]) == []
    (firing,) = step(engine, [row(0, 0, 1, service="search", ts=T0 + 15 * MIN + 2000)])
    assert firing["service"] == "payment" and firing["status"] == "firing"


def test_no_silence_fires_while_the_pipeline_reads_a_backlog() -> None:
    """Catching up after an outage, one partition (search's) runs ahead of another (payment's): while the
    queries are behind, payment's events are only not processed yet."""
    engine = engine_for(SILENCE)
    step(engine, [row(0, 0, 5, service="payment", ts=T0), row(0, 0, 5, service="search", ts=T0)])
    for minute in range(1, 8):
        assert step(engine, [row(0, 0, 5, service="search", ts=T0 + minute * MIN)], caught_up=False) == []
    assert step(engine, [row(0, 0, 5, service="payment", ts=T0 + 7 * MIN)], caught_up=True) == []
    # Without the backlog signal the same batches call payment silent: what the test guards against.
    naive = engine_for(SILENCE)
    step(naive, [row(0, 0, 5, service="payment", ts=T0), row(0, 0, 5, service="search", ts=T0)])
    fired = [step(naive, [row(0, 0, 5, service="search", ts=T0 + minute * MIN)]) for minute in range(1, 8)]
    assert [a["service"] for batch in fired for a in batch] == ["payment"]


def test_state_saved_and_loaded_continues_exactly_like_an_uninterrupted_run(tmp_path: Path) -> None:
    batches = [
        [row(0, T0, 15), row(1, 0, 5, service="payment", ts=T0)],
        [row(0, T0, 10, ts=T0 + 2000)],
        [row(0, T0 + MIN, 30, ts=T0 + MIN + 1000)],
        [row(0, T0 + 3 * MIN, 1, service="x", ts=T0 + 4 * MIN)],
        [row(0, T0 + 3 * MIN, 1, service="x", ts=T0 + 7 * MIN)],
    ]
    straight = engine_for(THRESHOLD, SILENCE)
    expected = [step(straight, b) for b in batches]
    store = StateStore(tmp_path / "alert_state")
    got = []
    for b in batches:
        engine = engine_for(THRESHOLD, SILENCE, state=store.load())  # a restart before every batch
        got.append(step(engine, b))
        store.save(engine.state)
    assert got == expected
    assert [a["status"] for batch in got for a in batch] == ["firing", "resolved", "firing"]


def test_a_changed_rule_starts_afresh_and_a_removed_one_is_dropped() -> None:
    engine = engine_for(THRESHOLD, SILENCE)
    step(engine, [row(0, T0, 10)])
    changed = dataclasses.replace(THRESHOLD, threshold=5)
    engine = engine_for(changed, state=engine.state)
    assert engine.state.rules["burst"].groups == {} and "silent" not in engine.state.rules
    assert step(engine, [row(0, T0, 4)]) == []


@pytest.mark.parametrize("rule", [THRESHOLD, RATIO, SPIKE, SILENCE])
def test_fingerprint_is_stable_and_depends_on_the_definition(rule: Rule) -> None:
    assert rule.fingerprint() == rule.fingerprint()
    assert rule.fingerprint() != dataclasses.replace(rule, severity="LOW").fingerprint()


def test_hopping_windows_sum_panes_and_fire_for_the_earliest_window_holding_the_burst() -> None:
    hopping = ThresholdRule(name="hop", severity="HIGH", window_ms=MIN, slide_ms=10_000, threshold=20, lateness_ms=0)
    engine = engine_for(hopping)
    # 12 events in the pane 12:00:50 and 12 in 12:01:00: no tumbling minute holds 20 of them.
    (firing,) = step(engine, [row(0, T0 + 50_000, 12, ts=T0 + 55_000), row(0, T0 + MIN, 12, ts=T0 + 66_000)])
    assert firing["window_start"] == "2026-11-23T12:00:10.000Z" and firing["value"] == 24.0
    assert step(engine, [row(0, T0 + 110_000, 1, service="other", ts=T0 + 119_000)]) == []
    (resolved,) = step(engine, [row(0, T0 + 120_000, 1, service="other", ts=T0 + 120_000)])
    assert resolved["alert_id"] == firing["alert_id"] and resolved["value"] == 12.0
    assert resolved["window_end"] == "2026-11-23T12:02:00.000Z"
    # Panes whose every window has closed are dropped from the state.
    assert min(engine.state.rules["hop"].groups['["other"]'].windows) == T0 + 110_000
