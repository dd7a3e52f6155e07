"""End to end through the real services: Kafka -> Spark streaming job -> Elasticsearch and logs.dlq."""

from __future__ import annotations

import json
import re
import signal
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from elasticsearch import ConnectionTimeout, Elasticsearch, NotFoundError
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from core.alert import Alert, parse_alert
from core.config import REPO_ROOT
from infra.teststack import TestStack
from streaming.event import event_id
from streaming.job import kafka_cluster_id

pytestmark = pytest.mark.integration

SERVICES = ("search", "music-recommender", "auth", "payment", "inventory")
# Small micro-batches, so a SIGKILL lands while a batch is in flight; a short stall limit, so the ES outage
# below is long enough to raise the pipeline's own alert.
JOB_ENV = {"SPARK_MAX_OFFSETS_PER_TRIGGER": "1500", "STREAMING_STALLED_AFTER_S": "10"}


def valid_event(i: int, run: str) -> bytes:
    ts = datetime(2026, 11, 23, 12, 0, tzinfo=UTC) + timedelta(milliseconds=i)
    return json.dumps(
        {
            "timestamp": ts.isoformat(),
            "level": ("INFO", "warning", "ERROR")[i % 3],
            "service": SERVICES[i % 5],
            "host": f"host-{i % 7}",
            "message": f"{run} request {i} served ünïcode",
            "attributes": {"i": i, "run": run},
        }
    ).encode()


def bad_records() -> list[bytes]:
    """200 records, 50 of each kind of badness the contract names."""
    ok = json.loads(valid_event(0, "bad"))
    kinds: list[Callable[[int], bytes]] = [
        lambda i: b'{"timestamp": "2026-11-23T12:00:00Z", "level": "INFO", ' + str(i).encode(),  # bad JSON
        lambda i: b'{"message": "caf\xe9 ' + str(i).encode() + b'"}',  # not UTF-8
        lambda i: b"{" + b" " * i + b"}",  # empty (a JSON object missing our fields is a log of another schema)
        lambda i: json.dumps(ok | {"level": i}).encode(),  # wrong type
    ]
    return [kind(i) for kind in kinds for i in range(50)]


def produce(bootstrap: str, values: list[bytes]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    for i, value in enumerate(values):
        producer.send("logs", key=SERVICES[i % 5].encode(), value=value)
    producer.flush(timeout=60)
    producer.close()


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def count_docs(es: Elasticsearch) -> int:
    try:
        es.indices.refresh(index="logs_classified")
        return int(es.count(index="logs_classified")["count"])
    except NotFoundError:  # no document indexed yet
        return 0
    except ConnectionTimeout:  # a loaded machine; the caller polls again
        return -1


def read_all(bootstrap: str, topic: str) -> list[ConsumerRecord]:
    """Every record of a topic so far, partition by partition."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=3000)
    parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
    consumer.assign(parts)
    consumer.seek_to_beginning(*parts)
    records = list(consumer)
    consumer.close()
    return records


def sent_twice(bootstrap: str) -> list[str]:
    """Sources with more than one record on logs.classified and logs.dlq together."""
    sources = [f"{d['kafka']['partition']}/{d['kafka']['offset']}" for d in map(json.loads, classified(bootstrap))]
    sources += [dict(r.headers)["source"].decode().split("/", 1)[1] for r in read_all(bootstrap, "logs.dlq")]
    return [source for source, n in Counter(sources).items() if n > 1]


def classified(bootstrap: str) -> list[bytes]:
    return [r.value for r in read_all(bootstrap, "logs.classified")]


def dlq_records(bootstrap: str) -> list[tuple[bytes, dict[str, bytes]]]:
    return [(r.value, dict(r.headers)) for r in read_all(bootstrap, "logs.dlq")]


@pytest.fixture(scope="module")
def streaming(stack: TestStack, kafka_bootstrap: str, es_url: str) -> Iterator[TestStack]:
    stack.supervisor.start(stack.streaming_service(kafka_bootstrap, es_url, **JOB_ENV))
    yield stack
    stack.supervisor.stop("streaming")


def test_events_indexed_bad_records_dead_lettered_and_sigkill_loses_nothing(
    streaming: TestStack, kafka_bootstrap: str, es_url: str
) -> None:
    es = Elasticsearch(es_url, request_timeout=30)
    produce(kafka_bootstrap, [valid_event(i, "first") for i in range(10_000)] + bad_records())
    wait_for(lambda: count_docs(es) >= 10_000, 600, "10,000 documents")
    wait_for(lambda: len(dlq_records(kafka_bootstrap)) >= 200, 60, "200 DLQ records")
    time.sleep(3)  # anything extra (a duplicate, a stray DLQ record) would show up by now
    assert count_docs(es) == 10_000
    dlq = dlq_records(kafka_bootstrap)
    assert len(dlq) == 200
    assert set(value for value, _ in dlq) == set(bad_records())
    reasons = [headers["reason"].decode() for _, headers in dlq]
    assert sum("invalid JSON" in r for r in reasons) == 50
    assert sum("not valid UTF-8" in r for r in reasons) == 50
    assert sum("empty JSON object" in r for r in reasons) == 50
    assert sum("'level' must be a string" in r for r in reasons) == 50

    hits = es.search(index="logs_classified", query={"term": {"message.keyword": "first request 4 served ünïcode"}})
    doc = hits["hits"]["hits"][0]["_source"]
    assert doc["service"] == "inventory" and doc["level"] == "WARN" and doc["host"] == "host-4"
    assert doc["timestamp"] == "2026-11-23T12:00:00.004Z"
    assert doc["attributes"] == {"i": 4, "run": "first"}
    assert doc["format"] == "json" and doc["kafka"]["topic"] == "logs"
    assert hits["hits"]["hits"][0]["_id"] == doc["event_id"]
    assert doc["category"] in ("security", "performance", "business", "general") and doc["model_version"]
    assert doc["redactions"] == 0 and doc["processed_at"] >= doc["ingested_at"]

    # Second batch: SIGKILL the job while it is indexing, restart it, and count exactly.
    produce(kafka_bootstrap, [valid_event(i, "second") for i in range(10_000)])
    wait_for(lambda: count_docs(es) > 10_500, 300, "the second batch to start landing")
    streaming.supervisor.signal("streaming", signal.SIGKILL)
    streaming.supervisor.stop("streaming")
    killed_at = count_docs(es)
    assert killed_at < 20_000
    streaming.supervisor.start(streaming.streaming_service(kafka_bootstrap, es_url, **JOB_ENV))
    wait_for(lambda: count_docs(es) >= 20_000, 600, "20,000 documents after the restart")
    time.sleep(3)
    assert count_docs(es) == 20_000, f"killed at {killed_at}"
    assert len(dlq_records(kafka_bootstrap)) == 200
    assert len(classified(kafka_bootstrap)) == 20_000 and sent_twice(kafka_bootstrap) == []


def latest(folder: Path) -> int:
    return max((int(p.name) for p in folder.glob("[0-9]*")), default=-1)


def test_a_batch_re_run_after_its_records_were_sent_sends_none_twice(
    streaming: TestStack, kafka_bootstrap: str, es_url: str
) -> None:
    """At-least-once sinks' crash window: the batch's records are on Kafka, its commit is not in the checkpoint."""
    es = Elasticsearch(es_url, request_timeout=30)
    docs, dead = count_docs(es), len(dlq_records(kafka_bootstrap))
    produce(kafka_bootstrap, [valid_event(i, "rerun") for i in range(3_000)] + bad_records()[:10])
    checkpoint = streaming.var_dir / "checkpoints" / "index"
    wait_for(
        lambda: (
            count_docs(es) == docs + 3_000
            and len(dlq_records(kafka_bootstrap)) == dead + 10
            and latest(checkpoint / "commits") == latest(checkpoint / "offsets")
        ),
        300,
        "the records indexed, dead-lettered and committed",
    )
    streaming.supervisor.stop("streaming")
    batch = latest(checkpoint / "commits")
    (checkpoint / "commits" / str(batch)).unlink()  # as if the job had died just before committing
    (checkpoint / "commits" / f".{batch}.crc").unlink(missing_ok=True)
    streaming.supervisor.start(streaming.streaming_service(kafka_bootstrap, es_url, **JOB_ENV))
    wait_for(lambda: latest(checkpoint / "commits") == batch, 120, "the re-run batch to commit")
    log = streaming.supervisor.log_path("streaming").read_text()
    rerun = re.findall(rf"re-running an interrupted batch batch={batch} records=(\d+) already_sent=(\d+)", log)
    assert rerun and int(rerun[-1][0]) == int(rerun[-1][1]) > 0, rerun
    time.sleep(3)  # a record sent twice would show up by now
    assert sent_twice(kafka_bootstrap) == []
    assert count_docs(es) == docs + 3_000 and len(dlq_records(kafka_bootstrap)) == dead + 10


def alerts_for(bootstrap: str, service: str, rule: str) -> list[Alert]:
    alerts = [parse_alert(r.value) for r in read_all(bootstrap, "alerts")]
    return [a for a in alerts if a.service == service and a.rule == rule]


def service_docs(es: Elasticsearch, service: str) -> list[str]:
    es.indices.refresh(index="logs_classified")
    hits = es.search(index="logs_classified", query={"term": {"service": service}}, size=1000, source=False)
    return sorted(hit["_id"] for hit in hits["hits"]["hits"])


def test_brute_force_burst_fires_one_alert_that_resolves_and_a_sigkill_re_emits_nothing(
    streaming: TestStack, kafka_bootstrap: str, es_url: str
) -> None:
    """The shipped rule security-errors-burst (20 security events at ERROR from one service in 1 minute)."""
    service, rule = f"auth-{uuid.uuid4().hex[:6]}", "security-errors-burst"
    now = datetime.now(UTC)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    sent = [
        producer.send(
            "logs",
            key=service.encode(),
            value=json.dumps(
                {
                    "timestamp": (now + timedelta(milliseconds=100 * i)).isoformat(),
                    "level": "ERROR",
                    "service": service,
                    "message": f"Failed password for invalid user admin from 203.0.113.{i} port 22 ssh2",
                }
            ).encode(),
        )
        for i in range(30)
    ]
    cluster = kafka_cluster_id(kafka_bootstrap)
    ids = sorted(event_id("logs", m.partition, m.offset, cluster) for m in (f.get(30) for f in sent))
    es = Elasticsearch(es_url, request_timeout=30)
    wait_for(lambda: len(alerts_for(kafka_bootstrap, service, rule)) >= 1, 300, "the firing alert")
    assert service_docs(es, service) == ids

    # Kill the job the moment it has fired; after the restart nothing already done may be done again.
    streaming.supervisor.signal("streaming", signal.SIGKILL)
    streaming.supervisor.stop("streaming")
    streaming.supervisor.start(streaming.streaming_service(kafka_bootstrap, es_url, **JOB_ENV))
    # Event time moves only with events: one from another service, 3 minutes on, closes every window of the burst.
    clock = json.dumps(
        {"timestamp": (now + timedelta(minutes=3)).isoformat(), "level": "INFO", "service": "clock", "message": "tick"}
    )
    producer.send("logs", key=b"clock", value=clock.encode()).get(30)
    producer.close()
    wait_for(lambda: len(alerts_for(kafka_bootstrap, service, rule)) >= 2, 300, "the resolved alert")
    time.sleep(5)  # a re-emitted alert or document would show up by now

    firing, resolved = alerts_for(kafka_bootstrap, service, rule)
    assert (firing.status, resolved.status) == ("firing", "resolved")
    assert firing.alert_id == resolved.alert_id and firing.severity == "HIGH" and firing.category == "security"
    assert firing.value >= 20 and firing.threshold == 20
    assert firing.window_start <= now < firing.window_end and resolved.window_end > firing.window_end
    assert any("Failed password" in sample for sample in firing.samples)
    assert service_docs(es, service) == ids


def test_job_rides_out_an_elasticsearch_outage(streaming: TestStack, kafka_bootstrap: str, es_url: str) -> None:
    es = Elasticsearch(es_url, request_timeout=30)

    def stalled_episodes() -> dict[str, list[str]]:
        """The job's pipeline-stalled alerts: alert id -> statuses in the order sent, repeats dropped."""
        episodes: dict[str, list[str]] = {}
        for record in read_all(kafka_bootstrap, "alerts"):
            alert = parse_alert(record.value)
            if (alert.rule, alert.service) == ("pipeline-stalled", "logwatch"):
                statuses = episodes.setdefault(alert.alert_id, [])
                if alert.status not in statuses:
                    statuses.append(alert.status)
        return episodes

    earlier = set(stalled_episodes())  # episodes of earlier tests (a killed job's are resolved by its successor)
    before = count_docs(es)
    streaming.supervisor.stop("elasticsearch")
    produce(kafka_bootstrap, [valid_event(i, "outage") for i in range(2_000)])
    time.sleep(20)  # the sink retries with back-off, then fails the batch; the job restarts the query
    streaming.start_elasticsearch(port=int(es_url.rsplit(":", 1)[1]))
    wait_for(lambda: count_docs(es) >= before + 2_000, 600, "the documents produced during the outage")
    time.sleep(3)
    assert count_docs(es) == before + 2_000

    # The job said so itself: logs arrived and no batch finished for longer than its stall limit.
    def all_resolved() -> bool:
        episodes = stalled_episodes()
        return set(episodes) > earlier and all(statuses[-1] == "resolved" for statuses in episodes.values())

    wait_for(all_resolved, 60, "the outage's pipeline-stalled alert, and every earlier one, resolved")
    new = [statuses for alert_id, statuses in stalled_episodes().items() if alert_id not in earlier]
    assert new and all(statuses == ["firing", "resolved"] for statuses in new)


def test_every_loghub_line_is_indexed_or_dead_lettered(streaming: TestStack, kafka_bootstrap: str, es_url: str) -> None:
    """Real logs of 8 systems (Loghub: Zhu et al., ISSRE 2023), replayed raw as the producer's --replay does."""
    loghub = REPO_ROOT.parent / "shared" / "data" / "loghub"
    files = sorted(loghub.glob("*/*.log"))
    assert len(files) >= 8, f"Loghub samples expected in {loghub}"
    lines = [(f.parent.name, line) for f in files for line in f.read_bytes().splitlines()]
    es = Elasticsearch(es_url, request_timeout=30)
    docs_before, dlq_before = count_docs(es), len(dlq_records(kafka_bootstrap))
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", linger_ms=20)
    for system, line in lines:
        producer.send("logs", key=system.encode(), value=line)
    producer.flush(timeout=60)
    producer.close()

    def accounted() -> int:
        return count_docs(es) - docs_before + len(dlq_records(kafka_bootstrap)) - dlq_before

    wait_for(lambda: accounted() >= len(lines), 900, f"{len(lines)} Loghub lines indexed or dead-lettered")
    time.sleep(3)
    assert accounted() == len(lines)
    formats = es.search(index="logs_classified", size=0, aggs={"f": {"terms": {"field": "format", "size": 20}}})
    seen = {bucket["key"] for bucket in formats["aggregations"]["f"]["buckets"]}
    assert {"syslog3164", "apache_error", "log4j", "logcat", "hdfs", "bgl", "hpc"} <= seen


def test_json_logs_of_other_schemas_are_indexed_with_their_fields(
    streaming: TestStack, kafka_bootstrap: str, es_url: str
) -> None:
    """bunyan, ECS and pino lines as their libraries write them; ECS's "user" beside "user.id" is a real pattern."""
    run = uuid.uuid4().hex[:8]
    lines = [
        {
            "name": "checkout",
            "hostname": "web-1",
            "pid": 4711,
            "level": 50,
            "msg": f"{run} payment declined",
            "time": "2026-11-23T12:00:00.000Z",
            "v": 0,
            "req": {"method": "POST", "url": "/pay"},
        },
        {
            "@timestamp": "2026-11-23T12:00:01.250Z",
            "log": {"level": "warn"},
            "message": f"{run} disk latency 900 ms",
            "service": {"name": "storage"},
            "user": "bob",
            "user.id": 7,
        },
        {"level": 30, "time": 1795435202000, "msg": f"{run} cache warmed", "pid": 1, "hostname": "cache-2"},
    ]
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for line in lines:
        producer.send("logs", key=b"keyed", value=json.dumps(line).encode())
    producer.flush(timeout=60)
    producer.close()
    es = Elasticsearch(es_url, request_timeout=30)

    def found() -> list[dict]:
        es.indices.refresh(index="logs_classified")
        hits = es.search(index="logs_classified", q=f"message:{run}", size=10)["hits"]["hits"]
        return sorted((hit["_source"] for hit in hits), key=lambda doc: doc["timestamp"])

    wait_for(lambda: len(found()) == 3, 300, "the three foreign JSON logs")
    bunyan, ecs, pino = found()
    assert (bunyan["level"], bunyan["service"], bunyan["host"]) == ("ERROR", "checkout", "web-1")
    assert bunyan["attributes"]["req.method"] == "POST"
    assert (ecs["level"], ecs["service"], ecs["timestamp"]) == ("WARN", "storage", "2026-11-23T12:00:01.250Z")
    assert ecs["attributes"] == {"user": "bob", "user.id": 7}
    assert (pino["level"], pino["service"], pino["host"]) == ("INFO", "keyed", "cache-2")
    assert es.count(index="logs_classified", q="attributes.user.id:7")["count"] == 1


def test_a_poison_record_and_a_forged_timestamp_do_not_stop_or_spread_the_index_and_the_dlq_holds_no_secret(
    streaming: TestStack, kafka_bootstrap: str, es_url: str
) -> None:
    """Audit 2026-12-02 H5-H7 through the job: 700,000 control characters (a 4.2 MB document once escaped, 714
    bytes gzipped on `logs`), a 1971 Kafka timestamp, and a dead letter carrying secrets, in one batch."""
    run = uuid.uuid4().hex[:8]
    es = Elasticsearch(es_url, request_timeout=30)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", compression_type="gzip")
    poison = producer.send("logs", key=b"poison", value=b"\x01" * 700_000).get(30)
    old = json.dumps({**json.loads(valid_event(0, f"{run}-old")), "service": f"{run}-old"}).encode()
    producer.send(
        "logs", key=b"old", value=old, timestamp_ms=int(datetime(1971, 1, 1, tzinfo=UTC).timestamp() * 1000)
    ).get(30)
    secret = json.loads(valid_event(1, run)) | {
        "level": "LOUD",
        "message": "Authorization: Bearer abcdefghijklmnop0123",
    }
    dead = producer.send("logs", key=b"auth", value=json.dumps(secret).encode()).get(30)
    for i in range(200):
        producer.send("logs", key=SERVICES[i % 5].encode(), value=valid_event(i, run))
    producer.flush(timeout=60)
    producer.close()

    def mine() -> list[dict]:
        return [d for d in map(json.loads, classified(kafka_bootstrap)) if run in d.get("message", "")]

    wait_for(lambda: len(mine()) >= 201, 300, "the run's documents on logs.classified")
    docs = {
        d["kafka"]["offset"]: d
        for d in map(json.loads, classified(kafka_bootstrap))
        if d["kafka"]["partition"] == poison.partition
    }
    assert "truncated" in docs[poison.offset]["message"]
    assert not [name for name in es.indices.get(index="logs_classified-*") if name.startswith("logs_classified-1971")]
    (old_doc,) = [d for d in mine() if d["service"] == f"{run}-old"]
    assert old_doc["ingested_at"].startswith("1971-01-01")
    letters = [
        (v, h)
        for v, h in dlq_records(kafka_bootstrap)
        if h["source"] == f"logs/{dead.partition}/{dead.offset}".encode()
    ]
    assert len(letters) == 1 and b"abcdefghijklmnop0123" not in letters[0][0] and b"LOUD" in letters[0][0]
    assert letters[0][1]["original_bytes"] == str(len(json.dumps(secret))).encode()
