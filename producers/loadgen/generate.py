"""Paced sending: synthetic events from a pre-generated pool, or raw replayed lines."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from producers.demo import SERVICES, Simulator
from producers.demo.base import Ctx, LogLine
from producers.loadgen.progress import Progress
from producers.producer import LogProducer

__all__ = ["EventPool", "LoadResult", "pace", "run_synthetic", "run_replay"]

_TICK_S = 0.005


class _Generic(Simulator):
    """Generic events for a service name that is not one of the demo simulators."""

    templates = (
        (
            1.0,
            lambda c: LogLine(
                20, f"Handled request {c.hex(8)} in {c.latency_ms(30)} ms", "api", "general", {"status": 200}
            ),
        ),
    )

    def __init__(self, name: str, rng: random.Random) -> None:
        self.name = name
        super().__init__(rng)


@dataclass(frozen=True)
class _Prepared:
    level: int
    message: str
    fields: dict[str, Any]


class EventPool:
    """Events generated once and cycled, so the generator measures sending rather than simulating.

    :param services: demo simulator names; other names get generic events.
    :param size: how many distinct events to prepare.
    :param rng: the random source.
    """

    def __init__(self, services: list[str], size: int = 5000, rng: random.Random | None = None) -> None:
        rng = rng or random.Random()
        sims = [SERVICES[n](rng) if n in SERVICES else _Generic(n, rng) for n in services]
        self.events: list[_Prepared] = []
        for _ in range(size):
            sim = rng.choice(sims)
            line = sim.next()
            fields: dict[str, Any] = {
                "service": sim.name,
                "logger": f"{sim.name}.{line.component}",
                "version": sim.version,
                "trace_id": Ctx(rng).hex(32),
                "span_id": Ctx(rng).hex(16),
            }
            if line.attributes:
                fields["attributes"] = line.attributes
            if line.exception is not None:
                fields["exception"] = line.exception
            self.events.append(_Prepared(line.level, line.message, fields))

    def __iter__(self) -> Iterator[_Prepared]:
        while True:
            yield from self.events


@dataclass(frozen=True)
class LoadResult:
    """What a run did: emitted and accepted counts, how long emitting and delivering took."""

    emitted: int
    accepted: int
    emit_s: float
    total_s: float
    sent: int
    dropped: int
    failed: int
    pending: int

    @property
    def achieved_rate(self) -> float:
        return self.emitted / self.emit_s if self.emit_s > 0 else 0.0

    @property
    def delivered_rate(self) -> float:
        return self.sent / self.total_s if self.total_s > 0 else 0.0


def pace(rate: float, duration_s: float | None, stop: threading.Event) -> Iterator[int]:
    """Yields how many events to send now, keeping ``rate`` per second (0: as fast as possible)."""
    start = time.monotonic()
    sent = 0
    while not stop.is_set():
        elapsed = time.monotonic() - start
        if duration_s is not None and elapsed >= duration_s:
            return
        if rate <= 0:
            yield 256
            sent += 256
            continue
        due = int(rate * elapsed) - sent
        if due > 0:
            yield due
            sent += due
        else:
            time.sleep(_TICK_S)


def _run(
    producer: LogProducer,
    send: Callable[[], bool | None],
    rate: float,
    duration_s: float | None,
    progress: Progress,
    flush_timeout_s: float,
    stop: threading.Event,
) -> LoadResult:
    started = time.monotonic()
    emitted = accepted = 0
    for batch in pace(rate, duration_s, stop):
        for _ in range(batch):
            ok = send()
            if ok is None:
                stop.set()
                break
            emitted += 1
            accepted += ok
        stats = producer.stats()
        progress.update(time.monotonic() - started, emitted, stats.sent, stats.dropped_total)
    emit_s = time.monotonic() - started
    pending = producer.flush(flush_timeout_s)
    total_s = time.monotonic() - started
    stats = producer.stats()
    progress.update(total_s, emitted, stats.sent, stats.dropped_total, force=True)
    progress.finish()
    return LoadResult(emitted, accepted, emit_s, total_s, stats.sent, stats.dropped_total, stats.failed, pending)


def run_synthetic(
    producer: LogProducer,
    pool: EventPool,
    rate: float,
    duration_s: float,
    progress: Progress,
    flush_timeout_s: float = 30.0,
    stop: threading.Event | None = None,
) -> LoadResult:
    """Emit pool events at ``rate`` for ``duration_s``, then wait for delivery."""
    events = iter(pool)
    emit = producer.emit

    def send() -> bool:
        event = next(events)
        return emit(event.level, event.message, **event.fields)

    return _run(producer, send, rate, duration_s, progress, flush_timeout_s, stop or threading.Event())


def run_replay(
    producer: LogProducer,
    lines: Iterable[tuple[str, bytes]],
    rate: float,
    duration_s: float | None,
    progress: Progress,
    flush_timeout_s: float = 30.0,
    stop: threading.Event | None = None,
) -> LoadResult:
    """Send raw ``(service, line)`` pairs as they are at ``rate`` until they run out or ``duration_s``."""
    source = iter(lines)
    send_raw = producer.send_raw

    def send() -> bool | None:
        item = next(source, None)
        if item is None:
            return None
        return send_raw(item[1], item[0])

    return _run(producer, send, rate, duration_s, progress, flush_timeout_s, stop or threading.Event())
