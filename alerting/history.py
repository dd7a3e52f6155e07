"""The alert history index (``config.indices.alerts``): one document per ``alert_id:status``, mirrored from the
delivery store.

Fields: every field of the alert message (:class:`core.alert.Alert`), ``received_at``, ``delivery_status``
(sent | failed | suppressed | silenced | grouped | pending) and ``deliveries``:
``[{route, sender, target, status, at, error}]``, one entry per route.
``grouped`` means waiting in a route's group, ``pending`` being delivered (or retried). The flusher thread
copies changed documents with a bulk request every ``flush_s``; while Elasticsearch is away they wait in the
store, so history is late, never lost.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from alerting.store import DeliveryStore

__all__ = ["ALERTS_MAPPING", "ensure_alerts_index", "HistoryFlusher"]

logger = logging.getLogger(__name__)

_KEYWORD = {"type": "keyword"}
ALERTS_MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "alert_id": _KEYWORD,
        "status": _KEYWORD,
        "rule": _KEYWORD,
        "severity": _KEYWORD,
        "service": _KEYWORD,
        "category": _KEYWORD,
        "window_start": {"type": "date"},
        "window_end": {"type": "date"},
        "value": {"type": "double"},
        "threshold": {"type": "double"},
        "samples": {"type": "text"},
        "dashboard_url": {"type": "keyword", "index": False},
        "generated_at": {"type": "date"},
        "received_at": {"type": "date"},
        "delivery_status": _KEYWORD,
        "deliveries": {
            "type": "object",
            "properties": {
                "route": _KEYWORD,
                "sender": _KEYWORD,
                "target": _KEYWORD,
                "status": _KEYWORD,
                "at": {"type": "date"},
                "error": {"type": "text"},
            },
        },
    },
}


def ensure_alerts_index(es: Elasticsearch, index: str, request_timeout_s: float = 10.0) -> None:
    """Create the alert history index with its mapping unless it exists.

    :param es: Elasticsearch client.
    :param index: the index (``config.indices.alerts``).
    :param request_timeout_s: timeout of the Elasticsearch call.
    """
    client = es.options(request_timeout=request_timeout_s, ignore_status=400)
    client.indices.create(index=index, mappings=ALERTS_MAPPING)


class HistoryFlusher(threading.Thread):
    """Copies changed history documents from the store to Elasticsearch until stopped.

    :param es: Elasticsearch client.
    :param store: the delivery store holding the documents.
    :param index: the alert history index (``config.indices.alerts``).
    :param flush_s: pause between flushes.
    :param request_timeout_s: timeout of each Elasticsearch call.
    """

    def __init__(
        self, es: Elasticsearch, store: DeliveryStore, index: str, flush_s: float, request_timeout_s: float = 10.0
    ) -> None:
        super().__init__(name="alerting-history", daemon=True)
        self._es = es
        self._store = store
        self.index = index
        self._flush_s = flush_s
        self._timeout_s = request_timeout_s
        self._stop_event = threading.Event()
        self._index_ready = False
        self._failing = False
        self.flushed = 0

    def stop(self, timeout_s: float = 5.0) -> None:
        """Flush once more (best effort) and end the thread."""
        self._stop_event.set()
        self.join(timeout_s)

    def run(self) -> None:
        while not self._stop_event.wait(self._flush_s):
            self.flush_once()
        self.flush_once()

    def flush_once(self) -> int:
        """Send one batch of changed documents; returns how many Elasticsearch accepted."""
        batch = self._store.dirty_history()
        if not batch:
            return 0
        operations: list[dict[str, Any]] = []
        for doc_id, _, doc in batch:
            operations += [{"index": {"_index": self.index, "_id": doc_id}}, doc]
        try:
            if not self._index_ready:
                ensure_alerts_index(self._es, self.index, self._timeout_s)
                self._index_ready = True
            reply = self._es.options(request_timeout=self._timeout_s).bulk(operations=operations)
        except (ApiError, TransportError) as exc:
            if not self._failing:
                logger.warning(
                    'alert history not written, will retry index="%s" waiting=%d error="%s"',
                    self.index,
                    len(batch),
                    type(exc).__name__,
                )
            self._failing = True
            return 0
        if self._failing:
            logger.info('alert history written again index="%s"', self.index)
        self._failing = False
        done = []
        for (doc_id, version, _), item in zip(batch, reply["items"], strict=True):
            result = item.get("index", {})
            status = int(result.get("status", 500))
            if 200 <= status < 300:
                done.append((doc_id, version))
            elif status != 429 and status < 500:
                # Refused for good (mapping conflict...): retrying cannot help, so say it once and move on.
                logger.warning(
                    'alert history document refused index="%s" id="%s" error="%s"',
                    self.index,
                    doc_id,
                    str(result.get("error"))[:300],
                )
                done.append((doc_id, version))
        self._store.history_flushed(done)
        self.flushed += len(done)
        return len(done)
