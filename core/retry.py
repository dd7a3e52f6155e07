"""The one back-off every retry loop of logwatch uses: doubling waits with jitter, capped, reset on success.

Loops keep their own control flow (what counts as a failure, when to give up, how to wait interruptibly);
they take the length of each wait from here, so every loop backs off the same way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["backoff_s", "Backoff"]


def backoff_s(failures: int, initial_s: float, max_s: float, jitter: float, rng: random.Random) -> float:
    """The wait after the ``failures``-th failure in a row.

    :param failures: failures so far (1 for the first).
    :param initial_s: the wait after the first failure, before jitter.
    :param max_s: the cap of the doubling wait.
    :param jitter: the share of the wait drawn at random (0: none; 0.5: between half and all of it), so many
        clients that failed together do not retry together.
    :param rng: the source of jitter (a seeded one in tests).
    """
    base = min(max_s, initial_s * 2 ** max(0, failures - 1))
    return float(base * (1 - jitter * rng.random()))


@dataclass
class Backoff:
    """Counts failures in a row and says how long to wait before the next try.

    :param initial_s: the wait after the first failure, before jitter.
    :param max_s: the cap of the doubling wait.
    :param jitter: the share of each wait drawn at random.
    """

    initial_s: float = 0.5
    max_s: float = 30.0
    jitter: float = 0.2
    rng: random.Random = field(default_factory=random.Random, repr=False)
    failures: int = 0

    def next_s(self) -> float:
        """Count one more failure and return the wait before the next try."""
        self.failures += 1
        return backoff_s(self.failures, self.initial_s, self.max_s, self.jitter, self.rng)

    def reset(self) -> None:
        """A try succeeded: the next failure waits ``initial_s`` again."""
        self.failures = 0
