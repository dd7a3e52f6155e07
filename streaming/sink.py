"""The sink: bulk index events into Elasticsearch, and say what goes to live tail and what to the DLQ.

Runs inside Spark's Python workers, in the job's single pass over a partition (streaming.batch). Elasticsearch
ids are the event ids, so re-running a batch after a crash never duplicates. The daily index is chosen by the
record's Kafka timestamp (arrival day), not by the event's own time: it is just as deterministic, and replaying
years of old logs fills today's index instead of creating hundreds of indices.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from elasticsearch import ApiError, Elasticsearch, TransportError

from core.contract import rfc3339
from core.retry import Backoff
from streaming.errors import SinkError
from streaming.es_index import index_name

__all__ = ["DLQ_HEADERS", "RECORD_COLUMNS", "RECORD_SCHEMA", "SinkSettings", "document", "index_rows", "source_id"]

logger = logging.getLogger(__name__)

_RETRYABLE_STATUS = {429, 502, 503, 504}
# Row keys that are not document fields (the Kafka position goes in as one ``kafka`` object).
_NOT_IN_DOCUMENT = frozenset({"error", "value", "topic", "partition", "offset", "ingested_at", "exception"})


@dataclass(frozen=True)
class SinkSettings:
    """Where the sink writes, from the configuration (a plain dataclass: it is pickled to Spark's workers).

    :param index_prefix: ``config.indices.logs``; ``dlq_topic``, ``classified_topic``: ``config.topics``.
    """

    es_url: str
    es_timeout_s: float
    bulk_timeout_s: float
    index_prefix: str
    chunk_size: int
    max_retries: int
    dlq_topic: str
    classified_topic: str


# The Kafka records the sink hands back to Spark, whose own (JVM) Kafka writer sends them: kafka-python's
# per-record cost was most of the sink's time. ``reason, stage, source, event_id`` become DLQ headers;
# ``source`` also lets a re-run batch leave out what its first run sent (streaming.rerun).
RECORD_COLUMNS = ("topic", "key", "value", "reason", "stage", "source", "event_id")
RECORD_SCHEMA = "topic string, key binary, value binary, reason string, stage string, source string, event_id string"
DLQ_HEADERS = ("reason", "stage", "source", "event_id")


def source_id(topic: str, partition: int, offset: int) -> str:
    """How a Kafka record's origin is named in the ``source`` of the sink's records."""
    return f"{topic}/{partition}/{offset}"


# Python workers are reused across tasks: one client per worker.
_clients: dict[str, Elasticsearch] = {}


def _client(settings: SinkSettings) -> Elasticsearch:
    if settings.es_url not in _clients:
        _clients[settings.es_url] = Elasticsearch(settings.es_url, request_timeout=settings.es_timeout_s, max_retries=0)
    return _clients[settings.es_url]


def document(row: dict[str, Any], processed_at: datetime) -> dict[str, Any]:
    """The Elasticsearch document for a parsed, labelled row (None-valued fields left out).

    :param row: a row of the parse stage (streaming.parse), labelled by the classify stage.
    :param processed_at: when this batch was processed.
    """
    doc: dict[str, Any] = {k: v for k, v in row.items() if k not in _NOT_IN_DOCUMENT and v is not None}
    doc["timestamp"] = rfc3339(row["timestamp"])
    doc["kafka"] = {"topic": row["topic"], "partition": row["partition"], "offset": row["offset"]}
    doc["ingested_at"] = rfc3339(row["ingested_at"])
    doc["processed_at"] = rfc3339(processed_at)
    if row.get("exception"):
        doc["exception"] = {k: v for k, v in row["exception"].items() if v is not None}
    return doc


def _source(row: dict[str, Any]) -> str:
    return source_id(row["topic"], row["partition"], row["offset"])


def _dead_letter(settings: SinkSettings, row: dict[str, Any], stage: str, reason: str) -> tuple[Any, ...]:
    # The original bytes go through untouched; the why travels in headers.
    value = row.get("value") or b""
    return (settings.dlq_topic, None, value, reason[:2000], stage, _source(row), row.get("event_id") or "")


@dataclass(frozen=True)
class _Action:
    """One document to index: its bulk action line and its JSON source, serialized once for ES and Kafka."""

    row: dict[str, Any]
    action: str
    source: str


def _bulk_with_retries(es: Elasticsearch, settings: SinkSettings, actions: list[_Action]) -> dict[int, str]:
    """Index the documents; returns the reason for each position Elasticsearch refused."""
    pending = list(range(len(actions)))
    refused: dict[int, str] = {}
    backoff = Backoff(initial_s=0.5, max_s=30.0, jitter=0.2)
    while pending:
        body = "".join(f"{actions[i].action}\n{actions[i].source}\n" for i in pending)
        retry: list[int] = []
        try:
            # A pre-serialized NDJSON body goes out as it is (the client's types only admit dicts).
            reply = es.options(request_timeout=settings.bulk_timeout_s).bulk(operations=body)  # type: ignore[arg-type]
            for i, item in zip(pending, reply["items"], strict=True):
                result = item["index"]
                if result.get("status", 500) < 300:
                    continue
                if result.get("status") in _RETRYABLE_STATUS:
                    retry.append(i)
                else:
                    err = result.get("error", {})
                    refused[i] = (
                        f"elasticsearch refused the document ({result.get('status')}): "
                        f"{err.get('type')}: {err.get('reason')}"
                    )
        except (TransportError, ApiError) as exc:
            status = getattr(exc, "status_code", None) or getattr(getattr(exc, "meta", None), "status", None)
            if isinstance(exc, ApiError) and status not in _RETRYABLE_STATUS:
                raise SinkError(f"Elasticsearch bulk request failed ({status}): {exc}") from exc
            retry = pending
        if retry:
            delay_s = backoff.next_s()
            if backoff.failures > settings.max_retries:
                raise SinkError(
                    f"Elasticsearch still unavailable after {settings.max_retries} retries "
                    f"({len(retry)} documents pending); failing the batch so Spark re-runs it."
                )
            if backoff.failures == 1:
                logger.warning('elasticsearch unavailable, retrying docs=%d url="%s"', len(retry), settings.es_url)
            time.sleep(delay_s)
        pending = retry
    return refused


def index_rows(rows: list[dict[str, Any]], settings: SinkSettings, processed_at: datetime) -> pd.DataFrame:
    """Index parsed, labelled rows into Elasticsearch; returns the Kafka records that follow from it.

    Those are, in :data:`RECORD_COLUMNS`, each indexed document for ``topics.classified`` (live tail and
    rules, so only once Elasticsearch has it), and each bad record or refused document for ``topics.dlq``.

    :param rows: rows of the parse stage, labelled by the classify stage.
    :param settings: where to write.
    :param processed_at: when this batch was processed.
    :raises SinkError: when Elasticsearch stays unavailable through every retry.
    """
    es = _client(settings)
    records = []
    for start in range(0, len(rows), settings.chunk_size):
        actions = []
        for row in rows[start : start + settings.chunk_size]:
            if row["error"]:
                records.append(_dead_letter(settings, row, "parse", row["error"]))
                continue
            index = index_name(row["ingested_at"], settings.index_prefix)
            action = json.dumps({"index": {"_index": index, "_id": row["event_id"]}})
            source = json.dumps(document(row, processed_at), ensure_ascii=False, default=str)
            actions.append(_Action(row, action, source))
        refused = _bulk_with_retries(es, settings, actions) if actions else {}
        for position, item in enumerate(actions):
            if position in refused:
                records.append(_dead_letter(settings, item.row, "index", refused[position]))
            else:
                key, value = item.row["service"].encode(), item.source.encode()
                records.append((settings.classified_topic, key, value, None, None, _source(item.row), None))
    return pd.DataFrame(records, columns=list(RECORD_COLUMNS))
