"""Routing, grouping, repeat suppression, resolved notices, silences and channel isolation, with the real
SDKs against local servers (no Kafka: the dead-letter topic is replaced by a recorder at our own boundary)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alerting.deadletter import DeadLetter, SourceRecord
from alerting.dispatcher import Dispatcher
from alerting.retry import RetryPolicy
from alerting.routing import parse_routes
from alerting.silences import Silence, SilenceCache
from alerting.status import Counters
from alerting.store import DeliveryStore
from core.alert import parse_alert
from tests.alerting.chat_servers import Reply, SlackServer, TelegramServer, slack_visible
from tests.alerting.helpers import alert_dict, chat_env, routes_doc, wait_until


class RecordingDeadLetter(DeadLetter):
    def __init__(self) -> None:  # no producer: records what would be written
        self.records: list[dict[str, Any]] = []

    def send(
        self, source: SourceRecord, *, stage: str, reason: str, alert_id: str | None = None, route: str | None = None
    ) -> bool:
        self.records.append({"source": source, "stage": stage, "reason": reason, "alert_id": alert_id, "route": route})
        return True


class Harness:
    """A dispatcher with a ticking thread, as the consumer runs it."""

    def __init__(
        self,
        state: Path,
        slack: SlackServer,
        telegram: TelegramServer,
        policy: RetryPolicy | None = None,
        **route_overrides: Any,
    ) -> None:
        doc = routes_doc(slack, telegram, **route_overrides)
        self.routing = parse_routes(doc, "test-routes", chat_env(slack, telegram), 2.0)
        self.store = DeliveryStore(state)
        self.silences = SilenceCache(None, 1.0, self.store)
        self.dlq = RecordingDeadLetter()
        self.counters = Counters()
        self.dispatcher = Dispatcher(
            self.routing,
            self.store,
            self.silences,
            policy or RetryPolicy(3, 0.2, 1.0, 20.0),
            self.dlq,
            self.counters,
            "https://logs.example.org",
        )
        self.dispatcher.start()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)
        self._ticker.start()
        self._offset = 0

    def _tick(self) -> None:
        while not self._stop.wait(0.02):
            self.dispatcher.tick()

    def submit(self, **overrides: Any) -> threading.Event:
        raw = alert_dict(**overrides)
        done = threading.Event()
        self._offset += 1
        source = SourceRecord("alerts", 0, self._offset, None, repr(raw).encode())
        self.dispatcher.submit(parse_alert(raw), source, done.set)
        return done

    def history(self, alert_id: str, status: str = "firing") -> dict[str, Any]:
        doc = self.store.history_doc(f"{alert_id}:{status}")
        assert doc is not None
        return doc

    def close(self) -> None:
        self._stop.set()
        self._ticker.join(5)
        self.dispatcher.stop(10)
        self.routing.close()
        self.store.close()


@pytest.fixture
def harness(tmp_path: Path, slack_server: SlackServer, telegram_server: TelegramServer) -> Iterator[Harness]:
    h = Harness(tmp_path / "state.sqlite3", slack_server, telegram_server)
    yield h
    h.close()


def test_high_goes_to_oncall_telegram_and_team_slack_low_only_to_slack(
    harness: Harness, slack_server: SlackServer, telegram_server: TelegramServer
) -> None:
    assert harness.submit(alert_id="a-high", severity="HIGH").wait(15)
    assert harness.submit(alert_id="a-low", severity="LOW", service="web").wait(15)
    assert len(telegram_server.accepted("sendMessage")) == 1
    assert "a-high" in str(telegram_server.accepted("sendMessage")[0].body)
    assert len(slack_server.accepted("chat.postMessage")) == 2
    doc = harness.history("a-high")
    assert doc["delivery_status"] == "sent"
    assert {(d["route"], d["sender"], d["target"], d["status"]) for d in doc["deliveries"]} == {
        ("oncall", "telegram", "telegram chat -1001", "sent"),
        ("team", "slack", "slack #alerts", "sent"),
    }
    assert harness.counters.snapshot()["sent"] == 3


def test_alerts_within_group_wait_go_out_as_one_message(
    tmp_path: Path, slack_server: SlackServer, telegram_server: TelegramServer
) -> None:
    h = Harness(tmp_path / "s.sqlite3", slack_server, telegram_server, group_wait_s=1.0)
    try:
        done = [h.submit(alert_id=f"g-{i}", severity="LOW", service=f"svc-{i}") for i in range(3)]
        assert h.history("g-0")["delivery_status"] == "grouped"
        assert all(d.wait(15) for d in done)
        (message,) = slack_server.accepted("chat.postMessage")
        seen = slack_visible(message.body)
        assert "3 alerts: 3 firing" in seen
        assert all(f"Service: svc-{i}" in seen for i in range(3))
        assert h.history("g-2")["delivery_status"] == "sent"
    finally:
        h.close()


def test_repeat_of_a_rule_and_service_within_the_interval_is_suppressed(
    harness: Harness, slack_server: SlackServer
) -> None:
    assert harness.submit(alert_id="w1", severity="LOW").wait(15)
    assert harness.submit(alert_id="w2", severity="LOW").wait(15)  # next window, same rule and service
    assert harness.submit(alert_id="w1", severity="LOW").wait(15)  # the very same alert again
    assert harness.submit(alert_id="w3", severity="LOW", service="auth").wait(15)
    messages = slack_server.accepted("chat.postMessage")
    assert [("w1" in str(m.body), "w3" in str(m.body)) for m in messages] == [(True, False), (False, True)]
    entry = harness.history("w2")["deliveries"][0]
    assert entry["status"] == "suppressed" and "repeat within the route's 3600 s" in entry["error"]
    assert harness.history("w1")["delivery_status"] == "sent"  # the duplicate did not overwrite it


def test_resolved_notice_follows_a_sent_firing_and_reopens_the_rule(
    harness: Harness, slack_server: SlackServer
) -> None:
    assert harness.submit(alert_id="r1", severity="LOW", status="resolved", service="quiet").wait(15)
    assert (
        harness.history("r1", "resolved")["deliveries"][0]["error"]
        == "no firing notice was sent for this rule and service"
    )
    assert harness.submit(alert_id="f1", severity="LOW").wait(15)
    assert harness.submit(alert_id="f1", severity="LOW", status="resolved").wait(15)
    assert harness.submit(alert_id="f2", severity="LOW").wait(15)  # fires again: no repeat suppression
    messages = [slack_visible(m.body) for m in slack_server.accepted("chat.postMessage")]
    assert len(messages) == 3
    assert "🟡 LOW error-rate" in messages[0] or "🔵 LOW error-rate" in messages[0]
    assert "✅ RESOLVED error-rate" in messages[1]
    assert slack_server.accepted("chat.postMessage")[1].body["attachments"][0]["color"] == "#2EB67D"
    assert "f2" in str(slack_server.accepted("chat.postMessage")[2].body)


def test_delivery_state_survives_a_restart(
    tmp_path: Path, slack_server: SlackServer, telegram_server: TelegramServer
) -> None:
    state = tmp_path / "state.sqlite3"
    first = Harness(state, slack_server, telegram_server)
    try:
        assert first.submit(alert_id="s1", severity="LOW").wait(15)
    finally:
        first.close()
    second = Harness(state, slack_server, telegram_server)
    try:
        assert second.submit(alert_id="s1", severity="LOW").wait(15)  # re-read after a crash
        assert second.submit(alert_id="s2", severity="LOW").wait(15)  # next window within the interval
        assert len(slack_server.accepted("chat.postMessage")) == 1
        assert second.counters.snapshot()["suppressed"] == 2
    finally:
        second.close()


def test_silenced_alerts_are_not_sent_and_history_says_why(
    harness: Harness, slack_server: SlackServer, telegram_server: TelegramServer
) -> None:
    now = datetime.now(UTC)
    harness.silences.replace(
        [
            Silence("sil-1", None, "payments", None, "deploy", "test", now, now + timedelta(hours=1)),
            Silence("sil-old", None, "auth", None, "", "test", now - timedelta(hours=2), now - timedelta(hours=1)),
        ]
    )
    assert harness.submit(alert_id="q1").wait(15)
    assert harness.submit(alert_id="q2", service="auth", severity="LOW").wait(15)  # its silence expired
    assert telegram_server.accepted("sendMessage") == []
    assert len(slack_server.accepted("chat.postMessage")) == 1
    doc = harness.history("q1")
    assert doc["delivery_status"] == "silenced"
    assert {d["error"] for d in doc["deliveries"]} == {"silence sil-1: deploy"}


def test_a_silence_created_during_the_group_wait_applies(
    tmp_path: Path, slack_server: SlackServer, telegram_server: TelegramServer
) -> None:
    h = Harness(tmp_path / "s.sqlite3", slack_server, telegram_server, group_wait_s=1.0)
    try:
        done = h.submit(alert_id="late", severity="LOW")
        now = datetime.now(UTC)
        h.silences.replace([Silence("s", "error-rate", None, None, "", "t", now, now + timedelta(minutes=5))])
        assert done.wait(15)
        assert slack_server.received == []
        assert h.history("late")["delivery_status"] == "silenced"
    finally:
        h.close()


def test_a_failing_channel_does_not_hold_up_the_others_and_ends_in_the_dlq(
    tmp_path: Path, slack_server: SlackServer, telegram_server: TelegramServer
) -> None:
    slack_server.script("chat.postMessage", *[Reply.error(500)] * 10)
    h = Harness(tmp_path / "s.sqlite3", slack_server, telegram_server, RetryPolicy(3, 0.5, 1.0, 20.0))
    try:
        done = h.submit(alert_id="iso", severity="CRITICAL")
        telegram_server.wait_accepted(1, 10, "sendMessage")
        # Telegram got it while Slack was still failing and retrying.
        assert len(slack_server.received) < 3 and not done.is_set()
        assert done.wait(20)
        assert len(slack_server.received) == 3
        (record,) = h.dlq.records
        assert record["stage"] == "delivery" and record["route"] == "team" and record["alert_id"] == "iso"
        assert "internal_error" in record["reason"]
        doc = h.history("iso")
        assert doc["delivery_status"] == "failed"
        assert {d["route"]: d["status"] for d in doc["deliveries"]} == {"oncall": "sent", "team": "failed"}
        wait_until(lambda: h.counters.snapshot()["dlq"] == 1, 5, "the dlq counter")
    finally:
        h.close()
