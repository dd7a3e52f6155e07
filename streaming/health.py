"""The pipeline watches itself: an alert when the job stops making progress, falls further and further behind,
or dead-letters a large share of what it reads.

These alerts go to the alerts topic like the rules' alerts (rule ``pipeline-stalled``, ``pipeline-lagging`` or
``pipeline-dlq-rate``, service ``logwatch``), so routes, silences and chat delivery treat them alike; they resolve
when the condition clears. A job that died cannot say so itself: the watchdog (infra.watchdog) restarts it, and
the restarted job reads which alerts were firing from ``state_path``, so it resolves them with the same ids instead
of leaving them firing forever.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from core.alert import Alert
from core.contract import dashboard_url, rfc3339_ms
from streaming.rules.alerts import alert_id

__all__ = ["HealthLimits", "PipelineHealth", "TopicSize"]

logger = logging.getLogger(__name__)

SERVICE = "logwatch"


@dataclass(frozen=True)
class HealthLimits:
    """When the pipeline is unwell.

    :param stalled_s: records arrived on ``logs`` since the last index batch, and none has finished for this long.
    :param lagging_reports: the backlog grew in this many index batches in a row ...
    :param lagging_min: ... and is at least this many records.
    :param dlq_share: more than this share of the records read went to the DLQ over ``dlq_window_s`` ...
    :param dlq_min: ... out of at least this many records.
    """

    stalled_s: float = 60.0
    lagging_reports: int = 10
    lagging_min: int = 10_000
    dlq_share: float = 0.2
    dlq_min: int = 100
    dlq_window_s: float = 300.0


@dataclass
class _Condition:
    rule: str
    severity: str
    since_ms: int | None = None  # wall-clock start of the current episode (the alert id derives from it)


@dataclass
class PipelineHealth:
    """Fed by the job's progress poll (index batches) and the DLQ topic's size; :meth:`check` decides and publishes.

    :param publish: sends alert messages to the alerts topic (raises when Kafka does not take them).
    :param base_url: the dashboard's address, for the alerts' links.
    :param state_path: where the firing episodes are kept across restarts of the job (None: in memory only).
    """

    publish: Callable[[list[dict[str, Any]]], None]
    base_url: str
    limits: HealthLimits = field(default_factory=HealthLimits)
    state_path: Path | None = None
    _last_batch_s: float = field(default_factory=time.monotonic)
    _lag: int | None = None
    _growth: int = 0
    _counts: deque[tuple[float, int, int]] = field(default_factory=deque)  # (when, read, dead-lettered)
    _dead_total: int | None = None
    _consumed: int | None = None  # records of logs read up to by the last finished batch
    _waiting: bool = False  # logs holds records beyond those
    _outbox: list[dict[str, Any]] = field(default_factory=list)  # alert messages Kafka has not confirmed yet
    _conditions: dict[str, _Condition] = field(
        default_factory=lambda: {
            "stalled": _Condition("pipeline-stalled", "CRITICAL"),
            "lagging": _Condition("pipeline-lagging", "HIGH"),
            "dlq": _Condition("pipeline-dlq-rate", "HIGH"),
        }
    )

    def __post_init__(self) -> None:
        if self.state_path is None or not self.state_path.exists():
            return
        try:
            firing = json.loads(self.state_path.read_text())
        except (OSError, ValueError) as exc:
            logger.warning(
                'pipeline alert state unreadable, starting afresh path="%s" error="%s"', self.state_path, exc
            )
            return
        for condition in self._conditions.values():
            since_ms = firing.get(condition.rule) if isinstance(firing, dict) else None
            if isinstance(since_ms, int):
                condition.since_ms = since_ms

    def on_batch(self, rows: int, lag: int | None, consumed: int | None = None, at_s: float | None = None) -> None:
        """An index batch read ``rows`` records and left ``lag`` waiting on the topic (None: unknown).

        :param consumed: the records of ``logs`` read up to (the sum of the batch's end offsets); None: as before.
        """
        self._last_batch_s = time.monotonic() if at_s is None else at_s
        grew = lag is not None and self._lag is not None and lag > self._lag
        self._growth = self._growth + 1 if grew else 0
        self._lag = lag
        if consumed is not None:
            self._consumed = consumed
        self._counts.append((self._last_batch_s, rows, 0))

    def on_topic_size(self, total: int) -> None:
        """``logs`` holds ``total`` records (the sum of its end offsets), as of now."""
        self._waiting = self._consumed is not None and total > self._consumed

    def on_dead_letters(self, total: int, at_s: float | None = None) -> None:
        """The DLQ topic holds ``total`` records (the sum of its end offsets): the growth since the last call
        counts as dead-lettered now."""
        if self._dead_total is not None and total > self._dead_total:
            self._counts.append((time.monotonic() if at_s is None else at_s, 0, total - self._dead_total))
        self._dead_total = total

    def check(self, now: datetime | None = None, at_s: float | None = None) -> list[dict[str, Any]]:
        """Fire or resolve each condition; returns the alert messages published now (the changes, and any earlier
        ones Kafka had not confirmed)."""
        now = now or datetime.now(UTC)
        at_s = time.monotonic() if at_s is None else at_s
        while self._counts and self._counts[0][0] < at_s - self.limits.dlq_window_s:
            self._counts.popleft()
        read = sum(c[1] for c in self._counts)
        dead = sum(c[2] for c in self._counts)
        waited = at_s - self._last_batch_s
        values = {
            "stalled": (
                waited,
                self.limits.stalled_s,
                (self._waiting or bool(self._lag)) and waited >= self.limits.stalled_s,
            ),
            "lagging": (
                float(self._lag or 0),
                float(self.limits.lagging_min),
                self._growth >= self.limits.lagging_reports and (self._lag or 0) >= self.limits.lagging_min,
            ),
            "dlq": (
                dead / read if read else 0.0,
                self.limits.dlq_share,
                read >= self.limits.dlq_min and dead > self.limits.dlq_share * read,
            ),
        }
        changed = False
        for name, (value, threshold, bad) in values.items():
            condition = self._conditions[name]
            if bad == (condition.since_ms is not None):
                continue
            start_ms = condition.since_ms if condition.since_ms is not None else int(now.timestamp() * 1000)
            alert = self._alert(condition, "firing" if bad else "resolved", start_ms, value, threshold, now)
            condition.since_ms = start_ms if bad else None
            self._outbox.append(alert)
            changed = True
            logger.warning('pipeline alert %s rule="%s" value=%s', alert["status"], alert["rule"], alert["value"])
        if changed and self.state_path is not None:
            firing = {c.rule: c.since_ms for c in self._conditions.values() if c.since_ms is not None}
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
            self.state_path.write_text(json.dumps(firing))
        alerts = list(self._outbox)
        if alerts:
            # Raises when Kafka does not confirm: the messages stay in the outbox and the next check sends them
            # again with the same ids (a refused send may still have arrived; the consumer keeps one per id).
            self.publish(alerts)
            self._outbox.clear()
        return alerts

    def _alert(
        self, condition: _Condition, status: str, start_ms: int, value: float, threshold: float, now: datetime
    ) -> dict[str, Any]:
        start = datetime.fromtimestamp(start_ms / 1000, UTC)
        alert = Alert(
            alert_id=alert_id(condition.rule, (SERVICE,), start_ms),
            status=status,
            rule=condition.rule,
            severity=condition.severity,
            service=SERVICE,
            category=None,
            window_start=start,
            window_end=now,
            value=round(value, 3),
            threshold=threshold,
            generated_at=now,
            # Every service's logs of the time: no log has the service "logwatch".
            dashboard_url=dashboard_url(
                self.base_url, start=rfc3339_ms(start_ms), end=rfc3339_ms(int(now.timestamp() * 1000))
            ),
        )
        return {**alert.to_dict(), "group": {"service": SERVICE}}


class TopicSize:
    """How many records a topic has ever held (the sum of its partitions' end offsets), asked of the broker.

    :param bootstrap_servers: the broker.
    :param topic: the topic, e.g. ``config.topics.dlq``.
    """

    def __init__(self, bootstrap_servers: str, topic: str) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self._consumer: KafkaConsumer | None = None

    def __call__(self) -> int:
        if self._consumer is None:  # created on first use: nothing touches the network at start
            self._consumer = KafkaConsumer(bootstrap_servers=self.bootstrap_servers, request_timeout_ms=10_000)
        partitions = [TopicPartition(self.topic, p) for p in self._consumer.partitions_for_topic(self.topic) or ()]
        return sum(self._consumer.end_offsets(partitions).values())

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
