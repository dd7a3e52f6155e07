"""The alerts-topic consumer: validate, decide, deliver, then commit (``python -m alerting run``).

One loop on the main thread polls the alerts topic (``config.topics.alerts``), validates each record (an
invalid one goes to the dead-letter topic ``config.topics.alerts_dlq`` with the reason), hands valid alerts
to the dispatcher, and every ``commit_interval_s`` commits the offsets whose alerts are finished: delivered
(and recorded in the delivery store), suppressed, silenced or dead-lettered. A record is never committed
before its outcome is on disk, so a crash at any point re-reads it rather than losing it, and a re-read
alert that was already delivered is recognised and not sent twice.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch
from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from alerting.deadletter import DeadLetter, SourceRecord
from alerting.dispatcher import Dispatcher
from alerting.history import HistoryFlusher
from alerting.offsets import OffsetTracker
from alerting.retry import RetryPolicy
from alerting.routing import Routing, load_routes
from alerting.silences import SilenceCache
from alerting.status import Counters, write_status
from alerting.store import DeliveryStore
from core.alert import parse_alert
from core.config import REPO_ROOT, Config
from core.contract import status_path
from core.errors import InvalidAlert
from core.silences import SilenceStore

__all__ = ["AlertConsumer", "routes_path", "retry_policy", "state_path"]

logger = logging.getLogger(__name__)

_PRUNE_EVERY_S = 3600.0


def routes_path(config: Config) -> Path:
    path = Path(config.alerting.routes_file)
    return path if path.is_absolute() else REPO_ROOT / path


def state_path(config: Config) -> Path:
    return config.var_dir / "alerting" / "state.sqlite3"


def retry_policy(config: Config) -> RetryPolicy:
    a = config.alerting
    return RetryPolicy(
        max_attempts=a.max_attempts,
        initial_backoff_s=a.initial_backoff_s,
        max_backoff_s=a.max_backoff_s,
        deadline_s=a.delivery_deadline_s,
    )


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: AlertConsumer) -> None:
        self._owner = owner

    def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        self._owner.commit()
        self._owner.tracker.forget(list(revoked))

    def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        logger.info('partitions assigned partitions="%s"', ",".join(f"{tp.topic}/{tp.partition}" for tp in assigned))


class AlertConsumer:
    """Everything the consumer needs, built from the config; :meth:`run` until ``stop`` is set.

    :param config: the loaded config (Kafka, Elasticsearch, ``alerting.*``, ``api.public_url``).
    :param env: environment with the chat secrets (``os.environ`` when omitted).
    :param routing: routes to use instead of loading ``alerting.routes_file``.
    """

    def __init__(self, config: Config, env: Mapping[str, str] | None = None, routing: Routing | None = None) -> None:
        self.config = config
        a = config.alerting
        self.routing = routing or load_routes(
            routes_path(config), dict(os.environ) if env is None else env, a.send_timeout_s
        )
        self.counters = Counters()
        self.tracker = OffsetTracker()
        self.stop_event = threading.Event()
        self.store = DeliveryStore(state_path(config), a.state_retention_s)
        self.es = Elasticsearch(config.es.hosts, request_timeout=config.es.request_timeout_s, max_retries=1)
        self.silences = SilenceCache(
            SilenceStore(self.es, config.indices.silences, config.es.request_timeout_s), a.silence_refresh_s, self.store
        )
        self._status_file = status_path(config.var_dir, "alerting")
        self._positions: dict[TopicPartition, int] = {}
        self._commit_failing = False
        self._consumer: KafkaConsumer | None = None
        self._producer: KafkaProducer | None = None
        self._dispatcher: Dispatcher | None = None

    def _kafka_timeout_ms(self) -> int:
        return max(self.config.kafka.request_timeout_ms, 1000)

    def commit(self) -> None:
        """Commit every finished prefix that moved; a failure is retried at the next interval."""
        offsets = self.tracker.to_commit()
        if not offsets or self._consumer is None:
            return
        try:
            self._consumer.commit(
                {tp: OffsetAndMetadata(off, "", -1) for tp, off in offsets.items()},
                timeout_ms=self._kafka_timeout_ms(),
            )
        except KafkaError as exc:
            if not self._commit_failing:
                logger.warning(
                    'offset commit failed, will retry group="%s" error="%s"',
                    self.config.alerting.consumer_group,
                    type(exc).__name__,
                )
            self._commit_failing = True
            return
        self._commit_failing = False
        self.tracker.committed(offsets)

    def _lag(self) -> int | None:
        if self._consumer is None or not self._positions:
            return None
        lag = 0
        for tp, position in self._positions.items():
            high = self._consumer.highwater(tp)
            if high is None:
                return None
            lag += max(0, high - position)
        return lag

    def write_status(self) -> None:
        pending = self._dispatcher.pending() if self._dispatcher else 0
        try:
            write_status(
                self._status_file,
                self.counters,
                lag=self._lag(),
                pending=pending,
                in_flight=self.tracker.in_flight(),
                pid=os.getpid(),
            )
        except OSError as exc:
            logger.warning('status file not written path="%s" error="%s"', self._status_file, exc.strerror)

    def _handle(self, record: ConsumerRecord, dead_letter: DeadLetter, dispatcher: Dispatcher) -> None:
        tp = TopicPartition(record.topic, record.partition)
        source = SourceRecord(record.topic, record.partition, record.offset, record.key, record.value or b"")
        self.counters.add(consumed=1)
        self._positions[tp] = record.offset + 1
        self.tracker.add(tp, record.offset)
        stage, reason = "validate", ""
        try:
            alert = parse_alert(source.value)
            dispatcher.submit(alert, source, lambda: self.tracker.done(tp, record.offset))
            return
        except InvalidAlert as exc:
            reason = str(exc)
            self.counters.add(invalid=1)
            logger.warning(
                'invalid alert to the DLQ topic="%s" partition=%d offset=%d reason="%s"',
                record.topic,
                record.partition,
                record.offset,
                reason,
            )
        except Exception as exc:  # a bad record never stops the consumer
            stage, reason = "internal", f"Processing failed ({type(exc).__name__}: {exc}); report this."
            logger.exception(
                'alert processing failed topic="%s" partition=%d offset=%d',
                record.topic,
                record.partition,
                record.offset,
            )
        if dead_letter.send(source, stage=stage, reason=reason):
            self.counters.add(dlq=1)
            self.tracker.done(tp, record.offset)

    def _open(self, stop: threading.Event) -> tuple[DeadLetter, Dispatcher]:
        a, k = self.config.alerting, self.config.kafka
        timeout_ms = self._kafka_timeout_ms()
        self._producer = KafkaProducer(
            bootstrap_servers=k.bootstrap_servers,
            acks="all",
            linger_ms=0,
            max_block_ms=timeout_ms,
            request_timeout_ms=timeout_ms,
            client_id="logwatch-alerting-dlq",
        )
        dead_letter = DeadLetter(self._producer, self.config.topics.alerts_dlq, timeout_ms / 1000 + 1, stop)
        self._dispatcher = Dispatcher(
            self.routing,
            self.store,
            self.silences,
            retry_policy(self.config),
            dead_letter,
            self.counters,
            self.config.api.dashboard_base,
        )
        self._consumer = KafkaConsumer(
            bootstrap_servers=k.bootstrap_servers,
            group_id=a.consumer_group,
            client_id="logwatch-alerting",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=200,
            max_poll_interval_ms=60000,
            request_timeout_ms=max(timeout_ms, 61000),
        )
        self._consumer.subscribe([self.config.topics.alerts], listener=_Rebalance(self))
        return dead_letter, self._dispatcher

    def run(self, stop: threading.Event | None = None) -> None:
        """Consume until ``stop`` (or :attr:`stop_event`) is set, then shut down in order.

        :raises kafka.errors.KafkaError: the broker could not be reached at start.
        """
        stop = stop or self.stop_event
        a = self.config.alerting
        flusher = HistoryFlusher(
            self.es, self.store, self.config.indices.alerts, a.history_flush_s, self.config.es.request_timeout_s
        )
        try:
            dead_letter, dispatcher = self._open(stop)
            dispatcher.start()
            flusher.start()
            self.silences.refresh(force=True)
            logger.info(
                'alerting consumer started topic="%s" group="%s" routes="%s" receivers="%s"',
                self.config.topics.alerts,
                a.consumer_group,
                ",".join(r.name for r in self.routing.routes),
                "; ".join(f"{n}={s.describe()}" for n, s in self.routing.receivers.items()),
            )
            self._loop(stop, dead_letter, dispatcher)
        finally:
            self._shutdown(flusher)

    def _loop(self, stop: threading.Event, dead_letter: DeadLetter, dispatcher: Dispatcher) -> None:
        a = self.config.alerting
        assert self._consumer is not None
        next_commit = next_status = time.monotonic()
        next_prune = time.monotonic() + 60.0
        paused = False
        while not stop.is_set():
            batch = self._consumer.poll(timeout_ms=100)
            for records in batch.values():
                for record in records:
                    self._handle(record, dead_letter, dispatcher)
            self.silences.refresh()
            dispatcher.tick()
            now = time.monotonic()
            if now >= next_commit:
                self.commit()
                next_commit = now + a.commit_interval_s
            if now >= next_status:
                self.write_status()
                next_status = now + a.status_interval_s
            if now >= next_prune:
                self.store.prune()
                next_prune = now + _PRUNE_EVERY_S
            full = self.tracker.in_flight() >= a.max_in_flight
            if full != paused:
                assignment = list(self._consumer.assignment())
                (self._consumer.pause if full else self._consumer.resume)(*assignment)
                paused = full

    def _shutdown(self, flusher: HistoryFlusher) -> None:
        stop_budget_s = min(10.0, self.config.alerting.send_timeout_s + 2)
        if self._dispatcher is not None:
            self._dispatcher.stop(stop_budget_s)
        self.commit()
        if flusher.is_alive():
            flusher.stop(stop_budget_s)
        self.write_status()
        if self._consumer is not None:
            self._consumer.close(autocommit=False)
        if self._producer is not None:
            self._producer.close(timeout=5)
        self.routing.close()
        self.es.close()
        self.store.close()
        logger.info('alerting consumer stopped counters="%s"', self._summary())

    def _summary(self) -> str:
        values: dict[str, Any] = self.counters.snapshot()
        return " ".join(f"{k}={v}" for k, v in values.items())
