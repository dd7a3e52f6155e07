"""Which offsets may be committed: the contiguous prefix of records whose alerts are finished.

Deliveries finish out of order (groups wait, receivers fail at different speeds); a partition's committed
offset only moves past a record once it and every record before it are delivered, suppressed, silenced or
dead-lettered. Everything after stays uncommitted and is read again after a restart.
"""

from __future__ import annotations

import threading
from collections import deque

from kafka.structs import TopicPartition

__all__ = ["OffsetTracker"]


class OffsetTracker:
    """Thread-safe: the consumer thread adds, worker threads mark done, the consumer thread commits."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[TopicPartition, deque[int]] = {}
        self._done: dict[TopicPartition, set[int]] = {}
        self._committable: dict[TopicPartition, int] = {}
        self._committed: dict[TopicPartition, int] = {}

    def add(self, tp: TopicPartition, offset: int) -> None:
        with self._lock:
            self._open.setdefault(tp, deque()).append(offset)
            self._done.setdefault(tp, set())

    def done(self, tp: TopicPartition, offset: int) -> None:
        with self._lock:
            pending = self._open.get(tp)
            if pending is None:
                return  # the partition was revoked meanwhile; its new owner reads the record again
            self._done[tp].add(offset)
            while pending and pending[0] in self._done[tp]:
                finished = pending.popleft()
                self._done[tp].discard(finished)
                self._committable[tp] = finished + 1

    def to_commit(self) -> dict[TopicPartition, int]:
        """Next offsets to commit where they moved since the last :meth:`committed`."""
        with self._lock:
            return {tp: off for tp, off in self._committable.items() if self._committed.get(tp) != off}

    def committed(self, offsets: dict[TopicPartition, int]) -> None:
        with self._lock:
            self._committed.update(offsets)

    def in_flight(self) -> int:
        with self._lock:
            return sum(len(q) for q in self._open.values())

    def forget(self, partitions: list[TopicPartition]) -> None:
        with self._lock:
            for tp in partitions:
                self._open.pop(tp, None)
                self._done.pop(tp, None)
                self._committable.pop(tp, None)
                self._committed.pop(tp, None)
