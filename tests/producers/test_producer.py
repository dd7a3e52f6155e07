"""LogProducer against the fake broker: bounds, drop counting, outages, close, fork-free behaviour."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from producers import LogProducer, ProducerConfig, ProducerConfigError, SpoolError, _internal
from producers import config as config_module
from tests.producers.doubles import FakeBroker
from tests.producers.helpers import assert_event_schema, decode_all, wait_until

Factory = Callable[..., LogProducer]


def test_constructor_touches_no_network_and_starts_no_thread(fake_broker: FakeBroker) -> None:
    before = threading.active_count()
    producer = LogProducer("svc", transport_factory=fake_broker.factory)
    assert fake_broker.connects == 0 and threading.active_count() == before
    assert producer.close(1) == 0
    assert fake_broker.connects == 0


def test_events_are_delivered_with_the_service_as_key(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    producer = producer_factory(env="test", version="9.9")
    for i in range(100):
        assert producer.emit("INFO", f"event {i}", n=i)
    assert producer.flush(5) == 0
    events = decode_all(fake_broker.values())
    assert [e["attributes"]["n"] for e in events] == list(range(100))
    for event in events:
        assert_event_schema(event)
        assert event["service"] == "test-svc" and event["env"] == "test" and event["version"] == "9.9"
    assert {k for k, _ in fake_broker.records} == {b"test-svc"}
    stats = producer.stats()
    assert stats.sent == stats.emitted == 100 and stats.balanced


def test_queue_full_drops_new_events_and_counts_them(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    fake_broker.up = False
    producer = producer_factory(max_queue_events=10)
    accepted = [producer.emit("INFO", f"e{i}") for i in range(25)]
    assert accepted == [True] * 10 + [False] * 15
    stats = producer.stats()
    assert stats.dropped == {"queue_full": 15} and stats.queued == 10 and stats.balanced


def test_queue_is_bounded_by_bytes_too(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    fake_broker.up = False
    producer = producer_factory(max_queue_bytes=64 * 1024, max_event_bytes=8 * 1024)
    for _ in range(100):
        producer.emit("INFO", "x" * 4000)
    stats = producer.stats()
    assert 10 <= stats.queued <= 16, stats
    assert stats.dropped["queue_full"] == 100 - stats.queued and stats.balanced


def test_drop_old_policy_keeps_the_newest(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    fake_broker.up = False
    producer = producer_factory(max_queue_events=5, overflow="drop_old")
    for i in range(12):
        assert producer.emit("INFO", f"e{i}")
    fake_broker.up = True
    assert producer.flush(10) == 0
    assert [e["message"] for e in decode_all(fake_broker.values())] == [f"e{i}" for i in range(7, 12)]
    stats = producer.stats()
    assert stats.dropped == {"queue_full": 7} and stats.sent == 5 and stats.balanced


def test_emit_block_ms_waits_at_most_the_bound(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    fake_broker.up = False
    producer = producer_factory(max_queue_events=1, emit_block_ms=50)
    producer.emit("INFO", "fills the queue")
    started = time.perf_counter()
    assert not producer.emit("INFO", "waits, then is dropped")
    waited = time.perf_counter() - started
    assert 0.045 <= waited < 1.0


def test_down_at_start_then_up_delivers_everything(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    fake_broker.up = False
    producer = producer_factory(reconnect_backoff_max_ms=200)
    for i in range(50):
        producer.emit("INFO", f"e{i}")
    time.sleep(0.3)
    assert not producer.connected and fake_broker.values() == []
    fake_broker.up = True
    assert producer.flush(10) == 0
    assert len(fake_broker.values()) == 50 and producer.stats().balanced


def test_host_thread_never_waits_on_a_slow_broker(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    fake_broker.send_delay_s = 0.5  # kafka-python blocking in send() for up to max_block_ms
    producer = producer_factory()
    worst = 0.0
    for i in range(100):
        started = time.perf_counter()
        producer.emit("INFO", f"e{i}", i=i)
        worst = max(worst, time.perf_counter() - started)
    # The bound is emit_block_ms = 0; a blocking emit would take >= 0.5 s. The margin absorbs a loaded CI.
    assert worst < 0.25, worst


def test_retriable_failures_are_retried_and_delivered(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    fake_broker.hold = True
    producer = producer_factory(reconnect_backoff_max_ms=200)
    for i in range(20):
        producer.emit("INFO", f"e{i}")
    assert wait_until(lambda: len(fake_broker.pending) == 20, 5)
    fake_broker.hold = False
    fake_broker.expire()  # kafka-python's delivery timeout hands them back
    assert producer.flush(10) == 0
    assert sorted(e["message"] for e in decode_all(fake_broker.values())) == sorted(f"e{i}" for i in range(20))
    stats = producer.stats()
    assert stats.sent == 20 and stats.failed == 0 and stats.balanced


def test_non_retriable_rejections_are_counted_as_failed(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    fake_broker.reject = True
    producer = producer_factory()
    for i in range(5):
        producer.emit("INFO", f"e{i}")
    assert producer.flush(5) == 0
    stats = producer.stats()
    assert stats.failed == 5 and stats.sent == 0 and stats.balanced


def test_give_up_after_drops_as_broker_timeout(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    fake_broker.hold = True
    producer = producer_factory(give_up_after_s=0.05)
    producer.emit("INFO", "doomed")
    assert wait_until(lambda: len(fake_broker.pending) == 1, 5)
    time.sleep(0.1)
    fake_broker.expire()
    assert wait_until(lambda: producer.stats().queued == 0, 5)
    assert producer.stats().dropped == {"broker_timeout": 1}


def test_close_returns_pending_and_counts_them_as_shutdown(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    fake_broker.up = False
    producer = producer_factory()
    for i in range(7):
        producer.emit("INFO", f"e{i}")
    started = time.monotonic()
    assert producer.close(0.3) == 7
    assert time.monotonic() - started < 1.5
    stats = producer.stats()
    assert stats.dropped == {"shutdown": 7} and stats.balanced
    assert not producer.emit("INFO", "after close")
    assert producer.stats().dropped == {"shutdown": 8}


def test_close_flushes_what_is_queued(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    producer = producer_factory()
    for i in range(300):
        producer.emit("INFO", f"e{i}")
    assert producer.close(5) == 0
    assert len(fake_broker.values()) == 300


def test_close_without_any_emit_is_instant_and_idempotent(fake_broker: FakeBroker) -> None:
    producer = LogProducer("svc", transport_factory=fake_broker.factory)
    assert producer.close() == 0 and producer.close() == 0


def test_context_manager_closes(fake_broker: FakeBroker) -> None:
    with LogProducer("svc", transport_factory=fake_broker.factory) as producer:
        producer.emit("INFO", "inside")
    assert fake_broker.values() and producer.stats().sent == 1


def test_emit_never_raises_on_hostile_input(
    producer_factory: Factory, internal_exceptions: list[BaseException]
) -> None:
    class Exploding:
        def __str__(self) -> str:
            raise RuntimeError("boom")

    producer = producer_factory()
    assert producer.emit("INFO", Exploding()) is False
    assert producer.emit(["not", "a", "level"], "m") is False  # type: ignore[arg-type]
    assert producer.emit("INFO", "m", attributes=[1, 2]) is True
    assert producer.stats().dropped == {"internal_error": 2}
    assert len(internal_exceptions) == 2
    internal_exceptions.clear()


def test_emit_is_usable_from_asyncio_without_stalling_the_loop(
    producer_factory: Factory, fake_broker: FakeBroker
) -> None:
    fake_broker.send_delay_s = 0.05  # a blocking emit would stall the loop >= 1 s between yields
    producer = producer_factory()

    async def main() -> float:
        worst = 0.0

        async def ticker() -> None:
            nonlocal worst
            for _ in range(50):
                before = time.perf_counter()
                await asyncio.sleep(0.002)
                worst = max(worst, time.perf_counter() - before - 0.002)

        async def logger() -> None:
            for i in range(60):
                producer.emit("INFO", f"from a coroutine {i}")
                if i % 20 == 0:
                    await asyncio.sleep(0)

        await asyncio.gather(ticker(), logger())
        assert await producer.aflush(30) == 0
        return worst

    worst = asyncio.run(main())
    assert worst < 0.3, worst
    assert len(fake_broker.values()) == 60
    assert asyncio.run(producer.aclose(1)) == 0


def test_many_threads_emit_concurrently_and_every_event_is_accounted(
    producer_factory: Factory, fake_broker: FakeBroker
) -> None:
    producer = producer_factory(max_queue_events=500)

    def worker(n: int) -> None:
        for i in range(400):
            producer.emit("INFO", f"t{n}-{i}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    producer.flush(10)
    stats = producer.stats()
    assert stats.emitted == 2400 and stats.balanced
    assert stats.sent == len(fake_broker.values())
    assert stats.sent + stats.dropped.get("queue_full", 0) == 2400


def test_invalid_options_fail_with_one_clear_sentence() -> None:
    with pytest.raises(ProducerConfigError, match="max_queue_events must be positive"):
        ProducerConfig(service="s", max_queue_events=0)
    with pytest.raises(ProducerConfigError, match="overflow"):
        LogProducer("s", overflow="drop_everything")
    with pytest.raises(ProducerConfigError, match="Unknown producer option"):
        LogProducer("s", no_such_option=1)


def test_unwritable_spool_dir_is_a_spool_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SpoolError, match="not writable"):
        LogProducer("s", spool_dir=str(blocker / "spool"))


def test_secrets_in_kafka_options_are_masked() -> None:
    config = ProducerConfig(service="s", kafka_options={"sasl_plain_password": "hunter2", "acks": 1})
    assert "hunter2" not in repr(config) and "***" in str(config)


def test_bootstrap_default_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka.example:19092")
    assert ProducerConfig(service="s").bootstrap_servers == "kafka.example:19092"
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS")
    assert ProducerConfig(service="s").bootstrap_servers == "127.0.0.1:9092"


def test_transport_comes_from_the_option_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ProducerConfig(service="s").transport == "kafka-python"
    monkeypatch.setenv("LOGWATCH_PRODUCER_TRANSPORT", "confluent")
    assert ProducerConfig(service="s").transport == "confluent"
    assert ProducerConfig(service="s", transport="kafka-python").transport == "kafka-python"
    monkeypatch.setenv("LOGWATCH_PRODUCER_TRANSPORT", "rdkafka")
    with pytest.raises(ProducerConfigError, match="transport must be 'kafka-python' or 'confluent', got 'rdkafka'"):
        ProducerConfig(service="s")


def test_auto_compression_is_zstd_for_librdkafka_and_follows_the_installed_codecs_for_kafka_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed: set[str] = set()
    monkeypatch.setattr(config_module.importlib.util, "find_spec", lambda name: object() if name in installed else None)
    assert ProducerConfig(service="s", transport="confluent").compression_type == "zstd"
    assert ProducerConfig(service="s", transport="kafka-python").compression_type == "gzip"
    installed.add("lz4")
    assert ProducerConfig(service="s", transport="kafka-python").compression_type == "lz4"
    installed.add("zstandard")
    assert ProducerConfig(service="s", transport="kafka-python").compression_type == "zstd"
    assert ProducerConfig(service="s", transport="confluent", compression="gzip").compression_type == "gzip"
    assert ProducerConfig(service="s", compression="none").compression_type is None


def test_send_raw_sends_bytes_unchanged(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    producer = producer_factory()
    producer.send_raw(b"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure", service="linux")
    producer.send_raw("plain text ✓")
    producer.flush(5)
    assert fake_broker.records == [
        (b"linux", b"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure"),
        (b"test-svc", "plain text ✓".encode()),
    ]


def test_oversize_events_are_truncated_and_counted(producer_factory: Factory, fake_broker: FakeBroker) -> None:
    producer = producer_factory(max_event_bytes=2048)
    producer.emit("INFO", "x" * 10_000)
    producer.flush(5)
    (value,) = fake_broker.values()
    assert len(value) <= 2048 and "…[truncated" in json.loads(value)["message"]
    assert producer.stats().truncated == 1


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(
    producer_factory: Factory, fake_broker: FakeBroker, caplog: pytest.LogCaptureFixture
) -> None:
    fake_broker.up = False
    producer = producer_factory(reconnect_backoff_max_ms=100)
    with caplog.at_level(logging.WARNING, logger="producers"):
        producer.emit("INFO", "during the outage")
        assert wait_until(lambda: fake_broker.attempts >= 4, 10)
        fake_broker.up = True
        assert producer.flush(10) == 0
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("producers")]
    assert len(messages) == 2, messages
    assert messages[0].startswith("kafka unavailable, buffering in memory") and 'bootstrap="' in messages[0]
    assert messages[1].startswith("kafka available again")


def test_internal_logging_is_silent_unless_debug_is_on(
    fake_broker: FakeBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_broker.up = False
    quiet = LogProducer("svc", transport_factory=fake_broker.factory)
    quiet.emit("INFO", "x")
    assert wait_until(lambda: fake_broker.attempts >= 1, 5)
    quiet.close(0.1)
    assert capsys.readouterr().err == ""
    loud = LogProducer("svc", transport_factory=fake_broker.factory, debug=True)
    try:
        loud.emit("INFO", "x")
        assert wait_until(lambda: "kafka unavailable" in capsys.readouterr().err, 5)
    finally:
        loud.close(0.1)
        _internal.set_debug(False)
