"""What the windowed rules (streaming.rules) add to each index micro-batch, on a real Kafka broker.

Run: ``.venv/bin/python -m bench.bench_rules [--bootstrap HOST:PORT] [--repeats N]``. Without ``--bootstrap`` it
starts its own broker (:class:`infra.teststack.TestStack`, ~10-40 s); alerts go to a temporary topic.

The index query's workers count the documents they index (streaming.rules.aggregate.count_documents, over the
documents the sink built, as Elasticsearch took them), and the driver runs the rules' step on the merged counts
(streaming.job). Batches of 1,000, 5,000 and 20,000 documents (the last is ``maxOffsetsPerTrigger``) from 20
services, 0.2% errors, go through the default rules plus one threshold rule that fires in every batch. Figures: the
workers' cost per document (count, best of ``--repeats``), and the driver's step per batch (p50/p95 over
``--repeats`` batches, each a new batch id with events a second later: rule rows, fold into the state and
save it, publish the alerts). Burst-to-alert latency through the whole job is ``bench.bench_pipeline``'s.

Ends with one JSON line of the same figures.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
import uuid
from pathlib import Path

from kafka.admin import KafkaAdminClient, NewTopic

from bench.stats import percentile
from core.config import Config, load_config
from core.contract import rfc3339_ms
from streaming.rules import DEFAULT_RULES_FILE, BatchProcessor, Match, ThresholdRule, load_rules
from streaming.rules.aggregate import buckets_of, count_documents

__all__ = ["main"]

BATCH_SIZES = (1_000, 5_000, 20_000)
# Fires in every batch: the step's cost includes publishing an alert.
BENCH_RULE = ThresholdRule(
    name="bench-burst", severity="HIGH", match=Match(min_level="ERROR"), window_ms=1_000, threshold=1, lateness_ms=0
)


def doc(i: int, at_ms: int) -> dict[str, str]:
    service = f"bg-{i % 20}"
    return {
        "event_id": f"{service}-{i}-{at_ms}",
        "timestamp": rfc3339_ms(at_ms + i % 1000),
        "level": "ERROR" if i % 500 == 0 else "INFO",
        "service": service,
        "host": "bench-1",
        "message": f"request {i} served by {service} in 12 ms",
        "category": "business",
    }


def bench_step(config: Config, size: int, repeats: int, work: Path) -> dict[str, float]:
    """Counting and the driver's step on batches of ``size`` documents; returns their figures."""
    rules = [*load_rules(DEFAULT_RULES_FILE), BENCH_RULE]
    step = BatchProcessor.from_config(config, rules, work / f"state-{size}")
    start_ms = int(time.time() * 1000) - 600_000
    durations: list[float] = []
    count_s: list[float] = []
    for batch_id in range(repeats + 1):  # a warm-up batch: the alert producer connects
        values = [doc(i, start_ms + batch_id * 1000) for i in range(size)]
        started = time.perf_counter()
        counted = count_documents(values)
        count_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        step(buckets_of(counted), batch_id)
        if batch_id >= 1:
            durations.append((time.perf_counter() - started) * 1000)
    per_doc_us = min(count_s) / size * 1e6
    p50, p95 = percentile(durations, 50), percentile(durations, 95)
    print(
        f"rules, {len(rules)} rules, batches of {size:,}: workers count {per_doc_us:.1f} us per document; "
        f"driver step p50 {p50:.1f} ms, p95 {p95:.1f} ms over {len(durations)} batches"
    )
    return {
        f"count_us_per_doc_at_{size}": round(per_doc_us, 2),
        f"step_p50_ms_at_{size}": round(p50, 1),
        f"step_p95_ms_at_{size}": round(p95, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="use this Kafka instead of starting one")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="bench-rules-"))
    stack = None
    bootstrap = args.bootstrap
    if bootstrap is None:
        from infra.teststack import TestStack

        stack = TestStack(work / "var-kafka")
        bootstrap = stack.start_kafka()
    alerts = f"bench-alerts-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    admin.create_topics([NewTopic(alerts, 1, 1)])
    admin.close()
    env = {
        "LOGWATCH_VAR_DIR": str(work),
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "TOPICS_ALERTS": alerts,
    }
    config = load_config(env=env)
    try:
        figures: dict[str, float] = {}
        for size in BATCH_SIZES:
            figures.update(bench_step(config, size, args.repeats, work))
        print(json.dumps({"bench": "rules", **figures}))
    finally:
        if stack is not None:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
