"""The silence store: one validation, one set of requests, used alike by the blocking and the asyncio client."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from elastic_transport import HttpxAsyncHttpNode
from elasticsearch import AsyncElasticsearch, Elasticsearch

from alerting.silences import SilenceCache
from core.alert import parse_alert
from core.errors import InvalidSilence
from core.silences import (
    AsyncSilenceStore,
    Silence,
    SilenceStore,
    delete_request,
    new_silence,
    put_request,
    search_request,
)
from tests.alerting.helpers import alert_bytes, alert_dict, wait_until

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def es(es_url: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(es_url, request_timeout=10)
    yield client
    client.close()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"duration_s": 60}, "needs at least one of rule, service or category"),
        ({"rule": "  ", "duration_s": 60}, "needs at least one of rule, service or category"),
        ({"service": "x", "duration_s": 0}, "Duration must be between 0 and 366 days"),
        ({"service": "x", "duration_s": 367 * 86400}, "Duration must be between 0 and 366 days"),
        ({"category": "misc", "duration_s": 60}, "Category 'misc' is unknown"),
    ],
)
def test_bad_silences_are_refused_with_one_sentence(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidSilence, match=words) as info:
        new_silence(**kwargs)
    assert isinstance(info.value, ValueError)


def test_a_new_silence_is_trimmed_timed_and_matches_only_what_it_names() -> None:
    silence = new_silence(rule=" error-rate ", service="", duration_s=600, comment="deploy", created_by="ops", now=NOW)
    assert (silence.rule, silence.service, silence.category) == ("error-rate", None, None)
    assert silence.expires_at - silence.created_at == timedelta(minutes=10)
    assert silence.to_dict()["expires_at"] == "2025-03-01T12:10:00.000Z"
    assert Silence.from_dict(silence.to_dict()) == silence
    alert = parse_alert(alert_dict(rule="error-rate", service="anything"))
    assert silence.matches(alert, NOW + timedelta(minutes=5))
    assert not silence.matches(alert, NOW + timedelta(minutes=11))
    assert not silence.matches(parse_alert(alert_dict(rule="latency")), NOW)


def test_requests_name_the_index_they_are_given() -> None:
    silence = new_silence(service="web", duration_s=60, now=NOW)
    assert put_request("muted", silence) == {
        "index": "muted",
        "id": silence.id,
        "document": silence.to_dict(),
        "refresh": "wait_for",
    }
    assert search_request("muted", now=NOW)["query"] == {"range": {"expires_at": {"gt": "2025-03-01T12:00:00.000Z"}}}
    assert search_request("muted", include_expired=True)["query"] == {"match_all": {}}
    assert delete_request("muted", "abc") == {"index": "muted", "id": "abc", "refresh": "wait_for"}


@pytest.mark.integration
def test_silences_can_be_created_listed_expired_and_deleted(es: Elasticsearch) -> None:
    store = SilenceStore(es, f"silences_{uuid.uuid4().hex[:8]}", 10.0)
    assert store.search() == []  # no index yet
    long = store.create(new_silence(rule="r", duration_s=3600, comment="maintenance", created_by="ops"))
    short = store.create(new_silence(rule="r", service="web", duration_s=4))
    assert {s.id for s in store.search()} == {long.id, short.id}
    assert es.indices.exists(index=store.index)
    wait_until(lambda: {s.id for s in store.search()} == {long.id}, 15, "the short silence to expire", 0.3)
    assert [s.id for s in store.search(include_expired=True)] == [short.id, long.id]  # newest first
    assert store.delete(short.id) is True
    assert store.delete(short.id) is False
    assert [s.id for s in store.search(include_expired=True)] == [long.id]


@pytest.mark.integration
def test_the_asyncio_store_reads_and_writes_the_same_documents(es: Elasticsearch, es_url: str) -> None:
    index = f"silences_{uuid.uuid4().hex[:8]}"

    async def scenario() -> tuple[list[Silence], Silence, list[Silence], bool, bool]:
        client = AsyncElasticsearch(es_url, node_class=HttpxAsyncHttpNode, request_timeout=10)
        try:
            store = AsyncSilenceStore(client, index, 10.0)
            empty = await store.search()
            created = await store.create(new_silence(category="security", duration_s=600))
            found = await store.search()
            return empty, created, found, await store.delete(created.id), await store.delete(created.id)
        finally:
            await client.close()

    blocking = SilenceStore(es, index, 10.0)
    empty, created, found, deleted, again = asyncio.run(scenario())
    assert empty == [] and found == [created] and (deleted, again) == (True, False)
    assert blocking.search(include_expired=True) == []
    assert blocking.create(new_silence(rule="x", duration_s=60)).rule == "x"


@pytest.mark.integration
def test_planted_malformed_silences_are_left_out_and_never_stop_the_consumer(es: Elasticsearch) -> None:
    """Audit M6: anyone who can write the index could plant a document that crashed the alert consumer."""
    store = SilenceStore(es, f"silences_{uuid.uuid4().hex[:8]}", 10.0)
    good = store.create(new_silence(rule="r", duration_s=3600))
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    planted = {
        # Epoch milliseconds: Elasticsearch's date mapping takes them, the silence model did not.
        "bad-time": {"id": "bad-time", "rule": "r", "created_at": 1_700_000_000_000, "expires_at": later},
        "no-id": {"rule": "r", "created_at": later, "expires_at": later},
        "list-matcher": {"id": "list-matcher", "rule": ["r"], "created_at": later, "expires_at": later},
        "naive-time": {
            "id": "naive-time",
            "service": "web",
            "created_at": "2026-01-01T00:00:00",
            "expires_at": "2999-01-01T00:00:00",
        },
        "everything": {"id": "everything", "created_at": later, "expires_at": later},
    }
    for doc_id, doc in planted.items():
        es.index(index=store.index, id=doc_id, document=doc, refresh="wait_for")
    found = {s.id: s for s in store.search()}
    assert set(found) == {good.id, "naive-time"}  # a zone-less time is read as UTC, as everywhere
    cache = SilenceCache(store, refresh_s=0.0)
    cache.refresh(force=True)
    assert cache.match(parse_alert(alert_bytes(rule="r"))) is not None
    assert cache.match(parse_alert(alert_bytes(rule="other", service="web"))) is not None
    assert cache.match(parse_alert(alert_bytes(rule="other", service="api"))) is None
