"""The rules' step of each index micro-batch: its classified documents' per-second buckets -> rule counts and
state (driver) -> alerts on ``topics.alerts``.

The index query's workers count the documents they index into buckets (streaming.rules.aggregate), and the
query (streaming.job) calls :class:`BatchProcessor` in its ``foreachBatch`` with the merged buckets once the
batch is indexed and sent, keyed by the index batch's id. Counting there, instead of in a second query that
reads ``topics.classified`` back, saves a full read and parse of every document, a second micro-batch
schedule competing for the cores, and that query's trigger interval before an alert. In the step:
1. a batch that the saved state already contains (Spark re-runs the last batch after a crash) is not
   counted again; alerts saved as pending for it are sent again, with the same ids;
2. otherwise the driver turns the batch's buckets into each rule's counts, the engine folds them into the
   state, and the state is saved with the batch's alerts marked pending *before* they are sent;
3. the alerts are sent and flushed (a refusal fails the batch, so Spark re-runs it and step 1 re-sends them),
   then the state is saved again without them.
So an alert is never lost, and it is sent twice only if the process dies between Kafka's acknowledgement and
the second save, in which case the copy has the same ``alert_id`` and status. A re-run batch counts every
document of the batch, also those its first run already sent to Kafka (streaming.batch), so a batch that died
before its rules step is counted whole.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from core.config import Config
from streaming.rules.aggregate import Bucket, rule_rows
from streaming.rules.engine import Engine
from streaming.rules.errors import RulesError
from streaming.rules.model import Rule
from streaming.rules.state import State, StateStore

__all__ = ["FUTURE_TOLERANCE_MS", "AlertPublisher", "BatchProcessor"]

logger = logging.getLogger(__name__)

# Events dated further ahead than this (a skewed clock) are ignored: they would push the watermark past
# every open window and make the real events look late.
FUTURE_TOLERANCE_MS = 5 * 60_000


# One producer per broker address for the process: a query restarted by the job's run loop reuses it.
_producers: dict[tuple[str, int], KafkaProducer] = {}


class AlertPublisher:
    """Sends alerts to Kafka, keyed by alert_id, and waits for the broker's acknowledgement."""

    def __init__(self, bootstrap_servers: str, topic: str, timeout_ms: int) -> None:
        self.topic = topic
        self.timeout_s = timeout_ms / 1000
        self._key = (bootstrap_servers, timeout_ms)

    def _producer(self) -> KafkaProducer:
        # Created on first use: nothing touches the network when the query starts.
        if self._key not in _producers:
            bootstrap, timeout_ms = self._key
            _producers[self._key] = KafkaProducer(
                bootstrap_servers=bootstrap,
                acks="all",
                retries=5,
                request_timeout_ms=timeout_ms,
                max_block_ms=timeout_ms,
            )
        return _producers[self._key]

    def publish(self, alerts: list[dict[str, Any]]) -> None:
        try:
            producer = self._producer()
            futures = [
                producer.send(
                    self.topic,
                    key=alert["alert_id"].encode(),
                    value=json.dumps(alert, ensure_ascii=False).encode("utf-8"),
                )
                for alert in alerts
            ]
            producer.flush(timeout=self.timeout_s)
        except KafkaError as exc:
            raise RulesError(
                f"Kafka did not take {len(alerts)} alerts for topic {self.topic} ({exc}); "
                "the batch fails and is retried from the checkpoint."
            ) from exc
        failed = [f.exception for f in futures if f.failed()]
        if failed or not all(f.is_done for f in futures):
            raise RulesError(
                f"Kafka refused alerts for topic {self.topic} ({failed[0] if failed else 'timed out'}); "
                "the batch fails and is retried from the checkpoint."
            )


class BatchProcessor:
    """The rules' step of an index batch: the protocol of the module docstring.

    :param rules: the rules to evaluate.
    :param store: where the state lives.
    :param publisher: sends alerts (anything with ``publish(list_of_alerts)``).
    :param base_url: dashboard address for links.
    :param caught_up: whether the pipeline's queries have no Kafka backlog (silence is not judged while they do).
    """

    def __init__(
        self,
        rules: list[Rule],
        store: StateStore,
        publisher: Any,
        base_url: str,
        caught_up: Callable[[], bool] = lambda: True,
    ) -> None:
        self.rules = rules
        self.caught_up = caught_up
        self.store = store
        self.publisher = publisher
        self.engine = Engine(rules, store.load(), base_url)

    @classmethod
    def from_config(
        cls, config: Config, rules: list[Rule], folder: Path, caught_up: Callable[[], bool] = lambda: True
    ) -> BatchProcessor:
        """The step the job runs: alerts to ``topics.alerts``, state in ``folder`` (inside the index checkpoint,
        so that the two are deleted together)."""
        kafka = config.kafka
        publisher = AlertPublisher(kafka.bootstrap_servers, config.topics.alerts, kafka.request_timeout_ms)
        return cls(rules, StateStore(folder), publisher, config.api.dashboard_base, caught_up)

    @property
    def state(self) -> State:
        return self.engine.state

    def _send_pending(self) -> None:
        if self.state.pending:
            self.publisher.publish(self.state.pending)
            self.state.pending = []
            self.store.save(self.state)

    def __call__(self, buckets: Iterable[Bucket], batch_id: int) -> None:
        """Apply index batch ``batch_id``, whose indexed documents were counted into ``buckets``."""
        if self.state.pending:
            logger.warning(
                "sending alerts again whose delivery was not confirmed before a restart batch=%d alerts=%d",
                self.state.batch_id,
                len(self.state.pending),
            )
            self._send_pending()
        if batch_id <= self.state.batch_id:
            logger.info("batch already applied to the rules state, not counted again batch=%d", batch_id)
            return
        started = time.monotonic()
        now = datetime.now(UTC)
        cutoff_ms = int(now.timestamp() * 1000) + FUTURE_TOLERANCE_MS
        rows, stats = rule_rows(buckets, self.rules, cutoff_ms)
        counted = time.monotonic()
        result = self.engine.step(rows, stats, now, self.caught_up())
        self.state.batch_id = batch_id
        self.state.pending = result.alerts
        self.store.save(self.state)
        saved = time.monotonic()
        self._send_pending()
        if stats.events:
            logger.info(
                "rules batch=%d events=%d late=%d future=%d alerts=%d rules_ms=%.0f state_ms=%.0f send_ms=%.0f",
                batch_id,
                stats.events,
                result.late,
                stats.future,
                len(result.alerts),
                (counted - started) * 1000,
                (saved - counted) * 1000,
                (time.monotonic() - saved) * 1000,
            )
