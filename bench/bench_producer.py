"""Cost of logging through the producer in the calling thread, and throughput to a real Kafka vs kcat.

Run: ``.venv/bin/python -m bench.bench_producer [--bootstrap HOST:PORT] [--events N]``.
Without ``--bootstrap`` it starts its own broker (:class:`infra.teststack.TestStack`, ~10-40 s). Events go to a
temporary topic that is deleted afterwards, never to the logs topic.

Figures, for each transport (kafka-python, and confluent when confluent-kafka is installed):
- ``emit()`` and ``logger.info()`` latency per call in the calling thread, p50/p99/p99.9/max in µs, with
  the broker connected and the sender thread working (wall clock; :func:`bench.stats.percentile`), plus the
  calling thread's CPU time per call (not inflated by other processes on a shared machine);
- ``logger.info()`` through a do-nothing handler: the cost of Python logging itself, for reference;
- throughput: the same serialized events sent by the producer and by kcat (librdkafka; Debian package
  ``kafkacat``), with the same guarantees (acks=all, idempotence), codec and linger, in events per wall second
  and per CPU second, with each thread's CPU per event (where the time goes: the calling thread, the sender
  thread, the client's own threads), and a bare confluent-kafka loop (no queue, no thread, no delivery
  callbacks: the ceiling of the client library itself).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from array import array
from collections.abc import Callable
from pathlib import Path

import kafka
from kafka.admin import KafkaAdminClient, NewTopic

from bench.stats import percentile
from producers import KafkaLogHandler, LogProducer
from producers.buffer import Flight

__all__ = ["main"]

MESSAGE = "Search query 'jazz piano' by user u48213 returned 134 results in 38 ms"


def percentiles(samples: array[int]) -> str:
    us = [ns / 1000 for ns in samples]
    return (
        f"p50 {percentile(us, 50):6.1f}  p99 {percentile(us, 99):6.1f}  p99.9 {percentile(us, 99.9):7.1f}  "
        f"max {max(us):8.1f} µs"
    )


def timed(calls: int, fn: Callable[[int], object], pace_s: float = 0.0) -> tuple[array[int], array[int]]:
    """Wall and thread-CPU nanoseconds of each ``fn(i)``; ``pace_s`` sleeps between calls."""
    wall, cpu = array("q", bytes(8 * calls)), array("q", bytes(8 * calls))
    clock, tclock = time.perf_counter_ns, time.thread_time_ns
    for i in range(calls):
        c0 = tclock()
        t0 = clock()
        fn(i)
        t1 = clock()
        c1 = tclock()
        wall[i] = t1 - t0
        cpu[i] = c1 - c0
        if pace_s:
            time.sleep(pace_s)
    return wall, cpu


def report(label: str, samples: tuple[array[int], array[int]], aim_us: float | None = None) -> tuple[float, float]:
    """Print the wall and CPU figures of one measurement; returns the wall p50 and p99 in µs."""
    wall, cpu = samples
    p50, p99 = percentile(wall, 50) / 1000, percentile(wall, 99) / 1000
    verdict = "" if aim_us is None else (f"  [aim p99 <= {aim_us:g} µs: {'met' if p99 <= aim_us else 'NOT met'}]")
    print(f"  {label:<44} wall {percentiles(wall)}{verdict}")
    print(f"  {'':<44} cpu  {percentiles(cpu)}")
    return round(p50, 2), round(p99, 2)


def latency(bootstrap: str, topic: str, calls: int, transport: str) -> dict[str, tuple[float, float]]:
    """Print the calling-thread cost of each way to log; returns each one's wall p50 and p99 in µs."""
    out: dict[str, tuple[float, float]] = {}
    producer = LogProducer(
        "bench",
        bootstrap_servers=bootstrap,
        topic=topic,
        transport=transport,
        max_queue_events=2_000_000,
        max_queue_bytes=2 << 30,
    )
    producer.emit("INFO", "warm-up")
    producer.flush(30)
    print(f"\nCalling-thread cost per call, {transport} (broker connected, sender thread sending; {calls} calls each)")
    out["emit"] = report("emit(level, message), tight loop", timed(calls, lambda i: producer.emit("INFO", MESSAGE)), 20)
    producer.flush(120)
    out["emit_attributes"] = report(
        "emit(level, message, **4 attributes)",
        timed(calls, lambda i: producer.emit("INFO", MESSAGE, user_id=i, query="jazz piano", hits=134, ms=38.2)),
        20,
    )
    producer.flush(120)
    out["emit_paced"] = report(
        "emit(), paced at ~1000/s", timed(min(calls, 5000), lambda i: producer.emit("INFO", MESSAGE), 0.001), 20
    )

    log = logging.getLogger("bench.app")
    log.propagate = False
    log.setLevel(logging.INFO)
    handler = KafkaLogHandler(producer)
    log.addHandler(handler)
    producer.flush(120)
    out["handler"] = report(
        "logger.info(msg, args, extra=) via handler",
        timed(calls, lambda i: log.info("Search query %r returned %d results", "jazz", i, extra={"ms": 38})),
        20,
    )
    log.removeHandler(handler)

    class Nothing(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            record.getMessage()

    null = Nothing()
    log.addHandler(null)
    out["null_handler"] = report(
        "same logger.info via a do-nothing handler",
        timed(calls, lambda i: log.info("Search query %r returned %d results", "jazz", i, extra={"ms": 38})),
    )
    log.removeHandler(null)
    pending = producer.close(120)
    stats = producer.stats()
    print(f"  (delivered {stats.sent}, dropped {stats.dropped_total}, pending {pending})")
    return out


def serialized_events(n: int) -> list[tuple[str, bytes]]:
    """The exact bytes the producer sends for a realistic mix, captured through a stdout transport."""

    class Capture:
        def __init__(self) -> None:
            self.values: list[tuple[str, bytes]] = []

        def send(self, flight: Flight) -> None:
            self.values.extend((key.decode(), value) for key, value, _at, _origin in flight.records)
            flight.ack_all()

        def probe(self) -> None:
            return None

        def poll(self) -> None:
            return None

        def close(self, timeout_s: float) -> None:
            return None

    capture = Capture()
    producer = LogProducer(
        "bench", transport_factory=lambda _c: capture, max_queue_events=n + 10, max_queue_bytes=2 << 30
    )
    services = ("recommender", "search", "auth", "payment", "inventory")
    for i in range(n):
        producer.emit("INFO", f"{MESSAGE} #{i}", service=services[i % 5], request_id=f"req-{i:08d}", latency_ms=i % 97)
    producer.close(60)
    return capture.values


def thread_cpu_s(labels: dict[int, str]) -> dict[str, float]:
    """CPU seconds of each thread of this process (Linux ``/proc``; empty elsewhere), summed by label.

    :param labels: names for Python threads by native id; other threads go by their kernel name, with
        librdkafka's per-broker threads (``rdk:broker1``...) summed as ``rdk:broker``.
    """
    out: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    try:
        tids = os.listdir("/proc/self/task")
    except OSError:
        return out
    for tid in tids:
        try:
            fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
            comm = Path(f"/proc/self/task/{tid}/comm").read_text().strip()
        except OSError:
            continue  # the thread ended meanwhile
        label = labels.get(int(tid)) or ("rdk:broker" if comm.startswith("rdk:broker") else comm)
        out[label] = out.get(label, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def cpu_per_event(before: dict[str, float], after: dict[str, float], events: int) -> dict[str, float]:
    """µs of CPU per event of each thread that used at least 1% of the total."""
    spent = {name: after[name] - before.get(name, 0.0) for name in after}
    total = sum(spent.values()) or 1.0
    return {name: round(s / events * 1e6, 2) for name, s in sorted(spent.items()) if s / total >= 0.01}


def bare_confluent_throughput(
    bootstrap: str, topic: str, events: list[tuple[str, bytes]], codec: str | None
) -> tuple[float, float, dict[str, float]]:
    """confluent-kafka's own loop over the same events, with the producer's client settings but no queue,
    no sender thread and no delivery callbacks: what the client library costs by itself."""
    import confluent_kafka

    config = LogProducer("probe").config
    client = confluent_kafka.Producer(
        {
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": True,
            "partitioner": "murmur2_random",
            "compression.type": codec or "none",
            "linger.ms": config.linger_ms,
            "batch.size": config.batch_bytes,
        }
    )
    client.produce(topic, b'{"warm":"up"}')
    client.flush(30)
    pairs = [(key.encode(), value) for key, value in events]
    labels = {threading.main_thread().native_id or 0: "calling"}
    before = thread_cpu_s(labels)
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    produce = client.produce
    for key, value in pairs:
        produce(topic, value, key)
    left = client.flush(600)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    per_thread = cpu_per_event(before, thread_cpu_s(labels), len(events))
    if left:
        print(f"  warning: {left} events still pending after 600 s")
    return len(events) / wall, len(events) / cpu, per_thread


def producer_throughput(
    bootstrap: str, topic: str, events: list[tuple[str, bytes]], transport: str
) -> tuple[float, float, dict[str, float]]:
    producer = LogProducer(
        "bench",
        bootstrap_servers=bootstrap,
        topic=topic,
        transport=transport,
        max_queue_events=len(events) + 10,
        max_queue_bytes=2 << 30,
    )
    producer.send_raw(b'{"warm":"up"}')
    producer.flush(30)
    labels = {t.native_id or 0: t.name for t in threading.enumerate()}
    labels[threading.main_thread().native_id or 0] = "calling"
    if producer._thread is not None:
        labels[producer._thread.native_id or 0] = "sender"
    before = thread_cpu_s(labels)
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for key, value in events:
        producer.send_raw(value, key)
    pending = producer.flush(600)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    per_thread = cpu_per_event(before, thread_cpu_s(labels), len(events))
    producer.close(10)
    if pending:
        print(f"  warning: {pending} events still pending after 600 s")
    return len(events) / wall, len(events) / cpu, per_thread


def kcat_throughput(
    bootstrap: str, topic: str, events: list[tuple[str, bytes]], kcat: str, codec: str | None
) -> tuple[float, float]:
    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as f:
        for key, value in events:
            f.write(key.encode() + b"\t" + value + b"\n")
        path = f.name
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run(
            [
                kcat,
                "-P",
                "-b",
                bootstrap,
                "-t",
                topic,
                "-K",
                "\t",
                "-z",
                codec or "none",
                "-X",
                "acks=all",
                "-X",
                "enable.idempotence=true",  # as the producer: same guarantees
                "-X",
                f"linger.ms={LogProducer('probe').config.linger_ms}",
                "-l",
                path,
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        os.unlink(path)
    if done.returncode != 0:
        raise RuntimeError(f"kcat failed: {done.stderr.strip()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return len(events) / wall, len(events) / max(cpu, 1e-6)


def transports() -> list[str]:
    """kafka-python always; confluent when its package is installed (the ``fast`` extra)."""
    if importlib.util.find_spec("confluent_kafka") is None:
        print("confluent transport: confluent-kafka not installed (pip install './producers[fast]'); skipped")
        return ["kafka-python"]
    return ["kafka-python", "confluent"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default=None, help="an existing Kafka; default: start a temporary one")
    parser.add_argument("--events", type=int, default=100_000, help="events for the throughput runs")
    parser.add_argument("--calls", type=int, default=100_000, help="calls per latency measurement")
    args = parser.parse_args(argv)

    stack = None
    bootstrap = args.bootstrap
    if bootstrap is None:
        from infra.teststack import TestStack

        stack = TestStack(Path(tempfile.mkdtemp(prefix="bench-producer-")))
        print("starting a temporary Kafka broker ...", flush=True)
        bootstrap = stack.start_kafka()
    topic = f"bench-producer-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    try:
        admin.create_topics([NewTopic(topic, 3, 1)])
        load = os.getloadavg()
        names = transports()
        codecs = {name: LogProducer("probe", transport=name).config.compression_type for name in names}
        versions = f"kafka-python {kafka.__version__}"
        if "confluent" in names:
            import confluent_kafka

            versions += f", confluent-kafka {confluent_kafka.version()} (librdkafka {confluent_kafka.libversion()[0]})"
        print(
            f"producer benchmark: {versions}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, load average {load[0]:.1f}, codecs {codecs}, acks=all, broker {bootstrap}"
        )
        summary: dict[str, object] = {"bench": "producer"}
        per_call: dict[str, dict[str, float]] = {}
        for name in names:
            for what, (p50, p99) in latency(bootstrap, topic, args.calls, name).items():
                per_call.setdefault(f"{what}_p99_us", {})[name] = p99
                if what == "handler":
                    per_call.setdefault("handler_p50_us", {})[name] = p50
        summary.update(per_call)

        events = serialized_events(args.events)
        size = sum(len(v) for _k, v in events) / len(events)
        print(f"\nThroughput: {len(events)} serialized events (avg {size:.0f} bytes), acks=all, each transport's codec")
        rates: dict[str, tuple[float, float]] = {}
        threads: dict[str, dict[str, float]] = {}
        bare_wall: float | None = None
        for name in names:
            wall, cpu, threads[name] = producer_throughput(bootstrap, topic, events, name)
            rates[name] = wall, cpu
            label = f"LogProducer ({name}, {codecs[name]})"
            print(f"  {label:<28} {wall:10,.0f} ev/s wall   {cpu:10,.0f} ev/s per CPU-second")
            print(f"  {'':<28} CPU µs per event by thread: {threads[name]}")
        if "confluent" in names:
            bare_wall, cpu, threads["confluent_bare"] = bare_confluent_throughput(
                bootstrap, topic, events, codecs["confluent"]
            )
            label = "confluent-kafka, bare loop"
            print(f"  {label:<28} {bare_wall:10,.0f} ev/s wall   {cpu:10,.0f} ev/s per CPU-second")
            print(f"  {'':<28} CPU µs per event by thread: {threads['confluent_bare']}")
            summary["confluent_bare_events_per_s"] = round(bare_wall)
        summary["producer_events_per_s"] = {name: round(wall) for name, (wall, _cpu) in rates.items()}
        summary["cpu_us_per_event_by_thread"] = threads
        kcat = shutil.which("kcat") or shutil.which("kafkacat")
        if kcat is None:
            print("  kcat: not installed (Debian package kafkacat: apt-get install kafkacat); ratio skipped")
        else:
            kcat_rates: dict[str | None, tuple[float, float]] = {}
            for codec in sorted(set(codecs.values()), key=str):  # kcat with each codec a transport uses
                kcat_rates[codec] = kcat_throughput(bootstrap, topic, events, kcat, codec)
                label = f"kcat (librdkafka, {codec})"
                wall, cpu = kcat_rates[codec]
                print(f"  {label:<28} {wall:10,.0f} ev/s wall   {cpu:10,.0f} ev/s per CPU-second")
            summary["kcat_events_per_s"] = {str(codec): round(wall) for codec, (wall, _cpu) in kcat_rates.items()}
            ratios: dict[str, float] = {}
            for name, (wall, cpu) in rates.items():
                kcat_wall, kcat_cpu = kcat_rates[codecs[name]]
                ratios[name] = round(wall / kcat_wall, 3)
                verdict = "met" if wall / kcat_wall >= 0.5 else "NOT met"
                print(
                    f"  ratio LogProducer ({name}) / kcat ({codecs[name]}): {wall / kcat_wall:.2f} wall, "
                    f"{cpu / kcat_cpu:.2f} per CPU-second [aim >= 0.5: {verdict}]"
                )
            if bare_wall is not None:
                ceiling = bare_wall / kcat_rates[codecs["confluent"]][0]
                print(f"  ratio confluent-kafka bare loop / kcat: {ceiling:.2f} wall (the client's own ceiling)")
                ratios["confluent_bare"] = round(ceiling, 3)
            summary["ratio_to_kcat"] = ratios
        print(f"\nload average now {os.getloadavg()[0]:.1f} (figures on a shared machine vary with it)")
        print(json.dumps(summary))
    finally:
        try:
            admin.delete_topics([topic])
        except Exception as exc:  # the figures are printed already; a leftover topic is harmless
            print(f"could not delete topic {topic}: {exc}", file=sys.stderr)
        admin.close()
        if stack is not None:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
