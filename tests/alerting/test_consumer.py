"""The consumer against a real Kafka broker: delivery and commit, the DLQ, and no second message after a
SIGKILL between send and commit."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

from alerting.consumer import AlertConsumer
from alerting.status import read_status
from core.config import REPO_ROOT, Config
from core.contract import status_path
from tests.alerting.chat_servers import Reply, SlackServer, TelegramServer, slack_visible
from tests.alerting.helpers import (
    TRICKY,
    ConsumerProcess,
    alert_bytes,
    chat_env,
    make_config,
    routes_doc,
    wait_until,
    write_routes,
)

RunConsumer = Callable[[Config, dict[str, str]], AlertConsumer]


def produce(bootstrap: str, topic: str, *values: bytes, key: bytes | None = b"payments") -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", max_block_ms=10000)
    try:
        for value in values:
            producer.send(topic, key=key, value=value).get(timeout=10)
    finally:
        producer.close(timeout=5)


def committed(bootstrap: str, group: str) -> dict[int, int]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    try:
        offsets = admin.list_consumer_group_offsets(group)
    finally:
        admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}


def read_topic(bootstrap: str, topic: str, count: int, timeout_s: float = 15.0) -> list[Any]:
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=int(timeout_s * 1000),
    )
    try:
        records = []
        for record in consumer:
            records.append(record)
            if len(records) >= count:
                break
        return records
    finally:
        consumer.close()


@pytest.fixture
def setup(
    tmp_path: Path,
    kafka_bootstrap: str,
    topic_factory: Callable[..., str],
    consumer_group: str,
    slack_server: SlackServer,
    telegram_server: TelegramServer,
) -> Callable[..., tuple[Config, dict[str, str]]]:
    topic, dlq = topic_factory(), topic_factory()

    def build(**alerting: Any) -> tuple[Config, dict[str, str]]:
        routes = write_routes(tmp_path / "routes.yaml", routes_doc(slack_server, telegram_server))
        config, env = make_config(
            tmp_path / "var",
            routes,
            bootstrap=kafka_bootstrap,
            topic=topic,
            dlq_topic=dlq,
            group=consumer_group,
            **alerting,
        )
        return config, {**env, **chat_env(slack_server, telegram_server)}

    return build


@pytest.mark.integration
def test_an_alert_is_delivered_then_its_offset_committed_and_the_status_file_written(
    setup: Callable[..., tuple[Config, dict[str, str]]],
    run_consumer: RunConsumer,
    kafka_bootstrap: str,
    slack_server: SlackServer,
    telegram_server: TelegramServer,
) -> None:
    config, env = setup()
    run_consumer(config, env)
    produce(kafka_bootstrap, config.topics.alerts, alert_bytes(alert_id="e2e-1", severity="CRITICAL"))
    (tg,) = telegram_server.wait_accepted(1, 30, "sendMessage")
    (sl,) = slack_server.wait_accepted(1, 30, "chat.postMessage")
    assert TRICKY in tg.visible and TRICKY in slack_visible(sl.body)
    assert "https://logs.example.org/?service=payments&amp;from=" in tg.body["text"]
    wait_until(lambda: committed(kafka_bootstrap, config.alerting.consumer_group) == {0: 1}, 15, "the commit")
    status = wait_until(
        lambda: (s := read_status(status_path(config.var_dir, "alerting"))) and s["sent"] == 2 and s,
        10,
        "the status file",
    )
    assert status["consumed"] == 1 and status["failed"] == 0 and status["dlq"] == 0
    assert status["lag"] == 0 and status["updated_at"].endswith("Z")


@pytest.mark.integration
def test_invalid_input_goes_to_the_dlq_with_its_reason_and_the_consumer_goes_on(
    setup: Callable[..., tuple[Config, dict[str, str]]],
    run_consumer: RunConsumer,
    kafka_bootstrap: str,
    slack_server: SlackServer,
) -> None:
    config, env = setup()
    run_consumer(config, env)
    bad = b'{"alert_id": "x", "status": "firing"'
    produce(kafka_bootstrap, config.topics.alerts, bad, b"\xff\xfe", alert_bytes(alert_id="after", severity="LOW"))
    slack_server.wait_accepted(1, 30, "chat.postMessage")
    first, second = read_topic(kafka_bootstrap, config.topics.alerts_dlq, 2)
    assert first.value == bad and first.key == b"payments"
    headers = {k: v.decode() for k, v in first.headers}
    assert headers["stage"] == "validate"
    assert headers["source"] == f"{config.topics.alerts}/0/0"
    assert "not valid JSON" in headers["reason"]
    assert second.value == b"\xff\xfe" and "not UTF-8" in dict(second.headers)["reason"].decode()
    wait_until(lambda: committed(kafka_bootstrap, config.alerting.consumer_group) == {0: 3}, 15, "the commit")


@pytest.mark.integration
def test_after_the_last_retry_the_alert_goes_to_the_dlq_and_other_channels_still_deliver(
    setup: Callable[..., tuple[Config, dict[str, str]]],
    run_consumer: RunConsumer,
    kafka_bootstrap: str,
    slack_server: SlackServer,
    telegram_server: TelegramServer,
) -> None:
    slack_server.script("chat.postMessage", *[Reply.error(503)] * 3)
    config, env = setup()
    consumer = run_consumer(config, env)
    value = alert_bytes(alert_id="doomed", severity="HIGH")
    produce(kafka_bootstrap, config.topics.alerts, value)
    telegram_server.wait_accepted(1, 30, "sendMessage")
    (record,) = read_topic(kafka_bootstrap, config.topics.alerts_dlq, 1, timeout_s=30)
    assert record.value == value
    headers = {k: v.decode() for k, v in record.headers}
    assert headers["stage"] == "delivery" and headers["route"] == "team" and headers["alert_id"] == "doomed"
    assert "HTTP 503" in headers["reason"] or "internal_error" in headers["reason"]
    assert len(slack_server.received) == 3  # max_attempts
    wait_until(lambda: committed(kafka_bootstrap, config.alerting.consumer_group) == {0: 1}, 15, "the commit")
    assert consumer.counters.snapshot()["failed"] == 1 and consumer.counters.snapshot()["sent"] == 1


@pytest.mark.integration
def test_sigkill_between_send_and_commit_gives_no_second_message(
    tmp_path: Path,
    setup: Callable[..., tuple[Config, dict[str, str]]],
    kafka_bootstrap: str,
    slack_server: SlackServer,
    telegram_server: TelegramServer,
) -> None:
    # A long commit interval holds the offset back, so the kill lands after the send and before the commit.
    config, env = setup(commit_interval_s=600)
    first = ConsumerProcess(config, env, tmp_path / "first.log")
    try:
        first.wait_status(lambda s: True, 30, "the first consumer's status")
        produce(kafka_bootstrap, config.topics.alerts, alert_bytes(alert_id="once", severity="HIGH"))
        slack_server.wait_accepted(1, 30, "chat.postMessage")
        telegram_server.wait_accepted(1, 30, "sendMessage")
        first.wait_status(lambda s: s["sent"] == 2, 10, "both deliveries recorded")
        assert committed(kafka_bootstrap, config.alerting.consumer_group) == {}
        first.kill()
    finally:
        first.close()
    env["ALERTING_COMMIT_INTERVAL_S"] = "0.2"
    second = ConsumerProcess(config, env, tmp_path / "second.log")
    try:
        second.wait_status(
            lambda s: s["consumed"] == 1 and s["suppressed"] == 1 and s["in_flight"] == 0,
            30,
            "the re-read alert recognised as delivered",
        )
        wait_until(lambda: committed(kafka_bootstrap, config.alerting.consumer_group) == {0: 1}, 15, "the commit")
        assert len(slack_server.received) == 1 and len(telegram_server.accepted("sendMessage")) == 1
        assert second.terminate() == 0, second.log()
        assert "alerting consumer stopped" in second.log()
        assert telegram_server.token not in second.log() and slack_server.token not in second.log()
    finally:
        second.close()


def test_test_message_command_sends_on_the_named_route(
    tmp_path: Path, telegram_server: TelegramServer, slack_server: SlackServer
) -> None:
    routes = write_routes(tmp_path / "routes.yaml", routes_doc(slack_server, telegram_server))
    env = {"PATH": "/usr/bin:/bin", "LOGWATCH_VAR_DIR": str(tmp_path), **chat_env(slack_server, telegram_server)}
    done = subprocess.run(
        [sys.executable, "-m", "alerting", "test-message", "--route", "oncall", "--routes", str(routes)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Test message sent on route oncall to telegram chat -1001" in done.stdout
    (got,) = telegram_server.accepted("sendMessage")
    assert "<b>not bold</b> & *not bold* _not italic_" in got.visible
    missing = subprocess.run(
        [sys.executable, "-m", "alerting", "test-message", "--route", "nope", "--routes", str(routes)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2
    assert missing.stderr.strip().endswith("There is no route named 'nope'; the routes are: oncall, team.")
    assert json.dumps(telegram_server.token) not in done.stderr + missing.stderr
