"""Retries of one delivery: :mod:`core.retry`'s back-off, honouring a server's retry-after hint, within a deadline."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from alerting.errors import DeliveryError
from alerting.senders.base import AlertGroup, Sender
from core import retry

__all__ = ["RetryPolicy", "Outcome", "deliver"]

logger = logging.getLogger(__name__)

# Up to half of each wait is random, so receivers that failed together do not retry together.
_JITTER = 0.5


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one delivery tries.

    :param max_attempts: attempts in total, the first included.
    :param initial_backoff_s: the wait before the second attempt (before jitter).
    :param max_backoff_s: the cap of the doubling wait.
    :param deadline_s: the whole delivery's budget; a Retry-After beyond it fails the delivery at once.
    """

    max_attempts: int = 5
    initial_backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    deadline_s: float = 120.0

    def backoff_s(self, failures: int, rng: random.Random) -> float:
        """Wait after the ``failures``-th failure: doubling from the initial wait, jittered in [b/2, b].

        :param failures: failures so far (1 for the first).
        :param rng: jitter source.
        """
        return retry.backoff_s(failures, self.initial_backoff_s, self.max_backoff_s, _JITTER, rng)


@dataclass(frozen=True)
class Outcome:
    """How a delivery ended: ``error`` is None when sent; ``aborted`` when shutdown cut the retries."""

    attempts: int
    elapsed_s: float
    error: DeliveryError | None = None
    aborted: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.aborted


def deliver(
    sender: Sender,
    group: AlertGroup,
    policy: RetryPolicy,
    stop: threading.Event,
    rng: random.Random | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Outcome:
    """Send ``group`` with retries; never raises.

    :param sender: the receiver's sender.
    :param group: what to send.
    :param policy: attempts, backoff and deadline.
    :param stop: set at shutdown; waits end at once and the outcome is ``aborted`` (the alert is not
        dead-lettered: its offset stays uncommitted and it is read again after the restart).
    :param rng: jitter source (a seeded one in tests).
    :param clock: monotonic clock.
    """
    rng = rng or random.Random()
    started = clock()
    attempt = 0
    while True:
        attempt += 1
        try:
            sender.send(group)
            return Outcome(attempt, clock() - started)
        except DeliveryError as exc:
            error = exc
        except Exception as exc:  # a bug in a sender must not kill its worker; retrying will not fix it
            logger.exception("sender crashed receiver=%s route=%s", sender.name, group.route)
            error = DeliveryError(
                f"The {sender.type_name} sender crashed ({type(exc).__name__}); report this with the log.",
                permanent=True,
            )
        elapsed_s = clock() - started
        if error.permanent or attempt >= policy.max_attempts:
            return Outcome(attempt, elapsed_s, error)
        wait_s = policy.backoff_s(attempt, rng)
        if error.retry_after_s is not None:
            wait_s = max(wait_s, error.retry_after_s)
        if elapsed_s + wait_s > policy.deadline_s:
            late = DeliveryError(
                f"{error} Giving up: the next try would be after the {policy.deadline_s:g} s delivery deadline.",
                retry_after_s=error.retry_after_s,
                reply=error.reply,
            )
            return Outcome(attempt, elapsed_s, late)
        logger.debug("retrying receiver=%s route=%s attempt=%d wait_s=%.2f", sender.name, group.route, attempt, wait_s)
        if stop.wait(wait_s):
            return Outcome(attempt, clock() - started, error, aborted=True)
