"""Live tail: one Kafka consumer of the classified topic (``config.topics.classified``) per API process,
fanned out to WebSocket clients.

The consumer runs in its own thread (kafka-python blocks) and hands batches to the event loop, at most a few
batches in flight, so a busy loop slows the consumer (Kafka keeps the backlog) instead of growing memory.
Each client has a bounded queue; when it is full, documents for that client are dropped and counted, and the
client is told how many it missed (the drop-and-count rule, per connection). A slow client never slows the
others or the consumer.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from api.metrics import ApiMetrics
from core.retry import Backoff

__all__ = ["ClientState", "TailClient", "TailHub", "HubStatus"]

logger = logging.getLogger(__name__)

_WAKE: dict[str, Any] = {"type": "_wake"}
_MAX_INFLIGHT = 4
_POLL_MS = 200
_MAX_NOTICES = 10


class ClientState(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class HubStatus(enum.Enum):
    IDLE = "idle"  # no client has asked for the tail yet
    STARTING = "starting"
    LIVE = "live"
    UNAVAILABLE = "unavailable"


class TailClient:
    """One WebSocket client's filter, bounded queue and drop counters (used on the event loop only).

    :param match: the client's filter as a predicate over documents.
    :param queue_size: documents held for this client before newer ones are dropped.
    :param owner: the identity that opened it (its ``Identity.key``), to cap streams per identity.
    """

    def __init__(self, match: Callable[[dict[str, Any]], bool], queue_size: int, owner: str = "") -> None:
        self.match = match
        self.owner = owner
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=max(1, queue_size))
        self.state = ClientState.OPEN
        self.dropped_pending = 0
        self.dropped_total = 0
        self.notices: list[dict[str, Any]] = []

    def offer(self, docs: list[dict[str, Any]]) -> int:
        """Queue the matching documents; returns how many were dropped because the queue was full."""
        dropped = 0
        for doc in docs:
            try:
                wanted = self.match(doc)
            except Exception:  # a document of an unexpected shape simply does not match
                wanted = False
            if not wanted:
                continue
            try:
                self.queue.put_nowait(doc)
            except asyncio.QueueFull:
                dropped += 1
        self.dropped_pending += dropped
        self.dropped_total += dropped
        return dropped

    def notify(self, notice: dict[str, Any]) -> None:
        """Send a control message (status change) ahead of the next documents."""
        self.notices = (self.notices + [notice])[-_MAX_NOTICES:]
        try:
            self.queue.put_nowait(_WAKE)
        except asyncio.QueueFull:
            pass  # the sender is busy with a full queue and will see the notice on its next batch

    async def next_messages(self, max_items: int = 500) -> list[dict[str, Any]]:
        """Wait for work, then return the frames to send: notices, a drop notice, and one batch of logs."""
        first = await self.queue.get()
        items = [first]
        while len(items) < max_items:
            try:
                items.append(self.queue.get_nowait())
            except asyncio.QueueEmpty:
                break
        out: list[dict[str, Any]] = list(self.notices)
        self.notices = []
        if self.dropped_pending:
            out.append(
                {
                    "type": "dropped",
                    "count": self.dropped_pending,
                    "total": self.dropped_total,
                    "message": f"The connection was too slow: {self.dropped_pending} log lines were skipped.",
                }
            )
            self.dropped_pending = 0
        docs = [d for d in items if d is not _WAKE]
        if docs:
            out.append({"type": "logs", "items": docs})
        return out


class TailHub:
    """Reads the tail topic in a thread and fans documents out to the subscribed clients.

    :param bootstrap_servers: Kafka bootstrap servers.
    :param topic: the classified topic (``config.topics.classified``).
    :param metrics: where counts go.
    :param request_timeout_ms: Kafka request timeout.
    """

    def __init__(
        self, bootstrap_servers: str, topic: str, metrics: ApiMetrics, request_timeout_ms: int = 10_000
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self.metrics = metrics
        self.request_timeout_ms = request_timeout_ms
        self.clients: set[TailClient] = set()
        self.status = HubStatus.IDLE
        self.status_detail = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._inflight = threading.Semaphore(_MAX_INFLIGHT)
        self._ready = threading.Event()

    # -------------------------------------------------------------------- event loop side

    def subscribe(self, match: Callable[[dict[str, Any]], bool], queue_size: int, owner: str = "") -> TailClient:
        """Register a client (on the event loop) and start the consumer thread if it is not running."""
        client = TailClient(match, queue_size, owner)
        self.clients.add(client)
        self.metrics.ws_clients.set(len(self.clients))
        if self._thread is None:
            self._loop = asyncio.get_running_loop()
            self.status = HubStatus.STARTING
            self._thread = threading.Thread(target=self._run, name="logwatch-tail", daemon=True)
            self._thread.start()
        return client

    def unsubscribe(self, client: TailClient) -> None:
        client.state = ClientState.CLOSED
        self.clients.discard(client)
        self.metrics.ws_clients.set(len(self.clients))

    def wait_ready(self, timeout_s: float) -> bool:
        """Block until the consumer is positioned at the end of the topic (tests use this)."""
        return self._ready.wait(timeout_s)

    def _dispatch(self, docs: list[dict[str, Any]]) -> None:
        try:
            for client in list(self.clients):
                dropped = client.offer(docs)
                if dropped:
                    self.metrics.ws_dropped.inc(dropped)
        finally:
            self._inflight.release()

    def _set_status(self, status: HubStatus, detail: str) -> None:
        if status == self.status:
            return
        self.status, self.status_detail = status, detail
        notice = {"type": "status", "tail": status.value, "message": detail}
        for client in list(self.clients):
            client.notify(notice)

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the consumer thread (called at shutdown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
        # Ready for another start (an app served again, as tests do).
        self._thread = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self.status = HubStatus.IDLE

    # ---------------------------------------------------------------------- thread side

    def _call_loop(self, fn: Callable[..., None], *args: Any) -> bool:
        loop = self._loop
        if loop is None or loop.is_closed():
            return False
        try:
            loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # the loop closed between the check and the call
            return False
        return True

    def _connect(self) -> KafkaConsumer:
        consumer = KafkaConsumer(
            bootstrap_servers=self.bootstrap_servers.split(","),
            group_id=None,
            enable_auto_commit=False,
            client_id="logwatch-api-tail",
            request_timeout_ms=self.request_timeout_ms,
            api_version_auto_timeout_ms=min(self.request_timeout_ms, 5000),
            max_poll_records=1000,
            # Without the crc32c C extension kafka-python checks CRCs in pure Python, which caps the tail
            # at a few MB/s; TCP already protects the transfer and the broker checked the batches on write.
            check_crcs=False,
        )
        try:
            partitions = consumer.partitions_for_topic(self.topic)
            if not partitions:
                raise KafkaError(f"topic {self.topic} does not exist")
            assigned = [TopicPartition(self.topic, p) for p in sorted(partitions)]
            consumer.assign(assigned)
            consumer.seek_to_end(*assigned)
            for tp in assigned:  # resolve the end offsets now, so "ready" means positioned
                consumer.position(tp)
        except Exception:
            consumer.close()
            raise
        return consumer

    def publish(self, docs: list[dict[str, Any]]) -> bool:
        """Hand documents to the clients from any thread; waits while the loop is behind.

        Returns False when the hub is stopping or its event loop is gone.

        :param docs: documents as indexed (the consumer thread calls this; benchmarks may too).
        """
        while not self._inflight.acquire(timeout=0.5):
            if self._stop.is_set():
                return False
        if not self._call_loop(self._dispatch, docs):
            self._inflight.release()
            return False
        return True

    def _decode(self, records: list[Any]) -> list[dict[str, Any]]:
        docs: list[dict[str, Any]] = []
        bad = 0
        for record in records:
            try:
                doc = json.loads(record.value)
            except (TypeError, ValueError):
                doc = None
            if isinstance(doc, dict):
                docs.append(doc)
            else:
                bad += 1
        if bad:
            self.metrics.tail_bad_records.inc(bad)
            logger.warning("live tail skipped records that are not JSON objects topic=%r count=%d", self.topic, bad)
        self.metrics.tail_records.inc(len(records))
        return docs

    def _run(self) -> None:
        consumer: KafkaConsumer | None = None
        backoff = Backoff(initial_s=0.5, max_s=10.0)
        try:
            while not self._stop.is_set():
                if consumer is None:
                    try:
                        consumer = self._connect()
                    except Exception as exc:  # broker down or topic missing: an expected outage
                        if self.status != HubStatus.UNAVAILABLE:
                            logger.warning(
                                "live tail cannot read topic=%r bootstrap=%r error=%r",
                                self.topic,
                                self.bootstrap_servers,
                                str(exc),
                            )
                        self._call_loop(
                            self._set_status,
                            HubStatus.UNAVAILABLE,
                            f"Kafka topic {self.topic} is not reachable; retrying.",
                        )
                        self._stop.wait(backoff.next_s())
                        continue
                    backoff.reset()
                    self._ready.set()
                    if self.status == HubStatus.UNAVAILABLE:
                        logger.warning("live tail reconnected topic=%r", self.topic)
                    self._call_loop(self._set_status, HubStatus.LIVE, "Live tail connected.")
                try:
                    batches = consumer.poll(timeout_ms=_POLL_MS)
                except Exception as exc:
                    logger.warning("live tail poll failed topic=%r error=%r", self.topic, str(exc))
                    consumer.close()
                    consumer = None
                    continue
                records = [r for part in batches.values() for r in part]
                if not records:
                    continue
                docs = self._decode(records)
                if docs and not self.publish(docs):
                    return
        finally:
            if consumer is not None:
                consumer.close()
