"""Decides what happens to each alert on each route, groups, and hands groups to one worker per receiver.

For every route an alert matches, in order: a silence silences it; the same ``alert_id`` and status already
delivered (or on its way) is a duplicate; a firing alert whose rule and service were notified within the
route's ``repeat_interval_s`` (and not resolved since) is suppressed; a resolved alert goes out only where a
firing notice for its rule and service is open. What is left joins the route's pending group (ElastAlert's
``add_aggregated_alert``), which goes out ``group_wait_s`` after it opened. Each receiver has its own worker
thread and queue, so a channel that keeps failing holds up nobody else; after the last retry the alerts go to
``alerts.dlq``. A delivery is recorded in the store before its alerts count as done (and their offsets may be
committed).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from alerting.deadletter import DeadLetter, SourceRecord
from alerting.retry import RetryPolicy, deliver
from alerting.routing import Route, Routing
from alerting.senders.base import AlertGroup, Sender
from alerting.silences import SilenceCache
from alerting.status import Counters
from alerting.store import DeliveryStore
from core.alert import Alert
from core.contract import rfc3339

__all__ = ["Dispatcher", "Ticket"]

logger = logging.getLogger(__name__)

_DUPLICATE = "duplicate"


class Ticket:
    """One consumed alert's outstanding route deliveries; ``on_done`` runs once when the last one finishes."""

    def __init__(self, count: int, on_done: Callable[[], None]) -> None:
        self._count = count
        self._on_done = on_done
        self._lock = threading.Lock()

    def finish(self) -> None:
        with self._lock:
            self._count -= 1
            last = self._count == 0
        if last:
            self._on_done()


@dataclass
class _Item:
    alert: Alert
    source: SourceRecord
    ticket: Ticket


@dataclass
class _Group:
    route: Route
    due_at: float
    items: list[_Item] = field(default_factory=list)


def _entry(route: Route, sender: Sender, status: str, error: str | None = None) -> dict[str, Any]:
    return {
        "route": route.name,
        "sender": sender.type_name,
        "target": sender.describe(),
        "status": status,
        "at": rfc3339(datetime.now(UTC)),
        "error": error,
    }


class Dispatcher:
    """Routing decisions on the consumer thread, deliveries on one worker thread per receiver.

    :param routing: routes and their senders.
    :param store: durable delivery state and history.
    :param silences: active silences.
    :param policy: retries of each delivery.
    :param dead_letter: where alerts go after the last retry.
    :param counters: shared counters for the status file.
    :param public_url: dashboard base URL for links.
    :param clock: monotonic clock (group due times).
    """

    def __init__(
        self,
        routing: Routing,
        store: DeliveryStore,
        silences: SilenceCache,
        policy: RetryPolicy,
        dead_letter: DeadLetter,
        counters: Counters,
        public_url: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._routing = routing
        self._store = store
        self._silences = silences
        self._policy = policy
        self._dead_letter = dead_letter
        self._counters = counters
        self._public_url = public_url
        self._clock = clock
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._groups: dict[tuple[str, tuple[str, ...]], _Group] = {}
        # Work not yet recorded in the store, so a repeat arriving meanwhile is still recognised.
        self._inflight_ids: dict[str, set[tuple[str, str]]] = {r.name: set() for r in routing.routes}
        self._inflight_firing: dict[str, Counter[str]] = {r.name: Counter() for r in routing.routes}
        self._queues: dict[str, queue.Queue[tuple[Route, list[_Item]]]] = {}
        self._threads: list[threading.Thread] = []
        self._failing: set[str] = set()

    def start(self) -> None:
        for name in {r.receiver for r in self._routing.routes}:
            self._queues[name] = queue.Queue()
            thread = threading.Thread(target=self._work, args=(name,), name=f"alerting-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the workers after their current delivery; unsent groups stay uncommitted (read again)."""
        self._stop.set()
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def pending(self) -> int:
        with self._lock:
            return sum(len(g.items) for g in self._groups.values())

    # -- decisions (consumer thread) ---------------------------------------------------------------

    def _reason(self, route: Route, alert: Alert) -> str | None:
        ident = (alert.alert_id, alert.status)
        firing = self._inflight_firing[route.name]
        if ident in self._inflight_ids[route.name] or self._store.delivered(route.name, *ident):
            return _DUPLICATE
        notice = self._store.notice(route.name, alert.key)
        if alert.status == "resolved":
            if not route.send_resolved:
                return "resolved notices are off for this route"
            if (notice is None or not notice.open) and not firing[alert.key]:
                return "no firing notice was sent for this rule and service"
            return None
        if firing[alert.key]:
            return "a firing notice for this rule and service is already on its way"
        if notice and notice.open and time.time() - notice.last_firing_at < route.repeat_interval_s:
            return f"repeat within the route's {route.repeat_interval_s:g} s repeat interval"
        return None

    def submit(self, alert: Alert, source: SourceRecord, on_done: Callable[[], None]) -> None:
        """Decide for every matching route; ``on_done`` runs when nothing is left to deliver."""
        # No separate "received" write: recording the decisions creates the history document (one fsync less).
        routes = self._routing.match(alert)
        if not routes:
            self._store.record_many(
                alert,
                [
                    {
                        "route": "",
                        "sender": "",
                        "target": "",
                        "status": "suppressed",
                        "at": rfc3339(datetime.now(UTC)),
                        "error": "no route matches",
                    }
                ],
            )
            logger.info(
                'alert matches no route alert_id="%s" rule="%s" service="%s"',
                alert.alert_id,
                alert.rule,
                alert.service,
            )
            self._counters.add(suppressed=1)
            on_done()
            return
        silence = self._silences.match(alert)
        if silence is not None:
            note = f"silence {silence.id}" + (f": {silence.comment}" if silence.comment else "")
            self._store.record_many(
                alert, [_entry(r, self._routing.receivers[r.receiver], "silenced", note) for r in routes]
            )
            self._counters.add(silenced=1)
            on_done()
            return
        accepted: list[Route] = []
        entries = []
        with self._lock:
            for route in routes:
                sender = self._routing.receivers[route.receiver]
                reason = self._reason(route, alert)
                if reason == _DUPLICATE:
                    logger.info(
                        'duplicate not sent again alert_id="%s" status="%s" route="%s"',
                        alert.alert_id,
                        alert.status,
                        route.name,
                    )
                elif reason:
                    entries.append(_entry(route, sender, "suppressed", reason))
                else:
                    accepted.append(route)
                    entries.append(_entry(route, sender, "grouped" if route.group_wait_s else "pending"))
                    self._inflight_ids[route.name].add((alert.alert_id, alert.status))
                    if alert.status == "firing":
                        self._inflight_firing[route.name][alert.key] += 1
            if entries:
                self._store.record_many(alert, entries)
            if not accepted:
                self._counters.add(suppressed=1)
                on_done()
                return
            ticket = Ticket(len(accepted), on_done)
            for route in accepted:
                group = self._groups.setdefault(
                    (route.name, route.group_key(alert)), _Group(route, self._clock() + route.group_wait_s)
                )
                group.items.append(_Item(alert, source, ticket))

    def tick(self) -> None:
        """Hand every group whose wait is over to its receiver's worker."""
        now = self._clock()
        with self._lock:
            due = [key for key, group in self._groups.items() if group.due_at <= now]
            groups = [self._groups.pop(key) for key in due]
        for group in groups:
            keep = []
            for item in group.items:
                silence = self._silences.match(item.alert)
                if silence is None:
                    keep.append(item)
                    continue
                sender = self._routing.receivers[group.route.receiver]
                self._store.record([item.alert], _entry(group.route, sender, "silenced", f"silence {silence.id}"))
                self._release(group.route, [item])
                self._counters.add(silenced=1)
                item.ticket.finish()
            if keep:
                self._queues[group.route.receiver].put((group.route, keep))

    def _release(self, route: Route, items: list[_Item]) -> None:
        with self._lock:
            for item in items:
                self._inflight_ids[route.name].discard((item.alert.alert_id, item.alert.status))
                if item.alert.status == "firing":
                    self._inflight_firing[route.name][item.alert.key] -= 1
                    if self._inflight_firing[route.name][item.alert.key] <= 0:
                        del self._inflight_firing[route.name][item.alert.key]

    # -- deliveries (one worker thread per receiver) -----------------------------------------------

    def _work(self, receiver: str) -> None:
        jobs = self._queues[receiver]
        while not self._stop.is_set():
            try:
                route, items = jobs.get(timeout=0.2)
            except queue.Empty:
                continue
            if receiver in self._failing:
                items = self._merge_backlog(jobs, route, items)
            try:
                self._deliver(receiver, route, items)
            except Exception as exc:  # the worker must outlive any bug, and the offsets must move on
                logger.exception('delivery crashed receiver="%s" route="%s"', receiver, route.name)
                sender = self._routing.receivers[receiver]
                self._give_up(route, sender, items, f"Delivery crashed ({type(exc).__name__}); report this.")

    @staticmethod
    def _merge_backlog(jobs: queue.Queue[tuple[Route, list[_Item]]], route: Route, items: list[_Item]) -> list[_Item]:
        """While a receiver is failing, one attempt carries everything queued for the route.

        Without this, each queued group would spend a whole retry deadline in turn, and a long outage would
        pile up uncommitted alerts until the consumer pauses for every channel.
        """
        others = []
        while True:
            try:
                queued_route, queued_items = jobs.get_nowait()
            except queue.Empty:
                break
            if queued_route.name == route.name:
                items = items + queued_items
            else:
                others.append((queued_route, queued_items))
        for job in others:
            jobs.put(job)
        return items

    def _deliver(self, receiver: str, route: Route, items: list[_Item]) -> None:
        sender = self._routing.receivers[receiver]
        alerts = tuple(item.alert for item in items)
        outcome = deliver(sender, AlertGroup(route.name, alerts, self._public_url), self._policy, self._stop)
        if outcome.aborted:
            self._release(route, items)
            return
        if not outcome.ok:
            level = logging.INFO if receiver in self._failing else logging.WARNING
            self._failing.add(receiver)
            logger.log(
                level,
                'delivery failed, alerts to the DLQ route="%s" receiver="%s" target="%s" alerts=%d '
                'attempts=%d error="%s"',
                route.name,
                receiver,
                sender.describe(),
                len(items),
                outcome.attempts,
                outcome.error,
            )
            self._give_up(route, sender, items, str(outcome.error))
            return
        self._store.record(alerts, _entry(route, sender, "sent"), sent_route=route.name)
        self._counters.add(sent=len(items))
        if receiver in self._failing:
            logger.info('receiver delivering again receiver="%s" target="%s"', receiver, sender.describe())
            self._failing.discard(receiver)
        logger.info(
            'sent route="%s" receiver="%s" target="%s" alerts=%d attempts=%d elapsed_s=%.3f',
            route.name,
            receiver,
            sender.describe(),
            len(items),
            outcome.attempts,
            outcome.elapsed_s,
        )
        self._release(route, items)
        for item in items:
            item.ticket.finish()

    def _give_up(self, route: Route, sender: Sender, items: list[_Item], error: str) -> None:
        """Dead-letter the items, record the failure, and let their offsets be committed."""
        for item in items:
            if not self._dead_letter.send(
                item.source, stage="delivery", reason=error, alert_id=item.alert.alert_id, route=route.name
            ):
                self._release(route, items)
                return  # shutting down before the DLQ took it: it stays uncommitted and is read again
        self._store.record([item.alert for item in items], _entry(route, sender, "failed", error))
        self._counters.add(failed=len(items), dlq=len(items))
        self._release(route, items)
        for item in items:
            item.ticket.finish()
