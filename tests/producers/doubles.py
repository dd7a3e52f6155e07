"""A Kafka stand-in injected at the transport boundary (``ProducerConfig.transport_factory``).

Used for the fast, deterministic unit tests; the behaviours that matter against the real thing are
covered again by the integration tests with a real broker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial

from producers import ProducerConfig
from producers.buffer import Flight
from producers.transport import Unreachable

__all__ = ["FakeBroker", "FakeTransport", "Retriable", "Fatal"]

Report = Callable[[BaseException | None], None]


class Retriable(Exception):
    """Like kafka-python's timeouts: Kafka is away, try again."""

    retriable = True


class Fatal(Exception):
    """Like kafka-python's RecordTooLarge / authorization errors: retrying cannot help."""

    retriable = False


class FakeBroker:
    """Holds what was 'delivered'; its switches change how the transports it builds behave.

    :param up: whether connecting and sending work.
    """

    def __init__(self, up: bool = True) -> None:
        self.up = up
        self.hold = False  # accept sends but do not acknowledge them yet
        self.reject = False  # acknowledge with a non-retriable error
        self.send_delay_s = 0.0  # how long send() blocks (kafka-python's max_block_ms)
        self.down_after: int | None = None  # go down once this many records have been taken
        self.records: list[tuple[bytes, bytes]] = []
        self.pending: list[tuple[bytes, bytes, Report]] = []
        self.connects = 0
        self.attempts = 0
        self.lock = threading.Lock()

    def factory(self, config: ProducerConfig) -> FakeTransport:
        self.attempts += 1
        if not self.up:
            raise Unreachable("fake broker is down")
        with self.lock:
            self.connects += 1
        return FakeTransport(self)

    def release(self) -> None:
        """Acknowledge everything held."""
        with self.lock:
            held, self.pending = self.pending, []
            self.records.extend((k, v) for k, v, _ in held)
        for _k, _v, callback in held:
            callback(None)

    def expire(self) -> None:
        """Fail everything held with a retriable error (kafka-python's delivery timeout)."""
        with self.lock:
            held, self.pending = self.pending, []
        for _k, _v, callback in held:
            callback(Retriable("delivery timed out"))

    def values(self) -> list[bytes]:
        with self.lock:
            return [v for _k, v in self.records]

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[bytes]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            values = self.values()
            if len(values) >= count:
                return values
            time.sleep(0.01)
        return self.values()


class FakeTransport:
    """Reports into the flight from whichever thread the broker acts on (the test's, for held records), like
    kafka-python's network thread."""

    def __init__(self, broker: FakeBroker) -> None:
        self.broker = broker

    def send(self, flight: Flight) -> None:
        for i, (key, value, _at, _origin) in enumerate(flight.records):
            flight.sent = i
            self._send_one(key, value, partial(self._report, flight, i))
        flight.sent = len(flight.records)

    def _send_one(self, key: bytes, value: bytes, callback: Report) -> None:
        broker = self.broker
        if broker.send_delay_s:
            time.sleep(broker.send_delay_s)
        if broker.down_after is not None and len(broker.records) >= broker.down_after:
            broker.up, broker.down_after = False, None
        if not broker.up:
            raise Retriable("metadata unavailable")
        if broker.reject:
            callback(Fatal("record rejected"))
            return
        if broker.hold:
            with broker.lock:
                broker.pending.append((key, value, callback))
            return
        with broker.lock:
            broker.records.append((key, value))
        callback(None)

    def probe(self) -> None:
        if not self.broker.up:
            raise Unreachable("fake broker is down")

    @staticmethod
    def _report(flight: Flight, index: int, exc: BaseException | None) -> None:
        if exc is None:
            flight.ack()
        else:
            flight.fail(index, exc)

    def poll(self) -> None:
        return None

    def close(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while self.broker.pending and self.broker.up and not self.broker.hold and time.monotonic() < deadline:
            time.sleep(0.01)
        self.broker.expire()
