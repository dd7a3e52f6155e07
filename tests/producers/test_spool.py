"""The disk spool: framing, bounds, exclusive claims, and zero loss across outages and restarts."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from core.config import REPO_ROOT
from producers import LogProducer
from producers.spool import SUFFIX, Spool
from tests.producers.doubles import FakeBroker
from tests.producers.helpers import decode_all, wait_until

Factory = Callable[..., LogProducer]


def _segments(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == SUFFIX)


def test_records_round_trip_and_a_torn_tail_is_detected(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=1 << 20, segment_bytes=1 << 20)
    records = [(b"svc", f"value {i} ✓".encode()) for i in range(100)]
    assert spool.write(records) == 100
    spool.close()
    (path,) = _segments(tmp_path)
    with path.open("ab") as f:
        f.write(b"\x00\x00\x00\x07\x00\x00")  # a write cut short by a crash
    reader = Spool(tmp_path, max_bytes=1 << 20, segment_bytes=1 << 20)
    seg = reader.claim_next()
    assert seg is not None and not seg.own
    out, bad = reader.read(seg)
    assert out == records and bad == 6
    reader.release(seg)
    assert _segments(tmp_path) == []


def test_writes_stop_at_the_folder_bound_and_segments_rotate(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=64 * 1024, segment_bytes=16 * 1024)
    written = spool.write([(b"k", b"x" * 1000) for _ in range(200)])
    assert 55 <= written <= 64
    spool.close()
    assert len(_segments(tmp_path)) == 4
    assert sum(p.stat().st_size for p in _segments(tmp_path)) <= 64 * 1024


def test_a_segment_is_claimed_by_one_process_only_until_its_holder_dies(tmp_path: Path) -> None:
    writer = Spool(tmp_path, 1 << 20, 1 << 20)
    writer.write([(b"k", b"held")])
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl,sys,time; f=open(sys.argv[1],'rb'); "
            "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
            str(_segments(tmp_path)[0]),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        writer.close()  # our lock goes; the other process takes it
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        other = Spool(tmp_path, 1 << 20, 1 << 20)
        assert other.claim_next() is None
        holder.kill()
        holder.wait()
        seg = other.claim_next()
        assert seg is not None
        assert other.read(seg)[0] == [(b"k", b"held")]
        other.release(seg)
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout:
            holder.stdout.close()


def test_outage_moves_events_to_disk_and_they_arrive_when_kafka_returns(
    producer_factory: Factory, fake_broker: FakeBroker, tmp_path: Path
) -> None:
    fake_broker.up = False
    producer = producer_factory(spool_dir=str(tmp_path), max_queue_events=50, reconnect_backoff_max_ms=200)
    for i in range(500):
        producer.emit("INFO", f"e{i}")
        if i % 50 == 49:
            time.sleep(0.06)  # the sender moves memory to disk every 50 ms while Kafka is away
    assert wait_until(lambda: producer.stats().spooled == 500, 5), producer.stats()
    assert producer.stats().dropped == {}
    fake_broker.up = True
    assert producer.flush(10) == 0
    assert sorted(e["message"] for e in decode_all(fake_broker.values())) == sorted(f"e{i}" for i in range(500))
    stats = producer.stats()
    assert stats.sent == 500 and stats.spooled == 0 and stats.balanced
    assert wait_until(lambda: _segments(tmp_path) == [], 5)


def test_spool_survives_a_restart_and_is_replayed_by_the_next_process(tmp_path: Path) -> None:
    down, up = FakeBroker(up=False), FakeBroker()
    first = LogProducer("svc", transport_factory=down.factory, spool_dir=str(tmp_path))
    for i in range(300):
        first.emit("INFO", f"e{i}")
    assert first.close(0.5) == 300
    assert first.stats().spooled == 300 and first.stats().dropped == {}
    assert _segments(tmp_path)

    second = LogProducer("svc", transport_factory=up.factory, spool_dir=str(tmp_path))
    second.start()
    assert wait_until(lambda: len(up.values()) == 300, 10)
    assert second.close(2) == 0
    stats = second.stats()
    assert stats.replayed == 300 and stats.sent == 300 and stats.balanced
    assert sorted(e["message"] for e in decode_all(up.values())) == sorted(f"e{i}" for i in range(300))
    assert _segments(tmp_path) == []


def test_in_flight_events_are_spooled_at_close_not_lost(tmp_path: Path) -> None:
    broker = FakeBroker()
    broker.hold = True  # accepted by the client, never acknowledged
    producer = LogProducer("svc", transport_factory=broker.factory, spool_dir=str(tmp_path))
    for i in range(40):
        producer.emit("INFO", f"e{i}")
    assert wait_until(lambda: len(broker.pending) == 40, 5)
    assert producer.close(0.3) == 40
    assert producer.stats().spooled == 40

    replay = FakeBroker()
    again = LogProducer("svc", transport_factory=replay.factory, spool_dir=str(tmp_path))
    again.start()
    assert wait_until(lambda: len(replay.values()) == 40, 10)
    again.close(1)


def test_a_full_spool_drops_and_counts(tmp_path: Path) -> None:
    broker = FakeBroker(up=False)
    producer = LogProducer(
        "svc",
        transport_factory=broker.factory,
        spool_dir=str(tmp_path),
        spool_max_bytes=16 * 1024,
        spool_segment_bytes=4096,
    )
    for i in range(400):
        producer.emit("INFO", f"event number {i} " + "p" * 40)
    producer.close(0.5)
    stats = producer.stats()
    assert stats.dropped.get("spool_full", 0) > 0 and stats.spooled > 0 and stats.balanced
    assert stats.spooled + stats.dropped["spool_full"] == 400


def test_two_producers_sharing_a_folder_replay_each_segment_once(tmp_path: Path) -> None:
    down = FakeBroker(up=False)
    left = LogProducer("svc", transport_factory=down.factory, spool_dir=str(tmp_path), spool_segment_bytes=8 * 1024)
    for i in range(600):
        left.emit("INFO", f"e{i}")
    left.close(0.3)
    assert len(_segments(tmp_path)) > 3
    brokers = [FakeBroker(), FakeBroker()]
    readers = [LogProducer("svc", transport_factory=b.factory, spool_dir=str(tmp_path)) for b in brokers]
    for reader in readers:
        reader.start()
    assert wait_until(lambda: sum(len(b.values()) for b in brokers) >= 600, 15)
    for reader in readers:
        reader.close(1)
    messages = [e["message"] for b in brokers for e in decode_all(b.values())]
    assert sorted(messages) == sorted(f"e{i}" for i in range(600))


def test_processes_sharing_a_folder_share_its_bound(tmp_path: Path) -> None:
    """Audit M4: four pre-fork workers each counted only their own writes and filled 4x the bound."""
    spools = [Spool(tmp_path, max_bytes=64 * 1024, segment_bytes=16 * 1024) for _ in range(4)]
    written = sum(spool.write([(b"k", b"x" * 1000) for _ in range(100)]) for spool in spools)
    for spool in spools:
        spool.close()
    assert written <= 64
    assert sum(p.stat().st_size for p in _segments(tmp_path)) <= 64 * 1024


SIGTERM_CHILD = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from producers import LogProducer, close_on_sigterm
from tests.producers.doubles import FakeBroker
down = FakeBroker(up=False)
producer = LogProducer("svc", transport_factory=down.factory, spool_dir=sys.argv[2], close_timeout_s=1.0)
if sys.argv[3] == "hook":
    close_on_sigterm()
for i in range(5000):
    producer.emit("INFO", f"e{i}")
os.kill(os.getpid(), signal.SIGTERM)
"""


def test_sigterm_saves_what_was_queued_when_asked_to(tmp_path: Path) -> None:
    """Audit M4: a SIGTERM (how systemd, Docker and Kubernetes stop services) lost every queued event."""
    counts = {}
    for mode in ("hook", "none"):
        folder = tmp_path / mode
        folder.mkdir()
        child = subprocess.run(
            [sys.executable, "-c", SIGTERM_CHILD, str(REPO_ROOT), str(folder), mode], capture_output=True, timeout=60
        )
        assert child.returncode == -15, child.stderr  # still ends as a SIGTERM does
        reader = Spool(folder, max_bytes=1 << 30, segment_bytes=1 << 30)
        saved = 0
        while (seg := reader.claim_next()) is not None:
            saved += len(reader.read(seg)[0])
            reader.release(seg)
        counts[mode] = saved
    assert counts["hook"] == 5000
    assert counts["none"] < 5000  # without the hook, what was queued dies with the process
