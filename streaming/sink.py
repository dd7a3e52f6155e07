"""The sink: bulk index events into Elasticsearch, and say what goes to live tail and what to the DLQ.

Runs inside Spark's Python workers, in the job's single pass over a partition (streaming.batch). Elasticsearch
ids are the event ids, so re-running a batch after a crash never duplicates. The daily index is chosen by the
record's Kafka timestamp (arrival day), not by the event's own time, so replaying years of old logs fills
today's index instead of creating hundreds of indices. The producer sets that timestamp, though: one that is
far from the batch's own time (the time Spark logged for the batch, the same when it is re-run) is not
trusted, and the document goes to the batch's day, keeping its ``ingested_at``.

Nothing one record or one request brings can fail the batch: a document too large to write, or one
Elasticsearch refuses (alone, or in a bulk request it refuses whole), goes to the DLQ with the reason. Only
an unavailable Elasticsearch (429, 5xx, no connection) fails it, after retries, so that Spark re-runs it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
import pandas as pd
from elasticsearch import ApiError, Elasticsearch, TransportError

from core.config import Config, es_hosts
from core.contract import rfc3339
from core.retry import Backoff
from streaming.bounds import MAX_DOCUMENT_BYTES, MAX_STRING_CHARS, bounded
from streaming.deadletter import dead_letter_value, redacted_reason
from streaming.errors import SinkError
from streaming.es_index import index_name

__all__ = ["DLQ_HEADERS", "RECORD_COLUMNS", "RECORD_SCHEMA", "SinkSettings", "document", "index_rows", "source_id"]

logger = logging.getLogger(__name__)

_RETRYABLE_STATUS = {429, 502, 503, 504}
# A bulk request refused whole for what it holds (too large, a line it cannot read) is split to find the
# documents at fault. Any other refusal (401, 404, ...) is the setup's: the batch fails and waits for a fix.
_SPLITTABLE_STATUS = {400, 413}
# Row keys that are not document fields (the Kafka position goes in as one ``kafka`` object).
_NOT_IN_DOCUMENT = frozenset({"error", "value", "topic", "partition", "offset", "ingested_at", "exception"})


@dataclass(frozen=True)
class SinkSettings:
    """Where the sink writes, from the configuration (a plain dataclass: it is pickled to Spark's workers).

    :param index_prefix: ``config.indices.logs``; ``dlq_topic``, ``classified_topic``: ``config.topics``.
    :param bulk_concurrency: bulk requests one Python worker keeps in flight (``es.bulk_concurrency``).
    :param bulk_max_bytes: the most document bytes in one bulk request, whatever ``chunk_size`` allows
        (Elasticsearch refuses a request over ``http.max_content_length``, 100 MB by default).
    """

    es_url: str
    es_timeout_s: float
    bulk_timeout_s: float
    index_prefix: str
    chunk_size: int
    max_retries: int
    bulk_concurrency: int
    dlq_topic: str
    classified_topic: str
    bulk_max_bytes: int = 16 * 1024 * 1024

    @classmethod
    def from_config(cls, config: Config) -> SinkSettings:
        """The settings of the system's configuration (``es``, ``indices.logs``, ``topics``)."""
        return cls(
            es_url=config.es.url,
            es_timeout_s=config.es.request_timeout_s,
            bulk_timeout_s=config.es.bulk_timeout_s,
            index_prefix=config.indices.logs,
            chunk_size=config.es.bulk_chunk_size,
            max_retries=config.es.bulk_max_retries,
            bulk_concurrency=config.es.bulk_concurrency,
            dlq_topic=config.topics.dlq,
            classified_topic=config.topics.classified,
        )


# The Kafka records the sink hands back to Spark, whose own (JVM) Kafka writer sends them: kafka-python's
# per-record cost was most of the sink's time. ``reason`` and what follows become DLQ headers (the original
# record's hash and size: see streaming.deadletter); ``source`` also lets a re-run batch leave out what its
# first run sent (streaming.rerun).
DLQ_HEADERS = ("reason", "stage", "source", "event_id", "original_sha256", "original_bytes")
RECORD_COLUMNS = ("topic", "key", "value", *DLQ_HEADERS)
RECORD_SCHEMA = "topic string, key binary, value binary, " + ", ".join(f"{h} string" for h in DLQ_HEADERS)
# A Kafka timestamp is trusted this far from the batch's time: a job catching up on the topic's retention
# (7 days), and clocks a little ahead.
_ARRIVAL_PAST = timedelta(days=7)
_ARRIVAL_AHEAD = timedelta(hours=1)


def source_id(topic: str, partition: int, offset: int) -> str:
    """How a Kafka record's origin is named in the ``source`` of the sink's records."""
    return f"{topic}/{partition}/{offset}"


# Python workers are reused across tasks: one client per worker.
_clients: dict[str, Elasticsearch] = {}


def _client(settings: SinkSettings) -> Elasticsearch:
    if settings.es_url not in _clients:
        _clients[settings.es_url] = Elasticsearch(
            es_hosts(settings.es_url), request_timeout=settings.es_timeout_s, max_retries=0
        )
    return _clients[settings.es_url]


def document(row: dict[str, Any], processed_at: datetime) -> dict[str, Any]:
    """The Elasticsearch document for a parsed, labelled row (None-valued fields left out), within
    streaming.bounds' limits.

    :param row: a row of the parse stage (streaming.parse), labelled by the classify stage.
    :param processed_at: when this batch was processed.
    """
    # The row's own field names are the parse stage's, so only values are bounded here, and only those that can
    # be long or free-form (half of the sink's per-document cost was checking every name of every document).
    doc: dict[str, Any] = {
        k: v if type(v) is str and len(v) <= MAX_STRING_CHARS else bounded(v, 1)
        for k, v in row.items()
        if k not in _NOT_IN_DOCUMENT and v is not None
    }
    doc["timestamp"] = rfc3339(row["timestamp"])
    doc["kafka"] = {"topic": row["topic"], "partition": row["partition"], "offset": row["offset"]}
    doc["ingested_at"] = rfc3339(row["ingested_at"])
    doc["processed_at"] = rfc3339(processed_at)
    if row.get("exception"):
        doc["exception"] = bounded({k: v for k, v in row["exception"].items() if v is not None}, 1)
    return doc


def _json(doc: dict[str, Any]) -> bytes:
    """The document as UTF-8 JSON, the same bytes for Elasticsearch and Kafka. orjson is several times faster
    than json; what it refuses (integers past 64 bits) goes through json, escaped to ASCII so nothing in it can
    fail to encode."""
    try:
        return orjson.dumps(doc, default=str)
    except orjson.JSONEncodeError:
        return json.dumps(doc, default=str).encode()


def _source(row: dict[str, Any]) -> str:
    return source_id(row["topic"], row["partition"], row["offset"])


def _dead_letter(settings: SinkSettings, row: dict[str, Any], stage: str, reason: str) -> tuple[Any, ...]:
    # What the DLQ keeps of the record is streaming.deadletter's decision; the why travels in headers.
    value, original = dead_letter_value(row.get("value"))
    return (
        settings.dlq_topic,
        None,
        value,
        redacted_reason(reason),
        stage,
        _source(row),
        row.get("event_id") or "",
        original["original_sha256"],
        original["original_bytes"],
    )


def _index_time(ingested_at: datetime, batch_at: datetime) -> datetime:
    """The time whose day is the document's index: its Kafka timestamp, unless that is far from the batch's."""
    if batch_at - _ARRIVAL_PAST <= ingested_at <= batch_at + _ARRIVAL_AHEAD:
        return ingested_at
    return batch_at


@dataclass(frozen=True)
class _Action:
    """One document to index: its bulk action line and its JSON source, serialized once for ES and Kafka."""

    row: dict[str, Any]
    doc: dict[str, Any]
    action: bytes
    encoded: bytes
    key: bytes


class _Refused(Exception):
    """Elasticsearch refused a whole bulk request (not for being busy): a retry would get the same answer."""


def _bulk_with_retries(es: Elasticsearch, settings: SinkSettings, actions: list[_Action]) -> dict[int, str]:
    """Index the documents; returns the reason for each position Elasticsearch refused.

    :raises _Refused: Elasticsearch refused the whole request, e.g. 413 for its size.
    """
    pending = list(range(len(actions)))
    refused: dict[int, str] = {}
    backoff = Backoff(initial_s=0.5, max_s=30.0, jitter=0.2)
    while pending:
        body = b"".join(b"%s\n%s\n" % (actions[i].action, actions[i].encoded) for i in pending)
        retry: list[int] = []
        try:
            # A pre-serialized NDJSON body goes out as it is (the client's types only admit dicts).
            reply = es.options(request_timeout=settings.bulk_timeout_s).bulk(
                operations=body,  # type: ignore[arg-type]
                filter_path=["items.*.status", "items.*.error"],  # the rest of each item is not read
            )
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
            if isinstance(exc, ApiError) and status in _SPLITTABLE_STATUS:
                raise _Refused(
                    f"elasticsearch refused the bulk request holding the document ({status}): {exc}"
                ) from exc
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


def _index(es: Elasticsearch, settings: SinkSettings, actions: list[_Action]) -> dict[int, str]:
    """Index the documents; a request refused whole is split in halves until the refused documents stand alone.

    :returns: the reason for each position that can never be written.
    """
    try:
        return _bulk_with_retries(es, settings, actions)
    except _Refused as exc:
        if len(actions) == 1:
            return {0: str(exc)}
        half = len(actions) // 2
        logger.warning('elasticsearch refused a bulk request, splitting it docs=%d error="%s"', len(actions), exc)
        refused = _index(es, settings, actions[:half])
        return refused | {half + i: reason for i, reason in _index(es, settings, actions[half:]).items()}


def _write(
    es: Elasticsearch, settings: SinkSettings, actions: list[_Action]
) -> tuple[list[tuple[Any, ...]], list[dict[str, Any]]]:
    """Index one bulk request's documents; returns their Kafka records (classified, or dead-lettered) and the
    documents Elasticsearch took."""
    refused = _index(es, settings, actions)
    records, indexed = [], []
    for position, item in enumerate(actions):
        if position in refused:
            records.append(_dead_letter(settings, item.row, "index", refused[position]))
        else:
            records.append(
                (settings.classified_topic, item.key, item.encoded, None, None, _source(item.row), None, None, None)
            )
            indexed.append(item.doc)
    return records, indexed


def index_rows(
    rows: list[dict[str, Any]],
    settings: SinkSettings,
    processed_at: datetime,
    batch_at: datetime,
    on_indexed: Callable[[list[dict[str, Any]]], None] | None = None,
) -> pd.DataFrame:
    """Index parsed, labelled rows into Elasticsearch; returns the Kafka records that follow from it.

    Those are, in :data:`RECORD_COLUMNS`, each indexed document for ``topics.classified`` (live tail and
    rules, so only once Elasticsearch has it), and each bad record or refused document for ``topics.dlq``.
    Bulk requests hold at most ``chunk_size`` documents and ``bulk_max_bytes`` bytes.

    :param rows: rows of the parse stage, labelled by the classify stage.
    :param settings: where to write.
    :param processed_at: when this batch was processed.
    :param batch_at: the time Spark logged for the batch, the same when it re-runs it: the index of a document
        whose Kafka timestamp is not trusted.
    :param on_indexed: called once with the documents Elasticsearch took, in order (the rules count them: no
        need to read back the JSON).
    :raises SinkError: when Elasticsearch stays unavailable through every retry.
    """
    es = _client(settings)
    # Dead letters where their rows were, and each bulk request's records to come: the rows' order is kept.
    parts: list[tuple[Any, ...] | Future[tuple[list[tuple[Any, ...]], list[dict[str, Any]]]]] = []
    chunk: list[_Action] = []
    chunk_bytes = 0
    written: set[str] = set()
    # A bulk request waits on Elasticsearch (one write thread a shard) with this worker idle: requests in flight
    # side by side, and the next documents built meanwhile.
    with ThreadPoolExecutor(settings.bulk_concurrency, thread_name_prefix="bulk") as requests:
        for row in rows:
            if row["error"]:
                parts.append(_dead_letter(settings, row, "parse", row["error"]))
                continue
            doc = document(row, processed_at)
            encoded = _json(doc)
            if len(encoded) > MAX_DOCUMENT_BYTES:
                reason = (
                    f"the document is {len(encoded)} bytes even with its long fields cut, "
                    f"over the limit of {MAX_DOCUMENT_BYTES}; send fewer or shorter attributes"
                )
                parts.append(_dead_letter(settings, row, "index", reason))
                continue
            if chunk and (len(chunk) >= settings.chunk_size or chunk_bytes + len(encoded) > settings.bulk_max_bytes):
                parts.append(requests.submit(_write, es, settings, chunk))
                chunk, chunk_bytes = [], 0
            index = index_name(_index_time(row["ingested_at"], batch_at), settings.index_prefix)
            written.add(index)
            action = orjson.dumps({"index": {"_index": index, "_id": row["event_id"]}})
            # The Kafka key is the service as indexed: cut like every other string.
            chunk.append(_Action(row, doc, action, encoded, doc["service"].encode()))
            chunk_bytes += len(encoded) + len(action) + 2
        if chunk:
            parts.append(requests.submit(_write, es, settings, chunk))
        records: list[tuple[Any, ...]] = []
        indexed: list[dict[str, Any]] = []
        for part in parts:
            if isinstance(part, Future):
                written_records, written_docs = part.result()
                records.extend(written_records)
                indexed.extend(written_docs)
            else:
                records.append(part)
    if written:
        _refresh(es, settings, sorted(written))
    if on_indexed is not None:
        on_indexed(indexed)
    return pd.DataFrame(records, columns=list(RECORD_COLUMNS))


def _refresh(es: Elasticsearch, settings: SinkSettings, indices: list[str]) -> None:
    """Make what was just written searchable now rather than at the index's next periodic refresh (on average
    half its interval later). Best effort: the periodic refresh still comes, so a failure only costs freshness."""
    try:
        es.options(request_timeout=settings.es_timeout_s).indices.refresh(index=indices, ignore_unavailable=True)
    except (TransportError, ApiError) as exc:
        logger.info('refresh after bulk failed, the periodic one follows indices="%s" error="%s"', indices, exc)
