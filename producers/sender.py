"""The background sender thread: the only code that talks to Kafka.

It connects lazily with exponential back-off, hands records to the transport, takes back the ones Kafka
could not take (they are retried, or moved to the spool while Kafka is away), replays the spool when
Kafka is back, and on stop resolves everything left: delivered, spooled, or counted as dropped.
An outage is logged once when it starts and once when it ends.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from producers._internal import capture_internal_exception
from producers.buffer import Buffer, Flight, Record
from producers.config import ProducerConfig
from producers.spool import Segment, Spool
from producers.transport import Transport, transport_class

__all__ = ["Sender"]

logger = logging.getLogger(__name__)

_MIN_BACKOFF_S = 0.25
_POLL_S = 0.005
_BUSY_POLLS = 20  # 100 ms without events and the sender sleeps until an emit wakes it
_SPOOL_RESCAN_S = 5.0
# Records per call to the client: memory comes back a flight at a time, and the stop deadline is checked
# between flights.
_FLIGHT = 1024


def _retriable(exc: BaseException) -> bool:
    return bool(getattr(exc, "retriable", False)) or isinstance(exc, TimeoutError | ConnectionError)


class Sender:
    """Runs in its own daemon thread (``run``); other threads only call ``request_stop`` and read state.

    :param config: the producer's options.
    :param buffer: the shared bounded memory.
    :param spool: the disk spool, or None.
    :param on_connect: called after each new Kafka client is built (re-orders the exit hooks).
    """

    def __init__(
        self, config: ProducerConfig, buffer: Buffer, spool: Spool | None, on_connect: Callable[[], None]
    ) -> None:
        self._config = config
        self._buffer = buffer
        self._spool = spool
        self._on_connect = on_connect
        self._factory: Callable[[ProducerConfig], Transport] = config.transport_factory or transport_class(config)
        self._transport: Transport | None = None
        self._state_lock = threading.Lock()
        self.outage_since: float | None = None
        self._backoff_s = 0.0
        self._next_attempt = 0.0
        self._last_progress = time.monotonic()
        self._stall_s = config.request_timeout_ms / 1000 * 1.5
        self._stop_deadline: float | None = None
        self._closing_transport = False
        self._replaying: list[Segment] = []
        self._next_spool_scan = 0.0
        self._warned: set[str] = set()
        self._give_up_s = config.give_up_after_s
        self.finished = threading.Event()
        # Events still undelivered at the stop deadline that could not be spooled (dropped as shutdown).
        self.abandoned = 0
        # A plain attribute, read on every emit (cheaper than Event.is_set()).
        self.alive = True

    # ---- called from other threads ------------------------------------------------------------

    @property
    def outage(self) -> bool:
        return self.outage_since is not None

    @property
    def connected(self) -> bool:
        return self._transport is not None and self.outage_since is None

    def request_stop(self, deadline: float) -> None:
        """Finish by ``deadline`` (monotonic): deliver what can be delivered, then spool or drop the rest."""
        self._stop_deadline = deadline
        self._buffer.poke()

    # ---- the thread -----------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self._loop()
        except Exception as exc:
            capture_internal_exception(exc)
        finally:
            try:
                self._shutdown()
            except Exception as exc:
                capture_internal_exception(exc)
            self.alive = False
            self.finished.set()

    def _loop(self) -> None:
        buf = self._buffer
        idle_polls = _BUSY_POLLS
        while True:
            now = time.monotonic()
            self._finish_segments()
            deadline = self._stop_deadline
            stopping = deadline is not None
            if deadline is not None and (now >= deadline or self._idle()):
                return
            self._check_stall(now)
            if self._transport is not None:
                self._poll(self._transport)
            if self._transport is None:
                if now >= self._next_attempt:
                    self._connect()
            elif self.outage_since is not None and not buf.inflight and now >= self._next_attempt:
                self._probe()
            if self.connected:
                if self._spool is not None and not stopping and not buf.retry and len(self._replaying) < 2:
                    self._load_from_spool(now)
                batch = buf.take()
                if batch:
                    self._send(batch)
                    idle_polls = 0
                else:
                    idle_polls += 1
                if buf.inflight or (idle_polls < _BUSY_POLLS and not stopping):
                    # While events keep coming, poll: waking this thread from emit() costs the host a
                    # syscall per event (tens of µs on a busy VM); polling costs it nothing. Records in
                    # flight keep it polling too: their outcomes are collected by transport.poll().
                    buf.wait_for_work(_POLL_S, want_records=False)
                else:
                    buf.wait_for_work(0.05 if stopping else 0.5, want_records=True)
            else:
                if self._spool is not None and buf.has_records():
                    self._to_spool(buf.take())
                pause = min(self._next_attempt - time.monotonic(), 0.05 if self._spool else 0.5)
                if deadline is not None:
                    pause = min(pause, deadline - time.monotonic())
                buf.wait_for_work(max(0.005, pause), want_records=False)

    def _idle(self) -> bool:
        buf = self._buffer
        return not (buf.queue or buf.retry or buf.inflight or self._replaying)

    # ---- connecting -----------------------------------------------------------------------------

    def _connect(self) -> None:
        try:
            transport = self._factory(self._config)
        except Exception as exc:
            self._enter_outage(f"cannot connect: {exc}")
            self._schedule_retry()
            return
        self._transport = transport
        try:
            self._on_connect()
        except Exception as exc:
            capture_internal_exception(exc)
        self._recovered()

    def _probe(self) -> None:
        assert self._transport is not None
        try:
            self._transport.probe()
        except Exception:
            self._schedule_retry()
            return
        self._recovered()

    def _schedule_retry(self) -> None:
        ceiling = self._config.reconnect_backoff_max_ms / 1000
        self._backoff_s = min(ceiling, max(_MIN_BACKOFF_S, self._backoff_s * 2))
        self._next_attempt = time.monotonic() + self._backoff_s * random.uniform(0.8, 1.2)

    def _check_stall(self, now: float) -> None:
        if self.outage_since is None and self._buffer.inflight and now - self._last_progress > self._stall_s:
            self._enter_outage(f"no acknowledgement for {self._stall_s:.0f} s")
            self._schedule_retry()

    def _enter_outage(self, reason: str) -> None:
        with self._state_lock:
            if self.outage_since is not None:
                return
            self.outage_since = time.monotonic()
        where = f"spool {self._spool.directory}" if self._spool else "memory"
        logger.warning(
            'kafka unavailable, buffering in %s bootstrap="%s" topic="%s" reason="%s"',
            where,
            self._config.bootstrap_servers,
            self._config.topic,
            reason,
        )

    def _recovered(self) -> None:
        with self._state_lock:
            since = self.outage_since
            self.outage_since = None
            self._backoff_s = 0.0
            self._last_progress = time.monotonic()
        if since is not None:
            logger.warning(
                'kafka available again bootstrap="%s" topic="%s" outage_s=%.1f',
                self._config.bootstrap_servers,
                self._config.topic,
                time.monotonic() - since,
            )

    # ---- sending --------------------------------------------------------------------------------

    def _send(self, batch: list[Record]) -> None:
        transport = self._transport
        assert transport is not None
        buf = self._buffer
        if not buf.inflight:
            self._last_progress = time.monotonic()
        for start in range(0, len(batch), _FLIGHT):
            if start and self._stop_deadline is not None and time.monotonic() >= self._stop_deadline:
                buf.requeue(batch[start:])  # a slow client must not carry the stop past its deadline
                return
            left = self._fly(transport, batch[start : start + _FLIGHT])
            if left:
                buf.requeue(left + batch[start + _FLIGHT :])  # one call: the order is kept
                return

    def _fly(self, transport: Transport, records: list[Record]) -> list[Record]:
        """Hand records to the client; returns the ones it did not take because Kafka is away (none: all taken)."""
        buf = self._buffer
        while records:
            flight = Flight(records)
            buf.launch(flight)
            try:
                transport.send(flight)
                return []
            except Exception as exc:
                refused, rest = records[flight.sent], records[flight.sent + 1 :]
                flight.records = records[: flight.sent]
                if _retriable(exc):
                    self._enter_outage(f"send failed: {exc}")
                    self._schedule_retry()
                    return [refused, *rest]
                buf.mark_failed([refused])
                self._warn_once(exc)
                records = rest
        return []

    def _poll(self, transport: Transport) -> None:
        """Count what the client reported: acknowledgements a flight at a time, failures one by one."""
        try:
            transport.poll()
        except Exception as exc:
            capture_internal_exception(exc)
            return
        buf = self._buffer
        progressed = False
        for flight in list(buf.inflight):
            if buf.count_acks(flight):
                progressed = True
            while flight.handled < len(flight.failed):
                index, error = flight.failed[flight.handled]
                flight.handled += 1
                self._failed(flight.records[index], error)
            if flight.resolved:
                buf.land(flight)
        if progressed:
            self._last_progress = time.monotonic()
            if self.outage_since is not None:
                self._recovered()

    def _failed(self, rec: Record, exc: BaseException) -> None:
        buf = self._buffer
        if self._closing_transport:
            buf.requeue([rec])  # resolved by the shutdown that is closing the transport
        elif _retriable(exc):
            if self._give_up_s is not None and time.monotonic() - rec[2] > self._give_up_s:
                buf.mark_dropped([rec], "broker_timeout")
            else:
                buf.requeue([rec])
                self._enter_outage(f"delivery failed: {exc}")
        else:
            buf.mark_failed([rec])
            self._warn_once(exc)

    def _warn_once(self, exc: BaseException) -> None:
        kind = type(exc).__name__
        if kind not in self._warned:
            self._warned.add(kind)
            logger.warning('kafka rejected events topic="%s" error="%s: %s"', self._config.topic, kind, exc)

    # ---- spool ----------------------------------------------------------------------------------

    def _to_spool(self, records: list[Record]) -> int:
        """Move records to disk; returns how many had to be dropped instead."""
        if not records or self._spool is None:
            return 0
        buf = self._buffer
        try:
            written = self._spool.write([(r[0], r[1]) for r in records])
        except OSError as exc:
            self._warn_once(exc)
            buf.mark_dropped(records, "spool_error")
            return len(records)
        buf.mark_spooled(records[:written])
        self._next_spool_scan = 0.0
        if written < len(records):
            buf.mark_dropped(records[written:], "spool_full")
            if "spool_full" not in self._warned:
                self._warned.add("spool_full")
                logger.warning(
                    'spool full, dropping events spool="%s" max_bytes=%d',
                    self._spool.directory,
                    self._spool.max_bytes,
                )
        return len(records) - written

    def _load_from_spool(self, now: float) -> None:
        spool = self._spool
        if spool is None or now < self._next_spool_scan:
            return
        seg = spool.claim_next()
        if seg is None:
            self._next_spool_scan = now + _SPOOL_RESCAN_S
            return
        try:
            pairs, bad_bytes = spool.read(seg)
        except OSError as exc:
            self._warn_once(exc)
            spool.forget(seg)
            return
        if seg.own and seg.written > len(pairs):
            self._buffer.add_replay_loss(seg.written - len(pairs), True, "spool_corrupt")
        elif not seg.own and bad_bytes:
            self._buffer.add_replay_loss(1, False, "spool_corrupt")
        self._buffer.load_replay([(k, v, now, seg) for k, v in pairs], seg.own)
        self._replaying.append(seg)
        logger.debug('replaying spool segment path="%s" events=%d own=%s', seg.path, len(pairs), seg.own)

    def _finish_segments(self) -> None:
        if self._spool is None or not self._replaying:
            return
        for seg in [s for s in self._replaying if s.done]:
            self._replaying.remove(seg)
            self._spool.release(seg)

    # ---- stopping -------------------------------------------------------------------------------

    def _shutdown(self) -> None:
        transport, self._transport = self._transport, None
        if transport is not None:
            remaining = (self._stop_deadline or time.monotonic()) - time.monotonic()
            self._closing_transport = True
            try:
                transport.close(max(0.0, remaining))
            except Exception as exc:
                capture_internal_exception(exc)
            self._poll(transport)
        leftovers = self._buffer.drain_all()
        if self._spool is not None:
            self.abandoned = self._to_spool(leftovers)
            self._finish_segments()
            for seg in self._replaying:
                self._spool.forget(seg)
            self._replaying.clear()
            self._spool.close()
        else:
            self.abandoned = len(leftovers)
            self._buffer.mark_dropped(leftovers, "shutdown")
