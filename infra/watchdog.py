"""Keeps `make run`'s services up: one that exits unexpectedly is started again, with back-off, and logged.

It runs detached as ``python -m infra watch`` (`make run` starts it after the services, `make stop` stops it
before them). It restarts only services whose pid file says they were started and have not been stopped, so a
service `make stop` ended stays down. Restarts are counted in ``var/run/<name>.restarts`` for `make status`.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from core.errors import LogwatchError
from core.retry import Backoff
from infra.supervisor import Service, Supervisor

__all__ = ["Watchdog"]

logger = logging.getLogger(__name__)


@dataclass
class Watchdog:
    """Restarts the services among ``names`` that died.

    :param supervisor: the services' pid files and logs.
    :param service_for: how to run a service again (None: not ours to run, e.g. an external Kafka).
    :param names: in dependency order: when several died together, they come back in this order.
    :param initial_s: the wait before the first restart; it doubles on each crash that follows within
        ``stable_s`` of a restart, up to ``max_s``.
    """

    supervisor: Supervisor
    service_for: Callable[[str], Service | None]
    names: Sequence[str]
    initial_s: float = 1.0
    max_s: float = 60.0
    stable_s: float = 300.0
    _backoffs: dict[str, Backoff] = field(default_factory=dict)
    _due: dict[str, float] = field(default_factory=dict)
    _restarted_at: dict[str, float] = field(default_factory=dict)

    def check(self) -> list[str]:
        """One round: note services that died, restart those whose wait is over; returns the names restarted."""
        now = time.monotonic()
        restarted = []
        for name in self.names:
            if not self.supervisor.exited(name):
                if now - self._restarted_at.get(name, now) >= self.stable_s:
                    self._backoffs.pop(name, None)  # up long enough: the next crash waits initial_s again
                continue
            if name not in self._due:
                wait = self._backoffs.setdefault(name, Backoff(self.initial_s, self.max_s, jitter=0.0)).next_s()
                self._due[name] = now + wait
                logger.warning(
                    'service exited unexpectedly name="%s" code=%s restart_in_s=%.1f log="%s"',
                    name,
                    self.supervisor.exit_code(name),
                    wait,
                    self.supervisor.log_path(name),
                )
            if now >= self._due[name] and self._restart(name):
                restarted.append(name)
        return restarted

    def _restart(self, name: str) -> bool:
        service = self.service_for(name)
        if service is None:
            return False
        try:
            pid = self.supervisor.start(service)
        except LogwatchError as exc:  # it failed its health check: back off further and try again
            wait = self._backoffs[name].next_s()
            self._due[name] = time.monotonic() + wait
            logger.error('service restart failed name="%s" retry_in_s=%.1f error="%s"', name, wait, exc)
            return False
        del self._due[name]
        self._restarted_at[name] = time.monotonic()
        count = self.supervisor.count_restart(name)
        logger.warning('service restarted name="%s" pid=%d restarts=%d', name, pid, count)
        return True

    def run(self, poll_s: float = 1.0) -> None:
        """Check every ``poll_s`` until SIGTERM or SIGINT."""
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        logger.info("watching services names=%s", ",".join(self.names))
        while not stopping:
            self.check()
            time.sleep(poll_s)
