"""The sink against a real Elasticsearch: poison records, huge bulks, forged Kafka times, hostile attributes, DLQ.

No Spark here: the rows come from the parse stage (streaming.parse) on frames shaped like the Kafka source's,
as in the job's single pass (streaming.batch). Audit of 2026-12-02, findings H5, H6, H7 and M1.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from elasticsearch import Elasticsearch

from streaming.es_index import ensure_template
from streaming.parse import KAFKA_COLUMNS, parse_frame
from streaming.sink import SinkSettings, index_rows

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
# The job's Kafka writer refuses a record over this (streaming.job: kafka.max.request.size).
KAFKA_MAX_RECORD_BYTES = 4 * 1024 * 1024


@pytest.fixture
def settings(es_url: str) -> Iterator[SinkSettings]:
    prefix = f"test_sink_{uuid.uuid4().hex[:8]}"
    es = Elasticsearch(es_url, request_timeout=60)
    ensure_template(es, prefix)
    yield SinkSettings(
        es_url=es_url,
        es_timeout_s=30,
        bulk_timeout_s=120,
        index_prefix=prefix,
        chunk_size=2000,
        max_retries=1,
        bulk_concurrency=2,
        dlq_topic="logs.dlq",
        classified_topic="logs.classified",
    )
    for index in es.indices.get(index=f"{prefix}-*"):  # deleting by wildcard is refused
        es.indices.delete(index=index)
    es.indices.delete_index_template(name=prefix)


def rows_of(values: list[bytes], arrived: datetime = NOW, key: bytes = b"checkout") -> list[dict[str, Any]]:
    naive = arrived.astimezone(UTC).replace(tzinfo=None)
    frame = pd.DataFrame(
        [(key, value, "logs", 0, offset, pd.Timestamp(naive)) for offset, value in enumerate(values)],
        columns=list(KAFKA_COLUMNS),
    )
    return parse_frame(frame)


def event(message: str, **extra: Any) -> bytes:
    body = {"timestamp": NOW.isoformat(), "level": "INFO", "service": "checkout", "message": message}
    return json.dumps(body | extra).encode()


def by_topic(records: pd.DataFrame, topic: str) -> list[dict[str, Any]]:
    return [r for r in records.to_dict("records") if r["topic"] == topic]


def search(settings: SinkSettings, **query: Any) -> list[dict[str, Any]]:
    es = Elasticsearch(settings.es_url, request_timeout=60)
    es.indices.refresh(index=f"{settings.index_prefix}-*")
    return list(es.search(index=settings.index_prefix, size=100, **query)["hits"]["hits"])


def test_an_escape_heavy_record_is_indexed_cut_and_every_kafka_record_fits_the_writers_limit(
    settings: SinkSettings,
) -> None:
    """H6 (a): 700,000 control characters (714 bytes gzipped on `logs`) become a 4.2 MB JSON document."""
    rows = rows_of([b"\x01" * 700_000, event("ok")])
    records = index_rows(rows, settings, NOW, NOW)
    assert len(records) == 2
    assert all(len(value) <= KAFKA_MAX_RECORD_BYTES for value in records["value"])
    classified = by_topic(records, "logs.classified")
    assert len(classified) == 2, by_topic(records, "logs.dlq")
    docs = search(settings, query={"term": {"kafka.offset": 0}})
    assert len(docs) == 1 and "truncated" in docs[0]["_source"]["message"]


def test_a_document_too_large_even_cut_is_dead_lettered_alone_and_the_rest_indexed(settings: SinkSettings) -> None:
    """H6: 40 attributes of 60,000 characters each make a 2.4 MB document that no field cut brings under 1 MiB."""
    huge = event("huge", attributes={f"a{i}": "v" * 60_000 for i in range(40)})
    records = index_rows(rows_of([huge, event("fine")]), settings, NOW, NOW)
    (letter,) = by_topic(records, "logs.dlq")
    assert letter["stage"] == "index" and "over the limit of 1048576" in letter["reason"]
    assert letter["original_bytes"] == str(len(huge)) and len(letter["value"]) <= 256 * 1024
    assert [json.loads(r["value"])["message"] for r in by_topic(records, "logs.classified")] == ["fine"]


def test_the_documents_taken_are_handed_over_in_order_and_only_those(settings: SinkSettings) -> None:
    """What the rules count (streaming.batch): the documents Elasticsearch took, as their classified records hold
    them, none of the dead letters."""
    huge = event("huge", attributes={f"a{i}": "v" * 60_000 for i in range(40)})
    indexed: list[dict[str, Any]] = []
    records = index_rows(
        rows_of([b"\xff not UTF-8", event("first"), huge, event("second")]), settings, NOW, NOW, indexed.extend
    )
    assert [r["stage"] for r in by_topic(records, "logs.dlq")] == ["parse", "index"]
    assert indexed == [json.loads(r["value"]) for r in by_topic(records, "logs.classified")]
    assert [doc["message"] for doc in indexed] == ["first", "second"]


def test_a_bulk_over_elasticsearchs_request_limit_is_split_not_failed(settings: SinkSettings) -> None:
    """H6 (c): 2,000 documents of 60 KB (each `"` escapes to 2 bytes) make a 121 MB bulk; ES takes 100 MB."""
    rows = rows_of([event('"' * 30_000 + str(i)) for i in range(2_000)])
    records = index_rows(rows, settings, NOW, NOW)
    assert len(by_topic(records, "logs.classified")) == 2_000
    es = Elasticsearch(settings.es_url, request_timeout=60)
    es.indices.refresh(index=f"{settings.index_prefix}-*")
    assert es.count(index=settings.index_prefix)["count"] == 2_000


def test_a_bulk_request_refused_whole_is_split_until_it_is_taken(settings: SinkSettings) -> None:
    """H6: with no byte bound, ES refuses the 121 MB request (413); the halves it takes, nothing is lost."""
    unbounded = dataclasses.replace(settings, bulk_max_bytes=1 << 40)
    rows = rows_of([event('"' * 30_000 + str(i)) for i in range(2_000)])
    records = index_rows(rows, unbounded, NOW, NOW)
    assert len(by_topic(records, "logs.classified")) == 2_000
    es = Elasticsearch(settings.es_url, request_timeout=60)
    es.indices.refresh(index=f"{settings.index_prefix}-*")
    assert es.count(index=settings.index_prefix)["count"] == 2_000


def test_a_forged_kafka_timestamp_does_not_create_an_index_of_its_own(settings: SinkSettings, es_url: str) -> None:
    """H7: the record's Kafka timestamp is the producer's choice; far from the batch's time it keeps only its field."""
    old = datetime(1971, 1, 1, tzinfo=UTC)
    future = datetime(2100, 1, 1, tzinfo=UTC)
    recent = NOW - timedelta(days=2)
    rows = rows_of([event("old")], arrived=old) + rows_of([event("future")], arrived=future)
    rows += rows_of([event("two days late")], arrived=recent)
    for offset, row in enumerate(rows):  # distinct positions, as on a real partition
        row["offset"], row["event_id"] = offset, f"h7-{offset}"
    records = index_rows(rows, settings, NOW, NOW)
    assert len(by_topic(records, "logs.classified")) == 3
    es = Elasticsearch(es_url, request_timeout=60)
    indices = sorted(es.indices.get(index=f"{settings.index_prefix}-*"))
    assert indices == sorted({f"{settings.index_prefix}-{day:%Y.%m.%d}" for day in (NOW, recent)})
    docs = {hit["_source"]["message"]: hit for hit in search(settings)}
    assert docs["old"]["_index"] == docs["future"]["_index"] == f"{settings.index_prefix}-{NOW:%Y.%m.%d}"
    assert docs["old"]["_source"]["ingested_at"].startswith("1971-01-01")
    assert docs["two days late"]["_index"] == f"{settings.index_prefix}-{recent:%Y.%m.%d}"


def test_attributes_elasticsearch_would_refuse_are_indexed(settings: SinkSettings) -> None:
    """M1: odd keys, deep nesting and object-versus-value clashes in our own events' attributes."""
    deep: dict[str, Any] = {"leaf": 1}
    for _ in range(30):
        deep = {"d": deep}
    attributes = [
        {"": "empty key", " ": "blank key"},
        {".": 1, "a..b": 2, ".lead": 3, "trail.": 4},
        {"k" * 5_000: "a long key"},
        {"deep": deep},
        {"user": "bob"},
        {"user": {"id": 7}},
        {"list": [{"a": 1}, {"a": {"b": 2}}]},
        {"mix": ["x", {"b": 1}], "a. .b": 1},
        {"n": float("nan"), "inf": float("inf")},
        {"big": 2**70, "é": "ünïcode"},  # past orjson's 64 bits: serialised by json instead
    ]
    rows = rows_of([event(f"m1 {i}", attributes=a) for i, a in enumerate(attributes)])
    records = index_rows(rows, settings, NOW, NOW)
    assert by_topic(records, "logs.dlq") == []
    assert len(search(settings)) == len(attributes)
    big = json.loads(by_topic(records, "logs.classified")[-1]["value"])
    assert big["attributes"] == {"big": 2**70, "é": "ünïcode"}


SECRETS = ("hunter2", "abcdefghijklmnop0123", "s3cr3tT0ken", "4111111111111111")


def test_dead_letters_keep_a_redacted_copy_and_the_originals_hash(settings: SinkSettings) -> None:
    """H5: parse-stage and index-stage dead letters never hold what redaction takes out of indexed events."""
    values = [
        # our event with an unknown level, a bearer token in the message and a password attribute
        event("Authorization: Bearer abcdefghijklmnop0123", level="LOUD", attributes={"password": "hunter2"}),
        # the secret's key spelt with a JSON escape, which only a JSON reader sees as "password"
        b'{"timestamp": "x", "level": "INFO", "service": "s", "message": "m", "pass\\u0077ord": "hunter2"}',
        # the secret inside the reason itself (the bad timestamp is echoed)
        event("m", timestamp="password=hunter2"),
        b'{"message": "db login password=hunter2", "level": ',  # invalid JSON
        b"caf\xe9 login password=hunter2 failed",  # not UTF-8 (a latin-1 byte)
        # refused by Elasticsearch (a keyword term over 32 KB), with a card number and a secret attribute
        event("paid with 4111111111111111", trace_id="t" * 40_000, attributes={"token": "s3cr3tT0ken"}),
    ]
    rows = rows_of(values)
    records = index_rows(rows, settings, NOW, NOW)
    dlq = by_topic(records, "logs.dlq")
    assert [r["stage"] for r in dlq] == ["parse"] * 5 + ["index"]
    for record, original in zip(dlq, values, strict=True):
        text = record["value"].decode("utf-8", "surrogateescape")
        assert not any(secret in text or secret in record["reason"] for secret in SECRETS), (text[:300], record)
        assert record["original_sha256"] == hashlib.sha256(original).hexdigest()
        assert record["original_bytes"] == str(len(original))
    assert b"caf\xe9 login" in dlq[4]["value"]  # what is not a secret stays as it came, bad bytes too
    assert json.loads(dlq[0]["value"])["level"] == "LOUD"  # still the record, for whoever fixes and replays it


def test_documents_are_searchable_when_the_sink_returns(settings: SinkSettings) -> None:
    """Freshness: the sink refreshes what it wrote instead of leaving it to the next periodic refresh (1 s)."""
    es = Elasticsearch(settings.es_url, request_timeout=60)
    for attempt in range(3):
        word = f"fresh{uuid.uuid4().hex}"
        index_rows(rows_of([event(f"{word} {i}") for i in range(50)]), settings, NOW, NOW)
        found = es.count(index=settings.index_prefix, query={"match": {"message": word}})["count"]
        assert found == 50, attempt  # no refresh was asked for here
