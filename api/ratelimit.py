"""Per-identity limits: token buckets (a steady rate with a burst allowance, bounded in memory), and a cap on
how many searches one identity has running at once."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

__all__ = ["RateLimiter", "ConcurrencyLimiter", "MAX_SEARCHES_PER_IDENTITY"]

MAX_SEARCHES_PER_IDENTITY = 4


class RateLimiter:
    """Token bucket per key.

    :param rate_per_s: tokens added per second (0 or less disables limiting).
    :param burst: bucket size.
    :param max_keys: identities remembered; the least recently seen are forgotten first.
    :param clock: monotonic clock in seconds (injectable for tests).
    """

    def __init__(
        self,
        rate_per_s: float,
        burst: int,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate_per_s = rate_per_s
        self.burst = max(1, burst)
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.rate_per_s > 0

    def acquire(self, key: str) -> float:
        """Take one token for ``key``; returns 0 when allowed, else the seconds until one is available."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        tokens, last = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate_per_s)
        wait_s = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait_s = (1.0 - tokens) / self.rate_per_s
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait_s


class ConcurrencyLimiter:
    """At most ``limit`` requests in progress per key; the others wait their turn.

    The rate limiter lets a burst of requests in at once; this keeps the Elasticsearch work one identity has
    running at a time small (a 2-core node has a small search thread pool), at the cost of a waiting coroutine.

    :param limit: requests in progress per key.
    """

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._slots: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Wait for one of ``key``'s slots and keep it for the ``async with`` block."""
        semaphore, users = self._slots.get(key, (asyncio.Semaphore(self.limit), 0))
        self._slots[key] = (semaphore, users + 1)
        try:
            async with semaphore:
                yield
        finally:
            semaphore, users = self._slots[key]
            if users <= 1:
                del self._slots[key]  # only keys in use are remembered
            else:
                self._slots[key] = (semaphore, users - 1)
