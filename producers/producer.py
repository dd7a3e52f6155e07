"""``LogProducer``: the embedded, never-raising, never-blocking way for a service to ship its logs.

``emit()`` builds a docs/design.md event, serializes it and appends it to a bounded buffer: a few
microseconds, no network, no waiting (unless ``emit_block_ms`` allows it). A daemon sender thread,
started on first use and again after ``os.fork()``, is the only code that talks to Kafka.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from producers import _lifecycle
from producers._internal import capture_internal_exception, set_debug
from producers.assemble import Assembler, Drop
from producers.buffer import Buffer, ProducerStats
from producers.config import ProducerConfig
from producers.errors import ProducerConfigError
from producers.event import json_string, normalize_level, truncate_raw, utc_timestamp
from producers.sender import Sender
from producers.spool import Spool

__all__ = ["LogProducer"]

logger = logging.getLogger(__name__)

_RESTART_PAUSE_S = 1.0


class LogProducer:
    """Ships log events to Kafka from inside a service without ever hurting it.

    ``emit()`` never raises and never waits longer than ``emit_block_ms`` (default 0). Events that cannot
    be kept are counted by reason in ``stats()``. Usable from any thread, from asyncio code (``emit`` is
    non-blocking; use ``aflush``/``aclose``), and in pre-fork servers.

    :param service: the service name (event field and Kafka key); default ``$LOGWATCH_SERVICE`` or the
        program name.
    :param config: a complete ``ProducerConfig``; ``options`` override its fields.
    :param options: any ``ProducerConfig`` field, e.g. ``bootstrap_servers``, ``spool_dir``.
    :raises ProducerConfigError: an option is invalid.
    :raises SpoolError: ``spool_dir`` cannot be created or written.
    """

    def __init__(self, service: str | None = None, *, config: ProducerConfig | None = None, **options: Any) -> None:
        if service is not None:
            options["service"] = service
        try:
            config = ProducerConfig(**options) if config is None else dataclasses.replace(config, **options)
        except TypeError as exc:
            raise ProducerConfigError(f"Unknown producer option ({exc}); see ProducerConfig for the list.") from exc
        self.config = config
        if config.debug:
            set_debug(True)
        self._buffer = Buffer(
            config.max_queue_events,
            config.max_queue_bytes,
            config.overflow == "drop_old",
            timed=config.give_up_after_s is not None,
        )
        self._spool = (
            Spool(Path(config.spool_dir), config.spool_max_bytes, config.spool_segment_bytes, config.spool_fsync)
            if config.spool_dir
            else None
        )
        self._limit = config.max_event_bytes
        self._block_s = config.emit_block_ms / 1000
        self._service = config.service
        static = {"host": config.host}
        if config.env:
            static["env"] = config.env
        if config.version:
            static["version"] = config.version
        self._asm = Assembler(config.service, static, config.max_event_bytes)
        self._start_lock = threading.Lock()
        self._sender: Sender | None = None
        self._thread: threading.Thread | None = None
        self._last_start = 0.0
        self._pid = os.getpid()
        self._closed = False
        self._abandoned = 0
        _lifecycle.track(self)

    def __repr__(self) -> str:
        return (
            f"LogProducer(service={self._service!r}, topic={self.config.topic!r}, "
            f"bootstrap_servers={self.config.bootstrap_servers!r})"
        )

    # ---- emitting -------------------------------------------------------------------------------

    def emit(self, level: str | int, message: object, **fields: Any) -> bool:
        """Queue one event; returns True if it was accepted, False if it was dropped (and counted).

        :param level: TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, an alias (warning, fatal...) or a
            ``logging`` level number.
        :param message: the message; anything else is turned into text.
        :param fields: ``host``, ``logger``, ``trace_id``, ``span_id``, ``env``, ``version``,
            ``service`` (overrides the key too), ``timestamp`` (epoch seconds or datetime),
            ``exception`` (an exception instance, True for the one being handled, or a dict),
            ``attributes`` (a dict); any other keyword goes into ``attributes``.
        """
        try:
            asm = self._asm
            msg = message if type(message) is str else str(message)
            if not fields:
                # The hot path, kept flat: every call and allocation here is paid in the host's thread.
                ts = utc_timestamp(time.time())
                lvl = normalize_level(level)
                text = f'{{"timestamp":"{ts}","level":"{lvl}"{asm.service_part}{json_string(msg)}{asm.closing}'
                try:
                    payload = text.encode()
                except UnicodeEncodeError:
                    payload = text.encode("utf-8", "replace")
                if len(payload) <= self._limit:
                    return self._enqueue(asm.key, payload, False)
                payload, cut = asm.build(ts, lvl, msg, asm.service_part, asm.static_part, None)
                return self._enqueue(asm.key, payload, cut)
            key, payload, cut = asm.from_fields(normalize_level(level), msg, fields)
            return self._enqueue(key, payload, cut)
        except Drop as drop:
            self._buffer.count_drop(drop.reason)
            return False
        except Exception as exc:
            capture_internal_exception(exc)
            self._buffer.count_drop("internal_error")
            return False

    def _emit_parts(
        self,
        ts: str,
        level: str,
        message: str,
        service: str | None,
        middle: str,
        attrs: dict[str, Any] | None,
    ) -> bool:
        """For ``KafkaLogHandler``: an event from pre-encoded parts (``middle`` follows ``message``)."""
        try:
            asm = self._asm
            key, service_part = asm.for_service(service) if service else (asm.key, asm.service_part)
            payload, cut = asm.build(ts, level, message, service_part, middle + asm.static_part, attrs)
            return self._enqueue(key, payload, cut)
        except Drop as drop:
            self._buffer.count_drop(drop.reason)
            return False
        except Exception as exc:
            capture_internal_exception(exc)
            self._buffer.count_drop("internal_error")
            return False

    def send_raw(self, line: bytes | str, service: str | None = None) -> bool:
        """Queue one raw line as it is (not JSON), e.g. a replayed log file line; never raises.

        :param line: the bytes (or text, sent as UTF-8) of one record.
        :param service: the Kafka key; default this producer's service.
        """
        try:
            data = line.encode("utf-8", "replace") if isinstance(line, str) else bytes(line)
            key = self._asm.for_service(service)[0] if service else self._asm.key
            truncated = len(data) > self._limit
            if truncated:
                data = truncate_raw(data, self._limit)
            return self._enqueue(key, data, truncated)
        except Exception as exc:
            capture_internal_exception(exc)
            self._buffer.count_drop("internal_error")
            return False

    def _enqueue(self, key: bytes, payload: bytes, truncated: bool) -> bool:
        accepted = self._buffer.put(key, payload, truncated, self._block_s)
        sender = self._sender
        # No os.getpid() here: it is a system call (~0.5 µs), and the fork hook (_lifecycle) already
        # clears _sender in a forked child.
        if sender is None or not sender.alive:
            self._ensure_started()
        return accepted

    # ---- the sender thread ----------------------------------------------------------------------

    def start(self) -> None:
        """Start the sender now rather than on the first event (e.g. to replay a spool at start-up)."""
        try:
            self._ensure_started()
        except Exception as exc:
            capture_internal_exception(exc)

    def _ensure_started(self) -> None:
        with self._start_lock:
            if self._pid != os.getpid():
                self._after_fork_locked()
            if self._closed:
                return
            sender = self._sender
            if sender is not None and sender.alive:
                return
            now = time.monotonic()
            if sender is not None and now - self._last_start < _RESTART_PAUSE_S:
                return  # it just died; do not spin
            self._last_start = now
            sender = Sender(self.config, self._buffer, self._spool, _lifecycle.move_exit_hook_first)
            thread = threading.Thread(target=sender.run, name=f"logwatch-producer-{self._service}", daemon=True)
            try:
                thread.start()
            except RuntimeError:
                # The interpreter is shutting down and refuses new threads: a counted drop, not a traceback.
                self._closed = True
                self._abandoned += self._resolve_without_thread()
                return
            self._sender, self._thread = sender, thread

    def _resolve_without_thread(self) -> int:
        """Spool or drop what is in memory when no sender thread can; returns how many were dropped."""
        with self._buffer.lock:
            self._buffer.closed = True
        leftovers = self._buffer.drain_all()
        if not leftovers:
            return 0
        if self._spool is not None:
            try:
                written = self._spool.write([(r[0], r[1]) for r in leftovers])
                self._buffer.mark_spooled(leftovers[:written])
                leftovers = leftovers[written:]
                self._spool.close()
            except OSError:
                pass
        self._buffer.mark_dropped(leftovers, "shutdown")
        return len(leftovers)

    def _after_fork(self) -> None:
        """In a forked child: the parent's thread, queue, connections and spool files stay the parent's."""
        self._start_lock = threading.Lock()
        with self._start_lock:
            self._after_fork_locked()

    def _after_fork_locked(self) -> None:
        self._pid = os.getpid()
        self._buffer.reset()
        self._buffer.closed = self._closed
        self._abandoned = 0
        self._sender = None
        self._thread = None
        self._last_start = 0.0
        if self._spool is not None:
            self._spool.forget_after_fork()

    # ---- flushing and closing -------------------------------------------------------------------

    def stats(self) -> ProducerStats:
        """A consistent snapshot of the counters."""
        return self._buffer.stats()

    @property
    def connected(self) -> bool:
        """True while the sender has a working connection to Kafka."""
        sender = self._sender
        return sender is not None and sender.connected

    def flush(self, timeout_s: float | None = None) -> int:
        """Wait until every queued event is resolved or the deadline passes; returns how many are pending.

        :param timeout_s: how long to wait; default ``close_timeout_s``.
        """
        deadline = time.monotonic() + (self.config.close_timeout_s if timeout_s is None else timeout_s)
        try:
            sender = self._sender
            if sender is None or sender.finished.is_set():
                return self._buffer.stats().queued
            self._buffer.poke()
            while self._buffer.queued and time.monotonic() < deadline:
                time.sleep(0.002)
            return self._buffer.stats().queued
        except Exception as exc:
            capture_internal_exception(exc)
            return self._buffer.stats().queued

    def close(self, timeout_s: float | None = None) -> int:
        """Deliver what can be delivered before the deadline, then stop; returns how many were not.

        Those are saved in the spool if there is one (``stats().spooled``), else counted as dropped
        (``shutdown``). Later ``emit()`` calls are dropped as ``shutdown``. Idempotent.

        :param timeout_s: how long to wait; default ``close_timeout_s`` (2 s).
        """
        timeout = self.config.close_timeout_s if timeout_s is None else max(0.0, timeout_s)
        deadline = time.monotonic() + timeout
        try:
            with self._start_lock:
                if self._closed:
                    return self._buffer.stats().queued + self._abandoned
                self._closed = True
                with self._buffer.lock:
                    self._buffer.closed = True
                sender, thread = self._sender, self._thread
            _lifecycle.untrack(self)
            if sender is not None and thread is not None and thread.is_alive():
                sender.request_stop(deadline - min(0.25, timeout * 0.2))
                thread.join(max(0.0, deadline - time.monotonic()) + 0.25)
                self._abandoned += sender.abandoned
            else:
                self._abandoned += self._resolve_without_thread()
            return self._buffer.stats().queued + self._abandoned
        except Exception as exc:
            capture_internal_exception(exc)
            return self._buffer.stats().queued

    async def aflush(self, timeout_s: float | None = None) -> int:
        """``flush`` without blocking the event loop."""
        return await asyncio.to_thread(self.flush, timeout_s)

    async def aclose(self, timeout_s: float | None = None) -> int:
        """``close`` without blocking the event loop."""
        return await asyncio.to_thread(self.close, timeout_s)

    def __enter__(self) -> LogProducer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
