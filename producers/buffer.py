"""The bounded memory between emitting threads and the sender thread.

One lock guards the queues and every counter, so a snapshot always balances:
``emitted + replayed == sent + failed + dropped + queued``. Emitting threads only ever append under it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

__all__ = ["Buffer", "Flight", "Record", "ProducerStats", "RECORD_OVERHEAD_BYTES"]

# key, value, monotonic time it was emitted, and where it came from (None: emitted here; else its
# spool segment, which is deleted once all of its records are resolved).
Record = tuple[bytes, bytes, float, Any]

# Rough per-record cost of the tuple and bytes objects, so the byte bound tracks real memory.
RECORD_OVERHEAD_BYTES = 128

_keys, _values, _origins = itemgetter(0), itemgetter(1), itemgetter(3)


class Flight:
    """Records handed to the Kafka client in one call, and what the client has said about them so far.

    The client appends one entry to ``acks`` per acknowledged record and lists failures by index in ``failed``;
    one delivery callback shared by a flight costs the sender thread about a microsecond less per record than
    one bound to each record (``bench.bench_producer``). Appends, because kafka-python may report from its
    network thread and, for a record already done, from the sender thread at the same time (``+= 1`` could
    lose one). The sender reads them after ``poll()``.

    :param records: the records, in the order they are handed to the client.
    """

    __slots__ = ("records", "sent", "acks", "failed", "counted", "handled", "_unclaimed")

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.sent = 0  # how many the client queued; the transport sets it
        self.acks: list[None] = []
        self.failed: list[tuple[int, BaseException]] = []
        self.counted = 0  # acknowledgements the buffer has counted (sender thread)
        self.handled = 0  # failures the sender has handled
        self._unclaimed: dict[tuple[bytes, bytes], list[int]] | None = None

    def ack(self, *_report: object) -> None:
        """One record acknowledged (the client's report, if any, is not needed)."""
        self.acks.append(None)

    def ack_all(self) -> None:
        """Every record queued and acknowledged at once (a client that writes synchronously)."""
        self.sent = len(self.records)
        self.acks.extend([None] * self.sent)

    def fail(self, index: int, exc: BaseException) -> None:
        """``records[index]`` failed."""
        self.failed.append((index, exc))

    def index_of(self, key: bytes | None, value: bytes | None) -> int:
        """The index of a record the client names only by its content (librdkafka's reports): the first not
        yet named. Records of equal content are interchangeable here."""
        if self._unclaimed is None:
            self._unclaimed = {}
            for i, rec in enumerate(self.records):
                self._unclaimed.setdefault((rec[0], rec[1]), []).append(i)
        return self._unclaimed[(key or b"", value or b"")].pop(0)

    @property
    def resolved(self) -> bool:
        return self.counted + self.handled >= self.sent


@dataclass(frozen=True)
class ProducerStats:
    """Counters of one producer. ``emitted + replayed == sent + failed + dropped_total + queued`` always.

    :param emitted: calls to ``emit()``/``send_raw()`` (accepted or not).
    :param sent: acknowledged by Kafka.
    :param failed: rejected by Kafka with an error that retrying cannot fix.
    :param dropped: discarded by us, by reason (queue_full, oversize, serialize_error, broker_timeout,
        shutdown, spool_full, spool_error, spool_corrupt, internal_error).
    :param queued: not yet resolved: in memory, in flight, or saved in the spool.
    :param spooled: how many of ``queued`` are saved on disk in the spool.
    :param replayed: events loaded from spool files a previous process left behind.
    :param truncated: events that were cut to fit ``max_event_bytes`` (still delivered).
    """

    emitted: int
    sent: int
    failed: int
    dropped: dict[str, int] = field(default_factory=dict)
    queued: int = 0
    spooled: int = 0
    replayed: int = 0
    truncated: int = 0

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())

    @property
    def balanced(self) -> bool:
        """True when every event is accounted for exactly once."""
        return self.emitted + self.replayed == self.sent + self.failed + self.dropped_total + self.queued


class Buffer:
    """Records waiting for the sender, records handed back for another try, and records in flight."""

    def __init__(self, max_events: int, max_bytes: int, drop_old: bool, timed: bool = False) -> None:
        self.timed = timed  # stamp records with their age (only give_up_after_s needs it)
        self.max_events = max_events
        self.max_bytes = max_bytes
        self.drop_old = drop_old
        self.reset()

    def reset(self) -> None:
        """Fresh locks, queues and counters (also in a forked child: the copies belong to the parent)."""
        self.lock = threading.Lock()
        self._wake = threading.Condition(self.lock)
        self._space = threading.Condition(self.lock)
        self.queue: deque[Record] = deque()
        self.retry: deque[Record] = deque()
        self.inflight: list[Flight] = []
        self.mem_events = 0
        self.mem_bytes = 0
        self.sender_waiting = False
        self.space_waiters = 0
        self.closed = False
        self.emitted = self.sent = self.failed = self.queued = 0
        self.spooled = self.replayed = self.truncated = 0
        self.dropped: dict[str, int] = {}

    # ---- emitting threads -------------------------------------------------------------------------

    def put(self, key: bytes, value: bytes, truncated: bool, block_s: float) -> bool:
        """Append one record if the bounds allow; else drop it (or the oldest) and count why."""
        size = len(key) + len(value) + RECORD_OVERHEAD_BYTES
        with self.lock:
            self.emitted += 1
            if self.closed:
                self._drop_locked("shutdown")
                return False
            if self.mem_events >= self.max_events or self.mem_bytes + size > self.max_bytes:
                if not self._make_room_locked(size, block_s):
                    self._drop_locked("queue_full")
                    return False
            self.queue.append((key, value, time.monotonic() if self.timed else 0.0, None))
            self.mem_events += 1
            self.mem_bytes += size
            self.queued += 1
            if truncated:
                self.truncated += 1
            if self.sender_waiting:
                self.sender_waiting = False
                self._wake.notify()
            return True

    def _make_room_locked(self, size: int, block_s: float) -> bool:
        if self.drop_old:
            while self.queue and (self.mem_events >= self.max_events or self.mem_bytes + size > self.max_bytes):
                self._release_locked(self.queue.popleft())
                self.queued -= 1
                self._drop_locked("queue_full")
            return self.mem_events < self.max_events and self.mem_bytes + size <= self.max_bytes
        if block_s <= 0:
            return False
        deadline = time.monotonic() + block_s
        while self.mem_events >= self.max_events or self.mem_bytes + size > self.max_bytes:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closed:
                return False
            self.space_waiters += 1
            try:
                self._space.wait(remaining)
            finally:
                self.space_waiters -= 1
        return True

    def count_drop(self, reason: str) -> None:
        """An emit that never became a record (serialize_error, oversize, internal_error)."""
        with self.lock:
            self.emitted += 1
            self._drop_locked(reason)

    # ---- sender thread ------------------------------------------------------------------------------

    def take(self, limit: int | None = None) -> list[Record]:
        """Records to send next: handed-back ones first, then new ones (all of them, or ``limit``)."""
        with self.lock:
            if limit is None and not self.retry:
                # Swap rather than copy: emitting threads wait on this lock.
                taken, self.queue = self.queue, deque()
                return list(taken)
            out: list[Record] = []
            for source in (self.retry, self.queue):
                while source and (limit is None or len(out) < limit):
                    out.append(source.popleft())
            return out

    def has_records(self) -> bool:
        return bool(self.queue or self.retry)

    def wait_for_work(self, timeout_s: float, want_records: bool) -> None:
        """Sleep until a record arrives (if ``want_records``), ``poke()`` is called, or the timeout."""
        with self.lock:
            if want_records and (self.queue or self.retry):
                return
            self.sender_waiting = want_records
            self._wake.wait(timeout_s)
            self.sender_waiting = False

    def poke(self) -> None:
        with self.lock:
            self._wake.notify_all()

    def requeue(self, records: Iterable[Record]) -> None:
        """Hand records back for another try, ahead of new ones, in their original order."""
        with self.lock:
            self.retry.extendleft(reversed(list(records)))

    def load_replay(self, records: list[Record], own: bool) -> None:
        """Records read back from a spool segment; own ones were already counted as queued."""
        with self.lock:
            if own:
                self.spooled -= len(records)
            else:
                self.replayed += len(records)
                self.queued += len(records)
            self.retry.extend(records)

    def add_replay_loss(self, count: int, own: bool, reason: str) -> None:
        """Records of a spool segment that could not be read back."""
        with self.lock:
            if own:
                self.spooled -= count
            else:
                self.replayed += count
                self.queued += count
            for _ in range(count):
                self._drop_locked(reason)
                self.queued -= 1

    # ---- resolution (sender thread) ------------------------------------------------------------------

    def launch(self, flight: Flight) -> None:
        """The flight's records are being handed to the client: they are in flight until it lands."""
        with self.lock:
            self.inflight.append(flight)

    def count_acks(self, flight: Flight) -> int:
        """Count the flight's acknowledgements since the last call; returns how many were new."""
        new = len(flight.acks) - flight.counted
        if new:
            flight.counted += new
            with self.lock:
                self.sent += new
                self.queued -= new
        return new

    def land(self, flight: Flight) -> None:
        """A resolved flight leaves memory: its acknowledged records' room is given back in one step (its failed
        ones were released or handed back when they were handled)."""
        records = flight.records[: flight.sent]
        if flight.failed:
            failed = {i for i, _ in flight.failed}
            records = [r for i, r in enumerate(records) if i not in failed]
        with self.lock:
            self.inflight.remove(flight)
            if any(map(_origins, records)):  # replayed from the spool: a record at a time
                for rec in records:
                    self._release_locked(rec)
                return
            # All emitted here (the common case): summed in C, not per record in Python.
            self.mem_events -= len(records)
            self.mem_bytes -= sum(map(len, map(_keys, records))) + sum(map(len, map(_values, records)))
            self.mem_bytes -= len(records) * RECORD_OVERHEAD_BYTES
            if records and self.space_waiters:
                self._space.notify_all()

    def mark_failed(self, records: Iterable[Record]) -> None:
        with self.lock:
            for rec in records:
                self._release_locked(rec)
                self.failed += 1
                self.queued -= 1

    def mark_dropped(self, records: Iterable[Record], reason: str) -> None:
        with self.lock:
            for rec in records:
                self._release_locked(rec)
                self._drop_locked(reason)
                self.queued -= 1

    def mark_spooled(self, records: Iterable[Record]) -> None:
        """Records now safe on disk: they leave memory but stay queued."""
        with self.lock:
            for rec in records:
                self._release_locked(rec)
                self.spooled += 1

    def drain_all(self) -> list[Record]:
        """Everything still in memory, in flight included, taken out at once (shutdown).

        Both clients report every record by the time they are closed; were a flight still open, its records
        without a report are taken from its end (a partition's records are acknowledged in order).
        """
        with self.lock:
            out = list(self.retry) + list(self.queue)
            for flight in self.inflight:
                failed = {i for i, _ in flight.failed[: flight.handled]}
                open_ = [r for i, r in enumerate(flight.records[: flight.sent]) if i not in failed]
                unreported = flight.sent - flight.counted - flight.handled
                out.extend(open_[len(open_) - unreported :] if unreported > 0 else [])
            self.retry.clear()
            self.queue.clear()
            self.inflight.clear()
            return out

    def in_memory(self) -> int:
        with self.lock:
            return self.queued - self.spooled

    def stats(self) -> ProducerStats:
        with self.lock:
            return ProducerStats(
                emitted=self.emitted,
                sent=self.sent,
                failed=self.failed,
                dropped=dict(self.dropped),
                queued=self.queued,
                spooled=self.spooled,
                replayed=self.replayed,
                truncated=self.truncated,
            )

    # ---- helpers (lock held) ------------------------------------------------------------------------

    def _drop_locked(self, reason: str) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + 1

    def _release_locked(self, rec: Record) -> None:
        origin = rec[3]
        if origin is None:
            self.mem_events -= 1
            self.mem_bytes -= len(rec[0]) + len(rec[1]) + RECORD_OVERHEAD_BYTES
            if self.space_waiters:
                self._space.notify()
        else:
            origin.resolved += 1
