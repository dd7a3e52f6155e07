"""Against the real broker: events arrive intact, keyed and partitioned by service; exit hooks flush."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from producers import KafkaLogHandler, LogProducer, ProducerConfig
from producers.buffer import Flight
from producers.transport import ConfluentTransport, LibrdkafkaError
from tests.producers.helpers import assert_event_schema, unique
from tests.producers.kafka_helpers import TRANSPORTS, consume

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_events_arrive_intact_with_schema_key_unicode_and_exceptions(
    kafka_bootstrap: str, topic_factory: Callable[..., str], transport: str
) -> None:
    topic = topic_factory(partitions=3)
    run = unique()
    producer = LogProducer(
        "payment", bootstrap_servers=kafka_bootstrap, topic=topic, env="test", version="7.0.2", transport=transport
    )
    try:
        raise ConnectionError("provider refused: ECONNREFUSED")
    except ConnectionError as exc:
        producer.emit("ERROR", "Payment failed ✗ für Bestellung 注文 🎵", run=run, exception=exc, amount=12.5)
    producer.emit("warning", "slow provider", run=run, trace_id="a" * 32, span_id="b" * 16, latency_ms=812)
    producer.emit("INFO", "checkout done", run=run, service="checkout", logger="shop.checkout")
    assert producer.close(15) == 0
    records = consume(kafka_bootstrap, topic, 3)
    by_message = {json.loads(r.value)["message"]: r for r in records}
    assert len(by_message) == 3
    failed = json.loads(by_message["Payment failed ✗ für Bestellung 注文 🎵"].value)
    assert_event_schema(failed)
    assert failed["service"] == "payment" and failed["env"] == "test" and failed["version"] == "7.0.2"
    assert failed["exception"]["type"] == "ConnectionError"
    assert "provider refused" in failed["exception"]["message"]
    assert "raise ConnectionError" in failed["exception"]["stacktrace"]
    assert failed["attributes"] == {"run": run, "amount": 12.5}
    slow = json.loads(by_message["slow provider"].value)
    assert slow["level"] == "WARN" and slow["trace_id"] == "a" * 32 and slow["span_id"] == "b" * 16
    assert by_message["Payment failed ✗ für Bestellung 注文 🎵"].key == b"payment"
    assert by_message["checkout done"].key == b"checkout"
    assert json.loads(by_message["checkout done"].value)["logger"] == "shop.checkout"
    stats = producer.stats()
    assert stats.sent == 3 and stats.balanced


def test_one_service_stays_on_one_partition_in_order_whichever_transport_sent_it(
    kafka_bootstrap: str, topic_factory: Callable[..., str]
) -> None:
    topic = topic_factory(partitions=3)
    for transport in TRANSPORTS:
        producer = LogProducer("search", bootstrap_servers=kafka_bootstrap, topic=topic, transport=transport)
        for i in range(300):
            producer.emit("INFO", f"event {i}", service=f"svc{i % 5}", seq=i)
        assert producer.close(20) == 0
        assert producer.stats().sent == 300
    records = consume(kafka_bootstrap, topic, 600)
    assert len(records) == 600
    partitions: dict[bytes, set[int]] = {}
    sequences: dict[bytes, list[int]] = {}
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        partitions.setdefault(record.key, set()).add(record.partition)
        sequences.setdefault(record.key, []).append(json.loads(record.value)["attributes"]["seq"])
    # Both clients hash the key with murmur2: a service keeps its partition (and its order) across them.
    assert all(len(p) == 1 for p in partitions.values())
    assert len({p for parts in partitions.values() for p in parts}) > 1
    for seq in sequences.values():
        half = len(seq) // 2
        assert seq[:half] == seq[half:] == sorted(seq[:half])


def test_a_full_librdkafka_queue_holds_events_back_and_loses_none(
    kafka_bootstrap: str, topic_factory: Callable[..., str]
) -> None:
    topic = topic_factory()
    producer = LogProducer(
        "tiny-queue",
        bootstrap_servers=kafka_bootstrap,
        topic=topic,
        transport="confluent",
        kafka_options={"queue.buffering.max.messages": 50},  # far below one batch of the sender
    )
    for i in range(2000):
        producer.emit("INFO", f"event {i}")
    assert producer.close(30) == 0
    stats = producer.stats()
    assert stats.sent == 2000 and stats.dropped == {} and stats.failed == 0 and stats.balanced
    messages = sorted(json.loads(r.value)["message"] for r in consume(kafka_bootstrap, topic, 2000))
    assert messages == sorted(f"event {i}" for i in range(2000))


def test_a_confluent_client_that_failed_fatally_gives_its_records_back_and_is_replaced(
    kafka_bootstrap: str, topic_factory: Callable[..., str]
) -> None:
    import confluent_kafka

    topic = topic_factory()
    config = ProducerConfig(
        service="fatal", bootstrap_servers=kafka_bootstrap, topic=topic, transport="confluent", linger_ms=2000
    )
    transport = ConfluentTransport(config)
    lingering = Flight([(b"k", b"lost with the old client %d" % i, 0.0, None) for i in range(5)])
    transport.send(lingering)  # still lingering in its queue
    assert lingering.sent == 5
    # What the error callback records when librdkafka reports a fatal error (the idempotent producer lost
    # its sequence); the broker cannot be made to cause one on demand.
    transport._fatal = confluent_kafka.KafkaError(confluent_kafka.KafkaError._FATAL, fatal=True)
    refused = Flight([(b"k", b"refused", 0.0, None)])
    with pytest.raises(LibrdkafkaError) as error:
        transport.send(refused)
    assert error.value.retriable and refused.sent == 0
    transport.poll()
    assert lingering.acks == [] and sorted(index for index, _exc in lingering.failed) == list(range(5))
    assert all(getattr(exc, "retriable", False) for _index, exc in lingering.failed)
    fresh = Flight([(b"k", b"sent by the new client", 0.0, None)])
    transport.send(fresh)
    transport.close(15)
    assert (len(fresh.acks), fresh.failed) == (1, [])
    assert [r.value for r in consume(kafka_bootstrap, topic, 6, timeout_s=3)] == [b"sent by the new client"]


def test_oversize_event_arrives_truncated_with_marker(kafka_bootstrap: str, topic_factory: Callable[..., str]) -> None:
    topic = topic_factory()
    producer = LogProducer("search", bootstrap_servers=kafka_bootstrap, topic=topic)
    producer.emit("ERROR", "dump: " + "x" * 200_000, blob="y" * 100_000)
    producer.close(15)
    (record,) = consume(kafka_bootstrap, topic, 1)
    assert len(record.value) <= 32 * 1024
    event = json.loads(record.value)
    assert_event_schema(event)
    assert "…[truncated " in event["message"] and event["attributes"]["truncated_from_bytes"] > 300_000
    assert producer.stats().truncated == 1


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_handler_ships_logging_records_end_to_end(
    kafka_bootstrap: str, topic_factory: Callable[..., str], transport: str
) -> None:
    topic = topic_factory()
    handler = KafkaLogHandler(service="inventory", bootstrap_servers=kafka_bootstrap, topic=topic, transport=transport)
    log = logging.getLogger(unique("inventory"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        try:
            raise RuntimeError("pool exhausted")
        except RuntimeError:
            log.exception("stock update failed for %s", "SKU-1", extra={"sku": "SKU-1"})
        log.info("restock received")
    finally:
        log.removeHandler(handler)
        handler.close()
    records = consume(kafka_bootstrap, topic, 2)
    events = sorted((json.loads(r.value) for r in records), key=lambda e: e["timestamp"])
    assert [e["message"] for e in events] == ["stock update failed for SKU-1", "restock received"]
    assert events[0]["exception"]["type"] == "RuntimeError" and events[0]["attributes"] == {"sku": "SKU-1"}
    assert {r.key for r in records} == {b"inventory"}


def _run_script(code: str, env: dict[str, str], timeout_s: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_exit_hook_delivers_what_a_process_did_not_close(
    kafka_bootstrap: str, topic_factory: Callable[..., str], transport: str
) -> None:
    topic = topic_factory()
    done = _run_script(
        """
        import os
        from producers import LogProducer
        p = LogProducer("exiting", topic=os.environ["TOPIC"])
        for i in range(500):
            p.emit("INFO", f"event {i}")
        # no close(): the exit hook must flush, ahead of kafka-python's own exit hook
        """,
        {"TOPIC": topic, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "LOGWATCH_PRODUCER_TRANSPORT": transport},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert len(consume(kafka_bootstrap, topic, 500)) == 500


def test_exit_hook_prints_one_line_when_events_are_still_waiting() -> None:
    done = _run_script(
        """
        from producers import LogProducer
        p = LogProducer("exiting", bootstrap_servers="127.0.0.1:9", close_timeout_s=0.5)
        for i in range(10):
            p.emit("INFO", f"event {i}")
        """,
        {},
    )
    assert done.returncode == 0
    lines = done.stderr.strip().splitlines()
    assert lines == ["producers: 10 log event(s) were not delivered to Kafka (127.0.0.1:9 topic logs)."], done.stderr


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_forked_children_ship_their_own_events_and_never_the_parents(
    kafka_bootstrap: str, topic_factory: Callable[..., str], transport: str
) -> None:
    topic = topic_factory()
    producer = LogProducer("prefork", bootstrap_servers=kafka_bootstrap, topic=topic, transport=transport)
    producer.emit("INFO", "parent before fork")
    assert producer.flush(15) == 0
    producer.emit("INFO", "parent queued at fork time")  # must not be sent twice by the child
    children = []
    for n in range(2):
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking a threaded process; pre-fork servers do exactly that.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: a fresh sender thread, queue and connection
            code = 1
            try:
                for i in range(50):
                    producer.emit("INFO", f"child {n} event {i}")
                code = 0 if producer.close(15) == 0 and producer.stats().sent == 50 else 1
            finally:
                os._exit(code)
        children.append(pid)
    producer.emit("INFO", "parent after fork")
    assert producer.close(15) == 0
    for pid in children:
        _pid, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    messages = [json.loads(r.value)["message"] for r in consume(kafka_bootstrap, topic, 103)]
    assert sorted(messages) == sorted(
        ["parent before fork", "parent queued at fork time", "parent after fork"]
        + [f"child {n} event {i}" for n in range(2) for i in range(50)]
    )
