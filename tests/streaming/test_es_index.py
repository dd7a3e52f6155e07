"""The index template against a real Elasticsearch: the message's keyword sub-field without doc values."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk

from streaming.es_index import ensure_template, index_name

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(hour=12)


@pytest.fixture
def index(es_url: str) -> Iterator[tuple[Elasticsearch, str]]:
    """A daily index of the template holding 2,000 documents."""
    es = Elasticsearch(es_url, request_timeout=60)
    prefix = f"test_index_{uuid.uuid4().hex[:8]}"
    ensure_template(es, prefix)
    name = index_name(NOW, prefix)
    stamps = [NOW - timedelta(seconds=i) for i in range(2000)]
    actions = [
        {
            "_index": name,
            "_id": f"e{i}",
            "_source": {
                "event_id": f"e{i}",
                "timestamp": ts.isoformat(),
                "level": "INFO",
                "service": "checkout",
                "message": f"Payment {i} declined" if i % 2 else f"Order {i} shipped",
            },
        }
        for i, ts in enumerate(stamps)
    ]
    bulk(es, actions, refresh="wait_for")
    yield es, name
    es.indices.delete(index=name)
    es.indices.delete_index_template(name=prefix)
    es.close()


def test_message_keyword_matches_exactly_and_by_wildcard_without_doc_values(index: tuple[Elasticsearch, str]) -> None:
    es, name = index
    mapping = es.indices.get_mapping(index=name)[name]["mappings"]["properties"]["message"]
    assert mapping["fields"]["keyword"]["doc_values"] is False
    exact = es.search(index=name, query={"term": {"message.keyword": "Payment 7 declined"}})
    assert [hit["_id"] for hit in exact["hits"]["hits"]] == ["e7"]
    prefix = es.count(index=name, query={"wildcard": {"message.keyword": {"value": "Order 1?? shipped"}}})
    assert prefix["count"] == 50  # the even numbers from 100 to 198
