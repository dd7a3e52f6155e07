"""Runs the simulated services at a steady rate through Python logging and ``KafkaLogHandler``.

The demo dogfoods the library the way a service would: each simulated service logs to its own loggers
(``payment.gateway``...) and one handler per service ships the records.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from itertools import accumulate

from producers.demo.base import TRACE, LogLine, Simulator
from producers.demo.incidents import Incident
from producers.handler import KafkaLogHandler
from producers.producer import LogProducer

__all__ = ["DemoRunner"]

logger = logging.getLogger(__name__)

_MAX_SLEEP_S = 0.25


class DemoRunner:
    """Emits a Poisson stream of log lines across ``simulators``, plus incident bursts when scheduled.

    :param producer: where events go (shared by all services; each handler sets its service).
    :param simulators: the services to simulate.
    :param rate: events per second of normal traffic, all services together.
    :param incidents: scheduled incidents.
    :param incident_rate: extra events per second while an incident is active.
    :param rng: the random source (seed it for a reproducible run).
    :param label: add the intended category as ``attributes.expected_category`` (ground truth for checks).
    :param say: where progress lines go (None: silent).
    """

    def __init__(
        self,
        producer: LogProducer,
        simulators: Sequence[Simulator],
        rate: float,
        incidents: Sequence[Incident] = (),
        incident_rate: float | None = None,
        rng: random.Random | None = None,
        label: bool = False,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.producer = producer
        self.simulators = list(simulators)
        self.rate = rate
        self.incidents = list(incidents)
        self.incident_rate = incident_rate if incident_rate is not None else max(10.0, 3 * rate)
        self.rng = rng or random.Random()
        self.label = label
        self.say = say
        self.emitted = 0
        self._cum = list(accumulate(s.weight for s in self.simulators))
        self._loggers: dict[str, logging.Logger] = {}
        self._handlers: list[tuple[logging.Logger, KafkaLogHandler, int, bool]] = []
        logging.addLevelName(TRACE, "TRACE")
        for sim in self.simulators:
            root = logging.getLogger(sim.name)
            handler = KafkaLogHandler(producer, service=sim.name)
            self._handlers.append((root, handler, root.level, root.propagate))
            root.addHandler(handler)
            root.setLevel(1)
            root.propagate = False

    def close(self) -> None:
        """Detach the handlers and restore the loggers (the producer is the caller's to close)."""
        for root, handler, level, propagate in self._handlers:
            root.removeHandler(handler)
            root.setLevel(level)
            root.propagate = propagate
        self._handlers.clear()

    def emit(self, sim: Simulator, line: LogLine) -> None:
        name = f"{sim.name}.{line.component}"
        log = self._loggers.get(name)
        if log is None:
            log = self._loggers[name] = logging.getLogger(name)
        extra = dict(line.attributes)
        extra["version"] = sim.version
        if line.trace:
            extra["trace_id"] = f"{self.rng.getrandbits(128):032x}"
            extra["span_id"] = f"{self.rng.getrandbits(64):016x}"
        if self.label:
            extra["expected_category"] = line.category
        log.log(line.level, line.message, exc_info=line.exception, extra=extra)
        self.emitted += 1

    def _pick(self) -> Simulator:
        return self.rng.choices(self.simulators, cum_weights=self._cum)[0]

    def run(
        self,
        duration_s: float | None = None,
        stop: threading.Event | None = None,
        status_every_s: float = 30.0,
    ) -> None:
        """Run until ``duration_s`` passes or ``stop`` is set.

        :param duration_s: how long; None runs until ``stop``.
        :param stop: set it (e.g. from a signal handler) to end the run.
        :param status_every_s: period of the progress line.
        """
        stop = stop or threading.Event()
        start = time.monotonic()
        next_base = next_incident = start
        next_status = start + status_every_s
        announced: frozenset[str] = frozenset()
        while not stop.is_set():
            now = time.monotonic()
            elapsed = now - start
            if duration_s is not None and elapsed >= duration_s:
                break
            active = frozenset(i.kind for i in self.incidents if i.active(elapsed))
            if active != announced:
                self._announce(elapsed, active, announced)
                announced = active
            if now >= next_base:
                sim = self._pick()
                self.emit(sim, sim.next(active))
                # A stalled loop (suspended laptop) resumes at the rate instead of bursting to catch up.
                next_base = max(next_base, now - 1.0) + self.rng.expovariate(self.rate)
            if active:
                if now >= next_incident:
                    self._emit_incident(active)
                    next_incident = max(next_incident, now - 1.0) + self.rng.expovariate(self.incident_rate)
            else:
                next_incident = now
            if self.say is not None and now >= next_status:
                next_status = now + status_every_s
                self._status(elapsed, active)
            wake = min(next_base, next_incident if active else next_base)
            stop.wait(min(_MAX_SLEEP_S, max(0.0, wake - time.monotonic())))

    def _emit_incident(self, active: frozenset[str]) -> None:
        kind = self.rng.choice(sorted(active))
        affected = [s for s in self.simulators if kind in s.incident_templates]
        if affected:
            sim = self.rng.choice(affected)
            line = sim.incident(kind, active)
            if line is not None:
                self.emit(sim, line)

    def _announce(self, elapsed: float, active: frozenset[str], before: frozenset[str]) -> None:
        if self.say is None:
            return
        for kind in sorted(active - before):
            self.say(f"demo: t={elapsed:.0f}s incident {kind} started")
        for kind in sorted(before - active):
            self.say(f"demo: t={elapsed:.0f}s incident {kind} ended")

    def _status(self, elapsed: float, active: frozenset[str]) -> None:
        if self.say is None:
            return
        stats = self.producer.stats()
        state = "connected" if self.producer.connected else "not connected (buffering)"
        self.say(
            f"demo: t={elapsed:.0f}s emitted={self.emitted} sent={stats.sent} queued={stats.queued} "
            f"dropped={stats.dropped_total} kafka {state}"
            + (f" incidents={','.join(sorted(active))}" if active else "")
        )
