"""The rules in the index query, against the real broker and Elasticsearch: log events in, firing then resolved
alerts out. A restart from the checkpoint with the last batch uncommitted (a crash) re-emits and recounts
nothing when the rules state already holds the batch, and counts the whole batch when the crash came before its
rules step, although Kafka already had its classified records (the re-run leaves those out of Kafka only)."""

from __future__ import annotations

import json
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from pyspark.sql import SparkSession
from pyspark.sql.streaming.query import StreamingQuery

from core.alert import parse_alert
from core.config import Config, load_config
from core.contract import rfc3339_ms
from core.jvm import HEAP_RETURNED_WHEN_IDLE
from infra.teststack import TestStack
from streaming.job import start_index_query
from streaming.rules import Match, ThresholdRule
from streaming.rules.alerts import alert_id
from streaming.session import spark_session

pytestmark = [
    pytest.mark.integration,
    # pyspark's collect() leaves its local result socket for the garbage collector to close.
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

MIN = 60_000
RULE = ThresholdRule(
    name="errors-burst", severity="HIGH", match=Match(min_level="ERROR"), window_ms=MIN, threshold=20, lateness_ms=2000
)
SERVICES = [f"svc-{i}" for i in range(5)]


@pytest.fixture(scope="module")
def config(stack: TestStack, kafka_bootstrap: str, es_url: str) -> Config:
    env = {
        "LOGWATCH_VAR_DIR": str(stack.var_dir),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "ES_URL": es_url,
        "NLP_MODEL_PATH": str(stack.home.model_path),
        "SPARK_MASTER": "local[2]",
        "SPARK_SHUFFLE_PARTITIONS": "2",
        "SPARK_TRIGGER_INTERVAL_MS": "200",
        "API_PUBLIC_URL": "https://logs.example.com/",
    }
    return load_config(env=env)


@pytest.fixture(scope="module")
def spark(config: Config) -> Iterator[SparkSession]:
    from infra.jars import fetch_jars
    from infra.stack import SPARK_POM

    fetch_jars(SPARK_POM, config.var_dir / "jars" / "spark")
    session = spark_session(config, app_name="logwatch-rules-kafka-tests")
    yield session
    session.stop()


def test_a_failed_task_fails_its_batch_instead_of_being_retried(spark: SparkSession) -> None:
    """Audit M8.3: on a cluster a retried task re-sent its records within a batch's first run."""
    assert spark.sparkContext.getConf().get("spark.task.maxFailures") == "1"


def test_the_driver_jvm_compiles_with_c1_alone_and_gives_idle_heap_back(spark: SparkSession) -> None:
    """streaming.session: C2's compiling of the per-batch planning code cost more than it gave, and C1 alone filled
    the code cache it gets by default; core.jvm: an idle driver kept the heap it once grew to."""
    jvm = spark.sparkContext._jvm
    runtime = jvm.java.lang.management.ManagementFactory.getRuntimeMXBean()
    assert {"-XX:TieredStopAtLevel=1", *HEAP_RETURNED_WHEN_IDLE} <= set(runtime.getInputArguments())
    code_cache = {
        pool.getName(): pool.getUsage().getMax()
        for pool in jvm.java.lang.management.ManagementFactory.getMemoryPoolMXBeans()
    }
    assert code_cache.get("CodeCache", 0) >= 240 * 1024 * 1024


def doc(service: str, epoch_ms: int, level: str = "ERROR") -> bytes:
    """A log event as our producers send it."""
    return json.dumps(
        {
            "timestamp": rfc3339_ms(epoch_ms),
            "level": level,
            "service": service,
            "host": "h1",
            "message": f"worker {service} stopped at step {epoch_ms}",
        }
    ).encode()


class Alerts:
    """Reads the alerts topic from the start; ``wait`` polls until a condition on everything read holds."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        tp = TopicPartition(topic, 0)
        self.consumer.assign([tp])
        self.consumer.seek_to_beginning(tp)
        self.seen: list[tuple[float, dict[str, Any], bytes | None]] = []

    def poll(self) -> None:
        for records in self.consumer.poll(timeout_ms=50).values():
            for r in records:
                self.seen.append((time.monotonic(), json.loads(r.value), r.key))

    def wait(self, condition: Callable[[list[dict[str, Any]]], bool], timeout_s: float, what: str) -> float:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.poll()
            if condition(self.alerts):
                return self.seen[-1][0] if self.seen else time.monotonic()
        raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}; got {self.alerts}")

    @property
    def alerts(self) -> list[dict[str, Any]]:
        return [a for _, a, _ in self.seen]


def processed(query: StreamingQuery) -> int:
    return sum(int(p.numInputRows) for p in query.recentProgress)


def wait_processed(query: StreamingQuery, rows: int, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if query.exception() is not None:
            raise AssertionError(f"the index query failed: {query.exception()}")
        if processed(query) >= rows:
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for the query to process {rows} rows (done: {processed(query)})")


def wait_committed(query: StreamingQuery, commit: Path, timeout_s: float = 120) -> None:
    """Wait until Spark has re-run the uncommitted batch and written its ``commit`` again."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and query.isActive and not commit.exists():
        time.sleep(0.05)
    assert query.isActive, f"the index query failed after the replay: {query.exception()}"
    assert commit.exists(), "the uncommitted batch was not re-run"


def firing_for(service: str) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda alerts: any(a["service"] == service and a["status"] == "firing" for a in alerts)


def crash(checkpoint: Path) -> Path:
    """Undo the last batch's commit, as a crash before Spark wrote it would have left it; returns the file."""
    commits = sorted((checkpoint / "commits").glob("[0-9]*"), key=lambda p: int(p.name))
    last = commits[-1]
    last.unlink()
    (last.parent / f".{last.name}.crc").unlink(missing_ok=True)
    return last


def test_firing_then_resolved_on_alerts_and_a_crash_restart_neither_re_emits_nor_miscounts(
    spark: SparkSession, config: Config, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    source, alerts_topic = topic_factory(partitions=3), topic_factory(partitions=1)
    classified, dlq = topic_factory(partitions=1), topic_factory(partitions=1)
    window = (int(time.time() * 1000) - 30 * MIN) // MIN * MIN  # event time: a past minute, fully ours
    producer = KafkaProducer(bootstrap_servers=config.kafka.bootstrap_servers, acks="all", linger_ms=0)

    def send(values: list[tuple[str, bytes]]) -> None:
        for service, value in values:
            producer.send(source, key=service.encode(), value=value)
        producer.flush(timeout=30)

    # The query takes every name from the configuration; its checkpoint and rules state go under tmp_path.
    topics = config.topics.model_copy(
        update={"logs": source, "classified": classified, "dlq": dlq, "alerts": alerts_topic}
    )
    indices = config.indices.model_copy(update={"logs": f"rules-{source}"})
    ours = config.model_copy(update={"topics": topics, "indices": indices, "var_dir": tmp_path})
    checkpoint = tmp_path / "checkpoints" / "index"
    state = checkpoint / "alert_state" / "state.json"

    def start() -> StreamingQuery:
        return start_index_query(spark, ours, [RULE])

    reader = Alerts(config.kafka.bootstrap_servers, alerts_topic)
    query = start()
    try:
        # Warm-up: the first batch pays for planning and code generation.
        send([("warm", doc("warm", window, "INFO"))])
        wait_processed(query, 1)
        done = 1
        latencies = []
        for service in SERVICES:
            send([(service, doc(service, window + 1000 + i * 100)) for i in range(19)])
            done += 19
            wait_processed(query, done)
            time.sleep(0.3)  # the query is idle, polling, when the crossing event arrives
            started = time.monotonic()
            send([(service, doc(service, window + 5000))])
            done += 1
            arrived = reader.wait(firing_for(service), 60, f"firing for {service}")
            latencies.append(arrived - started)
        firing = {a["service"]: a for a in reader.alerts}
        assert len(reader.alerts) == len(SERVICES)
        for service, alert in firing.items():
            assert alert["status"] == "firing" and alert["value"] == 20.0 and alert["threshold"] == 20.0
            assert alert["alert_id"] == alert_id(RULE.name, (service,), window)
            assert alert["window_start"] == rfc3339_ms(window)
            assert alert["dashboard_url"].startswith(f"https://logs.example.com/?service={service}&from=")
            parse_alert(json.dumps(alert).encode())
        assert all(key == a["alert_id"].encode() for _, a, key in reader.seen)

        # Another service's event moves the watermark past the next (quiet) window: every group resolves.
        send([("clock", doc("clock", window + 2 * MIN + 10_000, "INFO"))])
        done += 1
        reader.wait(lambda a: len(a) == 2 * len(SERVICES), 60, "five resolved alerts")
        resolved = [a for a in reader.alerts if a["status"] == "resolved"]
        assert {a["alert_id"] for a in resolved} == {a["alert_id"] for a in firing.values()}
        assert {a["window_end"] for a in resolved} == {rfc3339_ms(window + 2 * MIN)}

        # 12 errors in a new window, then a crash after the batch's rules step: its commit never made it.
        later = window + 3 * MIN
        send([("svc-0", doc("svc-0", later + 1000 + i)) for i in range(12)])
        done += 12
        wait_processed(query, done)
    finally:
        query.stop()
    last = crash(checkpoint)

    query = start()  # Spark re-runs the uncommitted batch; the rules state already has it
    try:
        wait_committed(query, last)
        base = processed(query)
        send([("svc-0", doc("svc-0", later + 2000 + i)) for i in range(5)])
        wait_processed(query, base + 5)
        time.sleep(2)
        reader.poll()
        assert len(reader.alerts) == 2 * len(SERVICES), "17 errors counted as 20 or more: the replay was recounted"
        before = tmp_path / "state-before.json"
        shutil.copy(state, before)  # the query is idle: the state of 17 errors
        send([("svc-0", doc("svc-0", later + 3000 + i)) for i in range(2)])
        wait_processed(query, base + 7)
    finally:
        query.stop()
    # A crash after the batch of 2 reached Kafka but before its rules step saved the state.
    last = crash(checkpoint)
    shutil.copy(before, state)

    query = start()  # the re-run sends nothing to Kafka again, but the rules count its 2 errors
    try:
        wait_committed(query, last)
        send([("svc-0", doc("svc-0", later + 4000))])
        reader.wait(lambda a: len(a) == 2 * len(SERVICES) + 1, 60, "the firing at exactly 20")
        alert = reader.alerts[-1]
        assert alert["alert_id"] == alert_id(RULE.name, ("svc-0",), later) and alert["value"] == 20.0
        time.sleep(2)
        reader.poll()
    finally:
        query.stop()
        producer.close()
        reader.consumer.close()
    idents = [(a["alert_id"], a["status"]) for a in reader.alerts]
    assert len(idents) == len(set(idents)) == 2 * len(SERVICES) + 1
    keys = [record for record in classified_sources(config.kafka.bootstrap_servers, classified)]
    assert len(keys) == len(set(keys)) == done + 5 + 2 + 1, "a re-run sent a classified record twice"
    p50 = statistics.median(latencies)
    trials = [round(x * 1000) for x in latencies]
    print(f"\nrules alert latency (produce -> on alerts) p50={p50 * 1000:.0f} ms trials_ms={trials}")
    assert p50 < 10, f"alerts took {p50:.1f} s (p50) to reach the topic"


def classified_sources(bootstrap: str, topic: str) -> list[tuple[str, int, int]]:
    """The Kafka position of the log record behind each record on ``topic``."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=3000)
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        docs = [json.loads(record.value)["kafka"] for record in consumer]
    finally:
        consumer.close()
    return [(d["topic"], d["partition"], d["offset"]) for d in docs]
