"""Kafka outages against a real broker: down at start, lost mid-run, and a crash with a spool."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from kafka.consumer.fetcher import ConsumerRecord

from infra.teststack import free_port
from producers import LogProducer
from producers.spool import SUFFIX
from tests.producers.helpers import unique, wait_until
from tests.producers.kafka_helpers import TRANSPORTS, ManualBroker, consume

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
# Short timeouts so an outage is noticed (and recovered from) within seconds, not minutes.
FAST = {"request_timeout_ms": 3000, "delivery_timeout_ms": 6000, "reconnect_backoff_max_ms": 1000}


class Emitter:
    """Emits numbered events from a host thread at a steady pace, timing every call."""

    def __init__(self, producer: LogProducer, run: str, interval_s: float = 0.004) -> None:
        self.producer = producer
        self.run = run
        self.interval_s = interval_s
        self.accepted: list[int] = []
        self.rejected: list[int] = []
        self.worst_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Emitter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        seq = 0
        while not self._stop.is_set():
            started = time.perf_counter()
            ok = self.producer.emit("INFO", f"outage test event {seq}", run=self.run, seq=seq)
            self.worst_s = max(self.worst_s, time.perf_counter() - started)
            (self.accepted if ok else self.rejected).append(seq)
            seq += 1
            time.sleep(self.interval_s)


def _seqs(records: list[ConsumerRecord], run: str) -> set[int]:
    out = set()
    for record in records:
        attrs = json.loads(record.value).get("attributes", {})
        if attrs.get("run") == run:
            out.add(attrs["seq"])
    return out


def test_broker_down_at_start_then_started_delivers_or_counts_every_event(manual_broker: ManualBroker) -> None:
    assert not manual_broker.running
    run = unique("down-at-start")
    producer = LogProducer("outage", bootstrap_servers=manual_broker.bootstrap, max_queue_events=300, **FAST)
    with Emitter(producer, run) as emitter:
        # Reach the queue bound before starting the broker: how long a start takes varies by machine.
        assert wait_until(lambda: len(emitter.rejected) > 0, 30)
        assert not producer.connected
        manual_broker.start()  # takes several seconds; the emitter keeps going meanwhile
        assert wait_until(lambda: producer.connected, 30)
        time.sleep(1.0)
    assert producer.close(60) == 0
    stats = producer.stats()
    records = consume(manual_broker.bootstrap, "logs", 0, 60, done=lambda r: _seqs(r, run) >= set(emitter.accepted))
    assert _seqs(records, run) == set(emitter.accepted)
    assert stats.emitted == len(emitter.accepted) + len(emitter.rejected)
    assert stats.sent == len(emitter.accepted) and stats.dropped == {"queue_full": len(emitter.rejected)}
    assert stats.balanced
    # The bound is emit_block_ms = 0. A call stuck in kafka-python would take its max_block_ms (500 ms)
    # or a connect timeout (1 s); the margin below that absorbs GIL hand-offs and a loaded CI machine.
    assert emitter.worst_s < 0.45, emitter.worst_s


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_broker_lost_mid_run_with_a_spool_loses_nothing(
    manual_broker: ManualBroker, tmp_path: Path, transport: str
) -> None:
    if not manual_broker.running:
        manual_broker.start()
    run = unique("mid-run")
    producer = LogProducer(
        "outage", bootstrap_servers=manual_broker.bootstrap, spool_dir=str(tmp_path), transport=transport, **FAST
    )
    with Emitter(producer, run) as emitter:
        time.sleep(1.5)
        manual_broker.stop()
        time.sleep(4.0)
        manual_broker.start()
        time.sleep(1.5)
    assert producer.flush(60) == 0
    assert producer.close(5) == 0
    stats = producer.stats()
    assert emitter.rejected == [] and stats.dropped == {} and stats.failed == 0 and stats.balanced
    records = consume(manual_broker.bootstrap, "logs", 0, 60, done=lambda r: _seqs(r, run) >= set(emitter.accepted))
    assert _seqs(records, run) == set(emitter.accepted)
    assert [p for p in tmp_path.iterdir() if p.suffix == SUFFIX] == []
    assert emitter.worst_s < 0.45, emitter.worst_s


def test_spooled_events_survive_a_killed_process_and_are_replayed(
    kafka_bootstrap: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic = topic_factory()
    dead = f"127.0.0.1:{free_port()}"  # nothing listens here: Kafka is down for the first process
    script = textwrap.dedent(
        """
        import os, signal, sys, time
        from producers import LogProducer
        p = LogProducer("crashy", bootstrap_servers=sys.argv[1], topic=sys.argv[2], spool_dir=sys.argv[3])
        for i in range(400):
            p.emit("INFO", f"spooled {i}")
        deadline = time.monotonic() + 20
        while p.stats().spooled < 400 and time.monotonic() < deadline:
            time.sleep(0.05)
        print(p.stats().spooled, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # no exit hook, no close: only the spool can save them
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, dead, topic, str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ},
    )
    assert done.returncode == -9 and done.stdout.strip() == "400", done.stderr
    replayer = LogProducer("crashy", bootstrap_servers=kafka_bootstrap, topic=topic, spool_dir=str(tmp_path))
    replayer.start()
    assert wait_until(lambda: replayer.stats().sent == 400, 30), replayer.stats()
    assert replayer.close(5) == 0
    assert replayer.stats().replayed == 400
    messages = {json.loads(r.value)["message"] for r in consume(kafka_bootstrap, topic, 400)}
    assert messages == {f"spooled {i}" for i in range(400)}
