"""The per-partition sink: bulk index events into Elasticsearch, publish them for live tail, dead-letter the rest.

Runs inside Spark's Python workers. One pass over the partition writes every destination, so the micro-batch
is computed once. Elasticsearch ids are the event ids, so re-running a batch after a crash never duplicates.
The daily index is chosen by the record's Kafka timestamp (arrival day), not by the event's own time: it is just
as deterministic, and replaying years of old logs fills today's index instead of creating hundreds of indices.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from elasticsearch import ApiError, Elasticsearch, TransportError
from kafka import KafkaProducer

from streaming.errors import SinkError
from streaming.es_index import index_name

__all__ = ["SinkSettings", "WRITE_RESULT_SCHEMA", "write_frames", "document"]

logger = logging.getLogger(__name__)

_RETRYABLE_STATUS = {429, 502, 503, 504}


@dataclass(frozen=True)
class SinkSettings:
    es_url: str
    es_timeout_s: float
    bulk_timeout_s: float
    index_prefix: str
    chunk_size: int
    max_retries: int
    bootstrap_servers: str
    dlq_topic: str = "logs.dlq"
    classified_topic: str = "logs.classified"


# Python workers are reused across tasks: keep one client of each kind per worker.
_clients: dict[SinkSettings, tuple[Elasticsearch, KafkaProducer]] = {}


def _clients_for(settings: SinkSettings) -> tuple[Elasticsearch, KafkaProducer]:
    if settings not in _clients:
        es = Elasticsearch(settings.es_url, request_timeout=settings.es_timeout_s, max_retries=0)
        producer = KafkaProducer(
            bootstrap_servers=settings.bootstrap_servers,
            acks="all",
            linger_ms=20,
            retries=5,
            compression_type="gzip",
            max_request_size=4 * 1024 * 1024,
            request_timeout_ms=15000,
        )
        _clients[settings] = (es, producer)
    return _clients[settings]


def _iso(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def document(row: dict[str, Any], processed_at: datetime) -> dict[str, Any]:
    """The Elasticsearch document for a parsed row (None-valued fields left out).

    :param row: the parsed row as a dict.
    :param processed_at: when this batch was processed.
    """
    skip = {"error", "value", "topic", "partition", "offset", "attributes", "exception", "ingested_at"}
    doc: dict[str, Any] = {k: v for k, v in row.items() if k not in skip and v is not None}
    doc["timestamp"] = _iso(row["timestamp"])
    doc["kafka"] = {"topic": row["topic"], "partition": int(row["partition"]), "offset": int(row["offset"])}
    doc["ingested_at"] = _iso(row["ingested_at"])
    doc["processed_at"] = _iso(processed_at)
    if row.get("attributes"):
        doc["attributes"] = json.loads(row["attributes"])
    if row.get("exception"):
        doc["exception"] = {k: v for k, v in json.loads(row["exception"]).items() if v is not None}
    return doc


def _dead_letter(producer: KafkaProducer, settings: SinkSettings, row: dict[str, Any], stage: str, reason: str) -> Any:
    # The original bytes go through untouched; the why travels in headers.
    headers = [
        ("reason", reason[:2000].encode()),
        ("stage", stage.encode()),
        ("source", f"{row['topic']}/{row['partition']}/{row['offset']}".encode()),
        ("event_id", (row.get("event_id") or "").encode()),
    ]
    return producer.send(settings.dlq_topic, value=row.get("value") or b"", headers=headers)


def _bulk_with_retries(
    es: Elasticsearch, settings: SinkSettings, actions: list[tuple[dict[str, Any], dict[str, Any]]]
) -> list[tuple[int, str]]:
    """Index ``(row, doc)`` pairs; returns ``(position, reason)`` of documents Elasticsearch refused."""
    pending = list(range(len(actions)))
    refused: list[tuple[int, str]] = []
    attempt = 0
    while pending:
        body: list[dict[str, Any]] = []
        for i in pending:
            row, doc = actions[i]
            body.append(
                {
                    "index": {
                        "_index": index_name(row["ingested_at"], settings.index_prefix),
                        "_id": doc["event_id"],
                    }
                }
            )
            body.append(doc)
        retry: list[int] = []
        try:
            reply = es.options(request_timeout=settings.bulk_timeout_s).bulk(operations=body)
            for i, item in zip(pending, reply["items"], strict=True):
                result = item["index"]
                if result.get("status", 500) < 300:
                    continue
                if result.get("status") in _RETRYABLE_STATUS:
                    retry.append(i)
                else:
                    err = result.get("error", {})
                    refused.append(
                        (
                            i,
                            f"elasticsearch refused the document ({result.get('status')}): "
                            f"{err.get('type')}: {err.get('reason')}",
                        )
                    )
        except (TransportError, ApiError) as exc:
            status = getattr(exc, "status_code", None) or getattr(getattr(exc, "meta", None), "status", None)
            if isinstance(exc, ApiError) and status not in _RETRYABLE_STATUS:
                raise SinkError(f"Elasticsearch bulk request failed ({status}): {exc}") from exc
            retry = pending
        if retry:
            attempt += 1
            if attempt > settings.max_retries:
                raise SinkError(
                    f"Elasticsearch still unavailable after {settings.max_retries} retries "
                    f"({len(retry)} documents pending); failing the batch so Spark re-runs it."
                )
            delay_s = min(30.0, 0.5 * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2)
            if attempt == 1:
                logger.warning('elasticsearch unavailable, retrying docs=%d url="%s"', len(retry), settings.es_url)
            time.sleep(delay_s)
        pending = retry
    return refused


WRITE_RESULT_SCHEMA = "indexed long, dead_lettered long"


def _write_chunk(
    es: Elasticsearch,
    producer: KafkaProducer,
    settings: SinkSettings,
    chunk: list[dict[str, Any]],
    processed_at: datetime,
) -> tuple[list[Any], int, int]:
    sent = []
    actions = []
    for row in chunk:
        if row.get("error"):
            sent.append(_dead_letter(producer, settings, row, "parse", row["error"]))
        else:
            actions.append((row, document(row, processed_at)))
    refused = dict(_bulk_with_retries(es, settings, actions)) if actions else {}
    for position, reason in refused.items():
        sent.append(_dead_letter(producer, settings, actions[position][0], "index", reason))
    for position, (row, doc) in enumerate(actions):
        if position not in refused:
            value = json.dumps(doc, ensure_ascii=False).encode()
            sent.append(producer.send(settings.classified_topic, key=row["service"].encode(), value=value))
    return sent, len(actions) - len(refused), len(chunk) - len(actions) + len(refused)


def write_frames(frames: Iterator[pd.DataFrame], settings: SinkSettings) -> Iterator[pd.DataFrame]:
    """``mapInPandas`` function: write a partition's rows: events to Elasticsearch and live tail, bad ones to the DLQ.

    :param frames: the partition's parsed rows, as Arrow batches.
    :param settings: where to write.
    :returns: one row per partition with the counts of indexed and dead-lettered records.
    :raises SinkError: when Elasticsearch stays unavailable through every retry, or Kafka refuses a record.
    """
    es, producer = _clients_for(settings)
    processed_at = datetime.now(UTC)
    sent: list[Any] = []
    indexed = dead_lettered = 0
    for frame in frames:
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        for start in range(0, len(rows), settings.chunk_size):
            chunk_sent, ok, bad = _write_chunk(
                es, producer, settings, rows[start : start + settings.chunk_size], processed_at
            )
            sent.extend(chunk_sent)
            indexed += ok
            dead_lettered += bad
    # Nothing counts as written until the broker has it: a failure here fails the task and the batch.
    producer.flush(timeout=60)
    failed = [future.exception for future in sent if future.failed()]
    if failed:
        raise SinkError(f"Kafka refused {len(failed)} records of this partition: {failed[0]}")
    yield pd.DataFrame({"indexed": [indexed], "dead_lettered": [dead_lettered]})
