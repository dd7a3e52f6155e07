"""The pipeline's own alerts: stalled, lagging, dead-lettering too much; each fires once and resolves."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core.alert import parse_alert
from streaming.health import HealthLimits, PipelineHealth

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


class Sent:
    """Collects what would go to the alerts topic; ``refuse`` makes the next publish fail as Kafka would."""

    def __init__(self) -> None:
        self.alerts: list[dict[str, Any]] = []
        self.refuse = False

    def __call__(self, alerts: list[dict[str, Any]]) -> None:
        if self.refuse:
            raise RuntimeError("broker unavailable")
        self.alerts.extend(alerts)


def health(sent: Sent, at_s: float = 0.0) -> PipelineHealth:
    h = PipelineHealth(sent, "http://dash", HealthLimits(stalled_s=60, lagging_reports=3, lagging_min=1000))
    h.on_batch(rows=0, lag=0, at_s=at_s)
    return h


def test_a_backlog_with_no_finished_batch_for_a_minute_fires_stalled_then_resolves() -> None:
    sent = Sent()
    h = health(sent)
    h.on_batch(rows=500, lag=20_000, at_s=10)
    assert h.check(NOW, at_s=60) == []  # 50 s since the last batch
    (firing,) = h.check(NOW, at_s=71)
    assert (firing["rule"], firing["status"], firing["service"], firing["severity"]) == (
        "pipeline-stalled",
        "firing",
        "logwatch",
        "CRITICAL",
    )
    assert h.check(NOW, at_s=120) == []  # fires once
    h.on_batch(rows=20_000, lag=0, at_s=130)
    (resolved,) = h.check(NOW, at_s=131)
    assert resolved["status"] == "resolved" and resolved["alert_id"] == firing["alert_id"]
    parse_alert(json.dumps(firing).encode())  # the consumer's own validation accepts it


def test_records_arriving_while_no_batch_finishes_fire_stalled_even_when_the_last_batch_had_no_backlog() -> None:
    """Elasticsearch went down: the batch in flight never finishes, the last one that did left nothing behind."""
    h = health(Sent())
    h.on_batch(rows=100, lag=0, consumed=5_000, at_s=0)  # it had read all 5,000 records of logs
    h.on_topic_size(5_000)
    assert h.check(NOW, at_s=70) == []  # an idle minute with nothing new is no stall
    h.on_topic_size(7_000)  # 2,000 more arrived, whenever the size was first looked at
    (firing,) = h.check(NOW, at_s=71)
    assert firing["rule"] == "pipeline-stalled"
    h.on_batch(rows=2_000, lag=0, consumed=7_000, at_s=80)
    h.on_topic_size(7_000)
    assert [a["status"] for a in h.check(NOW, at_s=81)] == ["resolved"]


def test_an_idle_pipeline_is_not_stalled() -> None:
    sent = Sent()
    h = health(sent)
    h.on_topic_size(100)
    assert h.check(NOW, at_s=3600) == [] and sent.alerts == []


def test_a_growing_backlog_fires_lagging() -> None:
    h = health(Sent())
    for at, lag in enumerate((900, 1500, 2500, 4000), start=1):
        h.on_batch(rows=1000, lag=lag, at_s=at)
    (firing,) = h.check(NOW, at_s=5)
    assert firing["rule"] == "pipeline-lagging" and firing["value"] == 4000.0
    h.on_batch(rows=5000, lag=100, at_s=6)
    assert [a["status"] for a in h.check(NOW, at_s=7)] == ["resolved"]


def test_a_high_share_of_dead_letters_fires_and_old_counts_leave_the_window() -> None:
    h = health(Sent())
    h.on_dead_letters(1_000, at_s=0)  # what the topic held before: not counted
    h.on_batch(rows=400, lag=0, at_s=10)
    h.on_dead_letters(1_150, at_s=10)  # 150 of 400 = 37.5%
    (firing,) = h.check(NOW, at_s=11)
    assert firing["rule"] == "pipeline-dlq-rate" and firing["value"] == 0.375
    h.on_batch(rows=10, lag=0, at_s=400)
    assert [a["status"] for a in h.check(NOW, at_s=400)] == ["resolved"]  # the burst is older than 5 minutes


def stalled_and_refused(sent: Sent) -> PipelineHealth:
    """A stalled backlog whose firing alert Kafka refused to take (the refusal may still have reached the topic)."""
    h = health(sent)
    h.on_batch(rows=10, lag=5_000, at_s=1)
    sent.refuse = True
    with pytest.raises(RuntimeError):
        h.check(NOW, at_s=100)
    sent.refuse = False
    return h


def test_a_refused_publish_is_sent_again_with_the_same_id_even_when_the_condition_cleared_meanwhile() -> None:
    """The retry must not open a second episode."""
    sent = Sent()
    (firing,) = stalled_and_refused(sent).check(NOW.replace(minute=5), at_s=101)
    assert firing["status"] == "firing" and sent.alerts == [firing]
    assert firing["window_start"].startswith("2026-12-03T12:00:00")  # the episode began at the refused check

    h = stalled_and_refused(Sent())
    h.on_batch(rows=5_000, lag=0, at_s=110)  # the backlog cleared before Kafka confirmed anything
    retried = h.check(NOW.replace(minute=7), at_s=111)
    assert [a["status"] for a in retried] == ["firing", "resolved"]
    assert retried[0]["alert_id"] == retried[1]["alert_id"]


def test_a_restarted_job_resolves_what_the_previous_one_left_firing(tmp_path: Path) -> None:
    state = tmp_path / "streaming" / "pipeline-alerts.json"
    sent = Sent()
    before = PipelineHealth(sent, "http://dash", HealthLimits(stalled_s=60), state)
    before.on_batch(rows=10, lag=5_000, at_s=0)
    (firing,) = before.check(NOW, at_s=100)  # ... and then the job is killed

    after = PipelineHealth(sent, "http://dash", HealthLimits(stalled_s=60), state)
    after.on_batch(rows=5_000, lag=0, at_s=0)
    (resolved,) = after.check(NOW, at_s=1)
    assert (resolved["status"], resolved["alert_id"]) == ("resolved", firing["alert_id"])
    assert PipelineHealth(sent, "http://dash", state_path=state).check(NOW, at_s=2) == []


def test_an_unreadable_state_file_starts_afresh(tmp_path: Path) -> None:
    state = tmp_path / "pipeline-alerts.json"
    state.write_text("{not json")
    h = PipelineHealth(Sent(), "http://dash", HealthLimits(stalled_s=60), state)
    h.on_batch(rows=10, lag=5_000, at_s=0)
    assert [a["status"] for a in h.check(NOW, at_s=100)] == ["firing"]
    assert json.loads(state.read_text()) == {"pipeline-stalled": int(NOW.timestamp() * 1000)}
