"""Alert latency and throughput of the windowed rules query (streaming.rules) on a real Kafka broker.

Run: ``.venv/bin/python -m bench.bench_rules [--bootstrap HOST:PORT] [--rate N] [--trials N] [--backlog N]``.
Without ``--bootstrap`` it starts its own broker (:class:`infra.teststack.TestStack`, ~10-40 s). Documents go
to temporary topics, never to the configured classified or alerts topics.

Figures:
- alert latency under load: ``--rate`` classified documents per second from 20 services run through the
  default rules plus one bench threshold rule (50 errors of one service in 1 minute); then, per trial, a
  fresh service logs 49 errors, and the 50th is timed from its send to the alert's arrival on the alerts
  topic (p50/p95/max, :func:`bench.stats.percentile`), next to the query's batch durations (Spark progress,
  p50/p95);
- drain throughput: a backlog of ``--backlog`` documents read by a fresh query with the configured
  ``maxOffsetsPerTrigger``: documents per second from the query's start to the last batch, and the best
  batch's processed rows per second.

Ends with one JSON line of the same figures.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

from bench.stats import percentile
from core.config import Config, load_config
from core.contract import rfc3339_ms
from streaming.rules import DEFAULT_RULES_FILE, Match, ThresholdRule, load_rules, start_rules_query

__all__ = ["main"]

BENCH_RULE = ThresholdRule(
    name="bench-burst",
    severity="HIGH",
    match=Match(min_level="ERROR"),
    window_ms=60_000,
    threshold=50,
    lateness_ms=5_000,
)


def doc(service: str, level: str, i: int, at_ms: int | None = None) -> bytes:
    now_ms = int(time.time() * 1000) if at_ms is None else at_ms
    return json.dumps(
        {
            "event_id": f"{service}-{i}-{now_ms}",
            "timestamp": rfc3339_ms(now_ms),
            "level": level,
            "service": service,
            "host": "bench-1",
            "message": f"request {i} served by {service} in 12 ms",
            "category": "business",
        }
    ).encode()


class Background(threading.Thread):
    """Produces ``rate`` documents per second (0.2% errors) from 20 services until stopped."""

    def __init__(self, producer: KafkaProducer, topic: str, rate: int) -> None:
        super().__init__(daemon=True)
        self.producer, self.topic, self.rate = producer, topic, rate
        self.stop = threading.Event()
        self.sent = 0

    def run(self) -> None:
        started = time.monotonic()
        while not self.stop.is_set():
            due = int((time.monotonic() - started) * self.rate)
            while self.sent < due:
                service = f"bg-{self.sent % 20}"
                level = "ERROR" if self.sent % 500 == 0 else "INFO"
                self.producer.send(self.topic, key=service.encode(), value=doc(service, level, self.sent))
                self.sent += 1
            time.sleep(0.01)


class AlertWatcher(threading.Thread):
    """Records the arrival time of every alert on the topic, by service."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        super().__init__(daemon=True)
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        self.consumer.assign([TopicPartition(topic, 0)])
        self.arrived: dict[str, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for records in self.consumer.poll(timeout_ms=20).values():
                for record in records:
                    alert = json.loads(record.value)
                    if alert["status"] == "firing":
                        self.arrived.setdefault(alert["service"], time.monotonic())
        self.consumer.close()


def batch_durations(progress: list[Any]) -> list[float]:
    return [float(p.durationMs["triggerExecution"]) for p in progress if int(p.numInputRows) > 0]


def bench_latency(spark: Any, config: Config, args: argparse.Namespace, work: Path, bootstrap: str) -> dict[str, float]:
    """Alert latency under load; returns its figures in ms."""
    source, alerts = create_topics(bootstrap, 3)
    rules = [*load_rules(DEFAULT_RULES_FILE), BENCH_RULE]
    query = start_rules_query(
        spark, config, rules, source_topic=source, alerts_topic=alerts, checkpoint_dir=work / "ckpt-latency"
    )
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=5, batch_size=256 * 1024)
    background = Background(producer, source, args.rate)
    watcher = AlertWatcher(bootstrap, alerts)
    watcher.start()
    background.start()
    latencies: list[float] = []

    def burst(service: str) -> float:
        at_ms = int(time.time() * 1000)  # one event time for the burst: it never straddles a window boundary
        for i in range(BENCH_RULE.threshold - 1):
            producer.send(source, key=service.encode(), value=doc(service, "ERROR", i, at_ms))
        producer.flush()
        time.sleep(2)
        started = time.monotonic()
        producer.send(source, key=service.encode(), value=doc(service, "ERROR", BENCH_RULE.threshold, at_ms))
        producer.flush()
        deadline = started + 60
        while service not in watcher.arrived and time.monotonic() < deadline:
            time.sleep(0.005)
        if service not in watcher.arrived:
            raise SystemExit(f"no alert for {service} within 60 s; last progress: {query.lastProgress}")
        return watcher.arrived[service] - started

    try:
        # Warm-up under load: code generation, the first alert's producer, a backlog of the first batches.
        burst("warm-up-0")
        burst("warm-up-1")
        skip = len(query.recentProgress)
        for trial in range(args.trials):
            latencies.append(burst(f"burst-{trial}"))
        durations = batch_durations(query.recentProgress[skip:])
    finally:
        background.stop.set()
        background.join()
        watcher.stop.set()
        query.stop()
        producer.close()
    trigger_ms = config.streaming.rules_trigger_interval_ms
    figures = {
        "alert_p50_ms": round(percentile(latencies, 50) * 1000),
        "alert_p95_ms": round(percentile(latencies, 95) * 1000),
        "alert_max_ms": round(max(latencies) * 1000),
        "batch_p50_ms": round(percentile(durations, 50)),
        "batch_p95_ms": round(percentile(durations, 95)),
    }
    print(
        f"alert latency at {args.rate:,}/s background, {len(rules)} rules, trigger {trigger_ms} ms: "
        f"p50 {figures['alert_p50_ms']} ms, p95 {figures['alert_p95_ms']} ms, "
        f"max {figures['alert_max_ms']} ms over {len(latencies)} trials"
    )
    print(
        f"  batch duration (triggerExecution) p50 {figures['batch_p50_ms']} ms, "
        f"p95 {figures['batch_p95_ms']} ms over {len(durations)} batches; "
        f"background sent {background.sent:,} documents"
    )
    return figures


def bench_drain(spark: Any, config: Config, args: argparse.Namespace, work: Path, bootstrap: str) -> dict[str, float]:
    """Drain throughput of a backlog; returns its figures."""
    source, alerts = create_topics(bootstrap, 3)
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=20, batch_size=512 * 1024)
    values = [doc(f"bg-{i % 20}", "ERROR" if i % 500 == 0 else "INFO", i) for i in range(args.backlog)]
    for i, value in enumerate(values):
        producer.send(source, key=f"bg-{i % 20}".encode(), value=value)
    producer.flush()
    producer.close()
    rules = [*load_rules(DEFAULT_RULES_FILE), BENCH_RULE]
    started = time.monotonic()
    query = start_rules_query(
        spark, config, rules, source_topic=source, alerts_topic=alerts, checkpoint_dir=work / "ckpt-drain"
    )
    try:
        while sum(int(p.numInputRows) for p in query.recentProgress) < args.backlog:
            if query.exception() is not None:
                raise SystemExit(f"the query failed: {query.exception()}")
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        best = max(float(p.processedRowsPerSecond or 0) for p in query.recentProgress)
        durations = batch_durations(query.recentProgress)
    finally:
        query.stop()
    print(
        f"drain: {args.backlog:,} documents in {elapsed:.1f} s = {args.backlog / elapsed:,.0f}/s including query start "
        f"({len(durations)} batches of up to {config.spark.max_offsets_per_trigger:,}, "
        f"batch p50 {percentile(durations, 50):.0f} ms, best batch {best:,.0f} rows/s)"
    )
    return {"drain_docs_per_s": round(args.backlog / elapsed), "drain_best_batch_rows_per_s": round(best)}


def create_topics(bootstrap: str, partitions: int) -> tuple[str, str]:
    source, alerts = f"bench-classified-{uuid.uuid4().hex[:8]}", f"bench-alerts-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    admin.create_topics([NewTopic(source, partitions, 1), NewTopic(alerts, 1, 1)])
    admin.close()
    return source, alerts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="use this Kafka instead of starting one")
    parser.add_argument("--rate", type=int, default=2000, help="background documents per second (default 2000)")
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--backlog", type=int, default=100_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--trigger-ms", type=int, default=200)
    parser.add_argument("--verbose", action="store_true", help="log one line per batch (count/state/send ms)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.verbose:
        logging.getLogger("streaming.rules").setLevel(logging.INFO)
    work = Path(tempfile.mkdtemp(prefix="bench-rules-"))
    stack = None
    bootstrap = args.bootstrap
    if bootstrap is None:
        from infra.teststack import TestStack

        stack = TestStack(work / "var-kafka")
        bootstrap = stack.start_kafka()
    from infra.jars import fetch_jars
    from infra.stack import SPARK_POM
    from streaming.session import spark_session

    # The jars `make setup` fetched under the configured var_dir, shared rather than fetched again.
    jars = load_config().var_dir / "jars"
    fetch_jars(SPARK_POM, jars / "spark")
    (work / "var").mkdir()
    os.symlink(jars, work / "var" / "jars")
    env = {
        "LOGWATCH_VAR_DIR": str(work / "var"),
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "SPARK_MASTER": args.master,
        "SPARK_SHUFFLE_PARTITIONS": "2",
        "STREAMING_RULES_TRIGGER_INTERVAL_MS": str(args.trigger_ms),
    }
    config = load_config(env=env)
    spark = spark_session(config, app_name="logwatch-bench-rules")
    spark.sparkContext.setLogLevel("ERROR")
    try:
        figures = bench_latency(spark, config, args, work, bootstrap)
        figures.update(bench_drain(spark, config, args, work, bootstrap))
        print(json.dumps({"bench": "rules", "rate": args.rate, **figures}))
    finally:
        spark.stop()
        if stack is not None:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
