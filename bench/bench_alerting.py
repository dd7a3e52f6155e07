"""Alert delivery latency: from producing an alert on ``alerts`` to the local chat server receiving it.

Run: ``.venv/bin/python -m bench.bench_alerting [--trials 50] [--bootstrap HOST:PORT]``.
Without ``--bootstrap`` a Kafka broker is started in a temporary folder with the tests' launcher
(:mod:`infra.teststack`). The consumer runs in this process with the real slack-sdk and python-telegram-bot
senders pointed at the local Slack and Telegram stand-ins of the tests (``tests/alerting/chat_servers.py``),
on routes with ``group_wait_s: 0`` (grouping adds exactly its wait). Each trial uses a new service, so repeat
suppression never applies. Prints p50/p95/max (:func:`bench.stats.percentile`) in milliseconds for the first
chat message of each alert, and one JSON line.

End to end (a log event through Spark to the chat server): :func:`measure` takes the ``trigger`` that makes an
alert for a service happen; pass one that produces ERROR events for that service to ``logs`` while the
streaming job and its rules run (see :func:`produce_alert` for the shape), and the same receipt detection
(the service name in the chat message) applies.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic

from alerting.consumer import AlertConsumer
from bench.stats import percentile
from tests.alerting.chat_servers import ChatServer, SlackServer, TelegramServer
from tests.alerting.helpers import alert_bytes, chat_env, make_config, routes_doc, write_routes

__all__ = ["main", "measure", "produce_alert", "received_at"]

logger = logging.getLogger(__name__)


def received_at(server: ChatServer, service: str) -> float | None:
    """When ``server`` first accepted a message naming ``service`` (monotonic seconds), if it has."""
    for record in list(server.received):
        if record.status == 200 and service in json.dumps(record.body, ensure_ascii=False):
            return record.at
    return None


def measure(
    trigger: Callable[[str], None], servers: list[ChatServer], trials: int, timeout_s: float = 30.0
) -> list[float]:
    """Latency in seconds of each trial: ``trigger(service)`` until a server accepted a message naming it.

    :param trigger: makes an alert for ``service`` happen (produce it on ``alerts``, or log events on ``logs``).
    :param servers: the chat stand-ins the routes point at.
    :param trials: how many alerts.
    :param timeout_s: how long one trial may take before the run fails.
    """
    latencies = []
    for i in range(trials):
        service = f"bench-{uuid.uuid4().hex[:8]}-{i}"
        started = time.monotonic()
        trigger(service)
        deadline = started + timeout_s
        while True:
            times = [t for t in (received_at(s, service) for s in servers) if t is not None]
            if times:
                latencies.append(min(times) - started)
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"trial {i}: no chat message within {timeout_s} s")
            time.sleep(0.001)
    return latencies


def produce_alert(producer: KafkaProducer, topic: str) -> Callable[[str], None]:
    """A trigger that produces one HIGH alert for the service on ``topic`` and waits for the broker's ack."""

    def trigger(service: str) -> None:
        producer.send(topic, key=service.encode(), value=alert_bytes(service=service, severity="HIGH")).get(10)

    return trigger


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--bootstrap", help="use this Kafka instead of starting one")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    # No Elasticsearch here: alert history and silences say so at WARNING, as they should in production, and
    # kafka-python warns while the new consumer group finds its coordinator; neither is a figure of this bench.
    for quiet in ("elastic_transport", "alerting.history", "alerting.silences", "kafka"):
        logging.getLogger(quiet).setLevel(logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="bench-alerting-"))
    stack = None
    bootstrap = args.bootstrap
    if bootstrap is None:
        from infra.teststack import TestStack

        stack = TestStack(work / "var-kafka")
        bootstrap = stack.start_kafka()
    slack, telegram = SlackServer(), TelegramServer()
    topic, dlq = f"bench-alerts-{uuid.uuid4().hex[:8]}", f"bench-dlq-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    admin.create_topics([NewTopic(topic, 1, 1), NewTopic(dlq, 1, 1)])
    admin.close()
    routes = write_routes(work / "routes.yaml", routes_doc(slack, telegram))
    config, env = make_config(
        work / "var",
        routes,
        bootstrap=bootstrap,
        topic=topic,
        dlq_topic=dlq,
        group=f"bench-{uuid.uuid4().hex[:8]}",
        commit_interval_s=1,
        status_interval_s=5,
    )
    consumer = AlertConsumer(config, env={**env, **chat_env(slack, telegram)})
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0, max_block_ms=10000)
    try:
        trigger = produce_alert(producer, topic)
        measure(trigger, [slack, telegram], args.warmup, timeout_s=60)  # group join, first connections
        latencies_ms = [s * 1000 for s in measure(trigger, [slack, telegram], args.trials)]
    finally:
        producer.close(timeout=5)
        consumer.stop_event.set()
        thread.join(30)
        slack.close()
        telegram.close()
        if stack is not None:
            stack.stop()
    p50, p95 = percentile(latencies_ms, 50), percentile(latencies_ms, 95)
    print(
        f"alert delivery latency over {len(latencies_ms)} alerts (produce on alerts -> chat server): "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(latencies_ms):.1f} ms, "
        f"mean {statistics.fmean(latencies_ms):.1f} ms"
    )
    print(
        json.dumps(
            {
                "bench": "alerting_delivery_latency",
                "trials": len(latencies_ms),
                "p50_ms": round(p50, 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(max(latencies_ms), 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
