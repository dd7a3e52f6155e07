"""Process-wide hooks shared by all producers: one exit hook, one fork hook, and an opt-in SIGTERM hook.

Like sentry-sdk's ``AtexitIntegration``, the exit hook closes every live producer within one budget
(``close_timeout_s``, default 2 s) and prints a single stderr line if events are still waiting.
kafka-python registers its own exit hook for each client it builds, which would close the client with
no time to flush; so each time the sender builds one, ours is moved to run first (atexit is LIFO).

Python's default SIGTERM ends the process without running exit hooks, so what is queued or in flight is lost
on every ordinary stop (systemd, Docker, Kubernetes). :func:`close_on_sigterm` closes every producer first (to
Kafka, or to the spool), then lets the signal do what it did before.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
import time
import weakref
from types import FrameType
from typing import TYPE_CHECKING

from producers._internal import capture_internal_exception

if TYPE_CHECKING:
    from producers.producer import LogProducer

__all__ = ["track", "untrack", "move_exit_hook_first", "close_on_sigterm"]

_live: weakref.WeakSet[LogProducer] = weakref.WeakSet()
_lock = threading.Lock()
_hooked = False


def track(producer: LogProducer) -> None:
    global _hooked
    with _lock:
        _live.add(producer)
        if not _hooked:
            atexit.register(_at_exit)
            _hooked = True


def untrack(producer: LogProducer) -> None:
    with _lock:
        _live.discard(producer)


def move_exit_hook_first() -> None:
    """Re-register our exit hook so it runs before hooks registered since (kafka-python's)."""
    with _lock:
        if _hooked:
            atexit.unregister(_at_exit)
            atexit.register(_at_exit)


def _at_exit() -> None:
    with _lock:
        producers = list(_live)
    if not producers:
        return
    deadline = time.monotonic() + max(p.config.close_timeout_s for p in producers)
    pending = spooled = 0
    targets: list[str] = []
    spools: list[str] = []
    for producer in producers:
        try:
            left = producer.close(max(0.0, deadline - time.monotonic()))
            stats = producer.stats()
        except Exception as exc:
            capture_internal_exception(exc)
            continue
        if left:
            pending += left
            spooled += stats.spooled
            targets.append(f"{producer.config.bootstrap_servers} topic {producer.config.topic}")
            if stats.spooled and producer.config.spool_dir:
                spools.append(producer.config.spool_dir)
    if pending:
        where = ", ".join(sorted(set(targets)))
        line = f"producers: {pending} log event(s) were not delivered to Kafka ({where})"
        if spooled:
            folders = ", ".join(sorted(set(spools)))
            line += f"; {spooled} of them are saved in {folders} and will be sent on next start"
        stream = sys.stderr or sys.__stderr__
        try:
            if stream is not None:
                print(line + ".", file=stream, flush=True)
        except Exception:
            pass


def close_on_sigterm() -> None:
    """On SIGTERM, close every producer (within ``close_timeout_s``), then act as the previous handler would:
    call it, or end the process as an unhandled SIGTERM does (exit status 143). Call it once, from the main
    thread, after any framework installed its own handler (that one is then called after ours).

    :raises ValueError: not called from the main thread (Python's rule for signal handlers).
    """
    previous = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        _at_exit()
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_sigterm)


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()
    for producer in list(_live):
        try:
            producer._after_fork()
        except Exception as exc:
            capture_internal_exception(exc)


os.register_at_fork(after_in_child=_after_fork_in_child)
