"""Scale-out, proven on this machine: Kafka with three brokers and Elasticsearch with two nodes, one broker and
one node SIGKILLed mid-stream, every event indexed exactly once.

Run: ``.venv/bin/python -m bench.bench_replicated [--events 10000] [--rate 250] [--no-kill-es]``.
It starts, in a temporary folder with the tests' launcher (:mod:`infra.teststack`):

- three Kafka brokers in KRaft mode (each also a controller; one cluster), every topic with 3 replicas and
  ``min.insync.replicas=2``;
- two Elasticsearch nodes as one cluster;
- the streaming job and the API, each given all three brokers and both nodes (``KAFKA_BOOTSTRAP_SERVERS``,
  ``ES_URL`` as comma-separated lists).

Then it produces ``--events`` events at ``--rate`` events/s with kafka-python (``acks=all``, idempotent, a
callback per send), SIGKILLs the broker leading partition 0 of ``logs`` a third of the way in and, two thirds
in, the Elasticsearch node that is not the elected master. The index template gives a daily index one replica
as soon as the cluster has a second node (``auto_expand_replicas: 0-1``, streaming/es_index.py): the bench waits
for the day's index to be green (its replica allocated) before it kills anything.

Printed: start-up times, the producer's errors and its longest wait for an acknowledgement (the broker
fail-over), how long after the last send every event was searchable, documents and distinct events in
Elasticsearch, records in ``logs.dlq``, whether the job is still running and how often a query restarted, and the
API's answer with one node down. It ends with one JSON line of these figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import signal
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from elasticsearch import Elasticsearch, NotFoundError, helpers
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient

from core.config import REPO_ROOT, es_hosts
from infra.supervisor import Service
from infra.teststack import TestStack, free_port

SERVICES = ("search", "auth", "payment", "inventory", "checkout")


def event(i: int, run: str) -> tuple[bytes, bytes]:
    """Kafka key and value of event ``i`` of this run: its number is in ``attributes.i``."""
    service = SERVICES[i % len(SERVICES)]
    value = {
        "timestamp": datetime.now(UTC).isoformat(),
        "level": ("INFO", "WARN", "ERROR")[i % 3],
        "service": service,
        "host": f"host-{i % 7}",
        "message": f"request {i} served in {i % 250} ms",
        "attributes": {"i": i, "run": run},
    }
    return service.encode(), json.dumps(value).encode()


def paced(rate: float, count: int) -> Iterator[int]:
    """0 .. ``count`` - 1, each when it is due at a steady ``rate`` per second."""
    started = time.monotonic()
    for i in range(count):
        delay = started + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield i


def wait_until(check: Callable[[], bool], timeout_s: float, poll_s: float = 0.5) -> float | None:
    """Seconds until ``check`` held, or None after ``timeout_s``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if check():
            return time.monotonic() - started
        time.sleep(poll_s)
    return None


def indexed(es: Elasticsearch, alias: str, run: str) -> int:
    try:
        es.indices.refresh(index=alias)
        return int(es.count(index=alias, query={"term": {"attributes.run": run}})["count"])
    except NotFoundError:
        return 0


def event_numbers(es: Elasticsearch, alias: str, run: str) -> Counter[int]:
    """How many documents each event number of this run has."""
    hits = helpers.scan(es, index=alias, query={"query": {"term": {"attributes.run": run}}}, _source=["attributes"])
    return Counter(int(hit["_source"]["attributes"]["i"]) for hit in hits)


def topic_records(bootstrap: str, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        starts, ends = consumer.beginning_offsets(parts), consumer.end_offsets(parts)
        return sum(ends[p] - starts[p] for p in parts)
    finally:
        consumer.close()


def partitions(bootstrap: str, topic: str) -> list[tuple[int, int, list[int]]]:
    """(partition, leader, in-sync replicas) of each partition of ``topic``."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        (described,) = admin.describe_topics([topic])
        return sorted((p["partition"], p["leader"], sorted(p["isr"])) for p in described["partitions"])
    finally:
        admin.close()


def api_service(stack: TestStack, bootstrap: str, es_url: str, port: int) -> Service:
    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                return bool(response.status < 500)
        except OSError:
            return False

    env = {
        "LOGWATCH_VAR_DIR": str(stack.var_dir),
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "ES_URL": es_url,
        "API_HOST": "127.0.0.1",
        "API_PORT": str(port),
        **stack.names_env(),
    }
    return Service(
        "api", [sys.executable, "-m", "api"], ready, ports=(port,), env=env, cwd=REPO_ROOT, die_with_parent=True
    )


def api_search_total(port: int, run: str) -> tuple[int, int]:
    """HTTP status and ``total`` of ``/logs/search`` for this run's events (the last hour)."""
    query = urlencode({"q": f"attributes.run:{run}", "from": "now-1h", "size": 1})
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/logs/search?{query}", timeout=30) as response:
            return response.status, int(json.load(response)["total"])
    except urllib.error.HTTPError as exc:
        return exc.code, -1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=250, help="events/s, steady")
    parser.add_argument("--no-kill-es", action="store_true", help="kill only the broker")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    # Refused connections to the killed broker and node are the point here, not figures.
    for noisy in ("elastic_transport", "kafka"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    work = Path(tempfile.mkdtemp(prefix="bench-replicated-"))
    stack = TestStack(work / "var")
    run = uuid.uuid4().hex[:12]
    finished = False
    try:
        t0 = time.monotonic()
        bootstrap = stack.start_kafka_cluster(3)
        kafka_s = time.monotonic() - t0
        t0 = time.monotonic()
        es_url = stack.start_elasticsearch_cluster(2)
        es_s = time.monotonic() - t0
        print(f"3 Kafka brokers up in {kafka_s:.1f} s ({bootstrap})")
        print(f"`logs` (partition, leader, in-sync replicas): {partitions(bootstrap, 'logs')}")
        print(f"2 Elasticsearch nodes up in {es_s:.1f} s ({es_url})")
        t0 = time.monotonic()
        stack.supervisor.start(stack.streaming_service(bootstrap, es_url))
        api_port = free_port()
        stack.supervisor.start(api_service(stack, bootstrap, es_url, api_port))
        print(f"streaming job and API up in {time.monotonic() - t0:.1f} s, each given all brokers and both nodes")

        es = Elasticsearch(es_hosts(es_url), request_timeout=60, max_retries=3, retry_on_timeout=True)
        alias = stack.indices.logs
        # Python workers started, model loaded, the daily index created: the measured run starts on a warm job.
        warm = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
        for i in range(100):
            key, value = event(i, "warm-up")
            warm.send(stack.topics.logs, key=key, value=value)
        warm.flush(timeout=60)
        warm.close()
        warmed = wait_until(lambda: indexed(es, alias, "warm-up") >= 100, 300)
        if warmed is None:
            raise SystemExit(f"the warm-up events were not searchable after 300 s: see {work}/var/log/streaming.log")
        print(f"100 warm-up events searchable in {warmed:.1f} s")
        replica_at = time.monotonic()
        health = es.cluster.health(index=alias, wait_for_status="green", timeout="60s")
        replica_s = time.monotonic() - replica_at
        if health["status"] != "green":
            raise SystemExit(f"the daily index got no replica within 60 s (status {health['status']}): see {work}")
        print(f"the daily index is green, its replica on the other node, {replica_s:.1f} s after the warm-up")
        leader = next(leader for partition, leader, _ in partitions(bootstrap, "logs") if partition == 0)
        acked: list[float] = []
        errors: list[str] = []
        producer = KafkaProducer(
            bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5, request_timeout_ms=10_000
        )
        kill_kafka_at, kill_es_at = args.events // 3, None if args.no_kill_es else 2 * args.events // 3
        killed_es = None
        started = time.monotonic()
        for i in paced(args.rate, args.events):
            key, value = event(i, run)
            future = producer.send(stack.topics.logs, key=key, value=value)
            future.add_callback(lambda _: acked.append(time.monotonic()))
            future.add_errback(lambda exc: errors.append(f"{type(exc).__name__}: {exc}"))
            if i == kill_kafka_at:
                stack.supervisor.signal(f"kafka-{leader}", signal.SIGKILL)
                print(
                    f"  event {i:,} at {time.monotonic() - started:.1f} s: SIGKILLed broker {leader} (leader of logs/0)"
                )
            if i == kill_es_at:
                killed_es = stack.elasticsearch_non_master(es_url)
                stack.supervisor.signal(killed_es, signal.SIGKILL)
                print(f"  event {i:,} at {time.monotonic() - started:.1f} s: SIGKILLed {killed_es} (not the master)")
        producer.flush(timeout=180)
        produce_s = time.monotonic() - started
        producer.close()
        gaps = [b - a for a, b in zip(sorted(acked), sorted(acked)[1:], strict=False)]
        max_ack_gap = max(gaps, default=0.0)
        print(
            f"produced {args.events:,} events in {produce_s:.1f} s: {len(acked):,} acknowledged, {len(errors)} errors "
            f"{errors[:3]}, longest wait between acknowledgements {max_ack_gap:.2f} s"
        )

        drained = wait_until(lambda: indexed(es, alias, run) >= args.events, 300, poll_s=1)
        time.sleep(5)  # a late duplicate would show up by now
        numbers = event_numbers(es, alias, run)
        docs, distinct = sum(numbers.values()), len(numbers)
        dlq = topic_records(bootstrap, stack.topics.dlq)
        on_logs = topic_records(bootstrap, stack.topics.logs)
        job_log = stack.supervisor.log_path("streaming").read_text(errors="replace")
        restarts = job_log.count("query stopped, restarting")
        es_retries = job_log.count("elasticsearch unavailable, retrying")
        job_running = stack.supervisor.pid("streaming") is not None
        api_status, api_total = api_search_total(api_port, run)
        took = "NOT within 300 s" if drained is None else f"{drained:.1f} s"
        print(f"all searchable {took} after the last acknowledgement")
        print(
            f"Elasticsearch: {docs:,} documents, {distinct:,} distinct events, {docs - distinct} duplicates, "
            f"{args.events - distinct} missing; logs holds {on_logs:,} records, logs.dlq {dlq}"
        )
        print(f"`logs` after the kill: {partitions(bootstrap, 'logs')}")
        print(
            f"streaming job {'still running' if job_running else 'GONE'}, query restarts {restarts}, "
            f"bulk retries for an unavailable node {es_retries}; "
            f"API /logs/search with {'one node down' if killed_es else 'both nodes'}: HTTP {api_status}, "
            f"total {api_total:,}"
        )
        print(
            json.dumps(
                {
                    "kafka_brokers": 3,
                    "replication_factor": 3,
                    "min_insync_replicas": 2,
                    "broker_killed": True,
                    "es_nodes": 2,
                    "es_node_killed": killed_es is not None,
                    "events_in": args.events,
                    "rate_per_s": args.rate,
                    "acknowledged": len(acked),
                    "producer_errors": len(errors),
                    "max_ack_gap_s": round(max_ack_gap, 2),
                    "records_on_logs": on_logs,
                    "docs_out": docs,
                    "distinct_events": distinct,
                    "duplicates": docs - distinct,
                    "missing": args.events - distinct,
                    "dlq": dlq,
                    "drain_s": None if drained is None else round(drained, 1),
                    "job_running": job_running,
                    "query_restarts": restarts,
                    "es_bulk_retries": es_retries,
                    "es_replica_step_s": round(replica_s, 1),
                    "api_status": api_status,
                    "api_total": api_total,
                    "startup_s": {"kafka": round(kafka_s, 1), "elasticsearch": round(es_s, 1)},
                }
            )
        )
        finished = True
        return 0
    finally:
        stack.supervisor.stop("api")
        stack.stop()
        if finished:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"the services' logs are kept in {work}/var/log", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
