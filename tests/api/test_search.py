"""/logs/search, /logs/{event_id}, /logs/stats and /logs/trends against a real, seeded Elasticsearch."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.contract import rfc3339_ms
from streaming.es_index import index_name
from tests.api.conftest import AppFactory, make_config
from tests.api.seed import make_doc, seed_docs

pytestmark = pytest.mark.integration

WIDE = {"from": "now-3h", "to": "now+1m"}


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/logs/search", params={**WIDE, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_search_returns_newest_first_with_total(search_client: TestClient) -> None:
    body = search(search_client, size=20)
    assert body["total"] == 240 and body["total_relation"] == "eq"
    stamps = [h["doc"]["timestamp"] for h in body["hits"]]
    assert len(stamps) == 20 and stamps == sorted(stamps, reverse=True)
    assert body["range"]["from"].endswith("Z") and body["next"]


def test_search_default_range_is_last_15_minutes(search_client: TestClient) -> None:
    body = search_client.get("/logs/search", params={"size": 500}).json()
    assert 25 <= body["total"] <= 31


def test_search_sort_ascending(search_client: TestClient) -> None:
    stamps = [h["doc"]["timestamp"] for h in search(search_client, sort="asc", size=30)["hits"]]
    assert stamps == sorted(stamps)


def test_search_after_pages_through_everything_once(search_client: TestClient) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params: dict[str, Any] = {"size": 70}
        if cursor:
            params["search_after"] = cursor
        body = search(search_client, **params)
        seen += [h["event_id"] for h in body["hits"]]
        cursor = body["next"]
        if not cursor:
            break
    assert len(seen) == 240 and len(set(seen)) == 240


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"service": "checkout"}, lambda d: d["service"] == "checkout"),
        ({"service": "checkout,auth"}, lambda d: d["service"] in ("checkout", "auth")),
        ({"level": "warning"}, lambda d: d["level"] == "WARN"),
        ({"category": "Security"}, lambda d: d["category"] == "security"),
        ({"host": "web-2"}, lambda d: d["host"] == "web-2"),
        ({"q": "login -admin1"}, lambda d: "login" in d["message"].lower()),
        ({"q": "service:search OR service:inventory"}, lambda d: d["service"] in ("search", "inventory")),
        ({"q": "attributes.status:500"}, lambda d: d["attributes"]["status"] == 500),
        ({"q": "redactions:>1"}, lambda d: d["redactions"] == 2),
        ({"q": "exception.type:TimeoutError"}, lambda d: d["exception"]["type"] == "TimeoutError"),
        ({"q": "lat*"}, lambda d: "latency" in d["message"]),
        ({"q": '"invalid password"', "service": "auth"}, lambda d: d["service"] == "auth"),
        # The keyword sub-field has no doc values (streaming.es_index): exact and wildcard matches still work.
        (
            {"q": 'message.keyword:"Worker 7 started <b>ok</b> & ready"'},
            lambda d: d["message"] == "Worker 7 started <b>ok</b> & ready",
        ),
        ({"q": "message.keyword:Order*EUR"}, lambda d: d["category"] == "business"),
    ],
)
def test_search_filters_narrow_results(search_client: TestClient, params: dict[str, Any], check: Any) -> None:
    body = search(search_client, size=500, **params)
    assert 0 < body["total"] < 240
    assert all(check(h["doc"]) for h in body["hits"])


@pytest.mark.parametrize(
    ("query", "same_as"),
    [
        ("redactions:<1e23", "redactions:*"),
        ("redactions:>=-99999999999", "redactions:*"),
        ("kafka.partition:<=3000000000", "kafka.partition:*"),
        ("kafka.offset:>-1e20", "kafka.offset:*"),
        ("redactions:>1e23", None),
        ("kafka.offset:>=9223372036854775808", None),
        ("kafka.partition:<-3000000000", None),
    ],
)
def test_search_number_past_the_fields_type_is_answered(
    search_client: TestClient, query: str, same_as: str | None
) -> None:
    # Elasticsearch refuses such a range (400 "out of range for an integer"); every value lies on one side of it.
    expected = search(search_client, q=same_as)["total"] if same_as else 0
    assert search(search_client, q=query)["total"] == expected
    assert expected != 0 or same_as is None


def test_search_highlights_are_text_segments(search_client: TestClient) -> None:
    body = search(search_client, q="login", size=5)
    segs = body["hits"][0]["highlight"]["message"]
    assert any(s["hit"] and s["text"].lower() == "login" for s in segs)
    assert "".join(s["text"] for s in segs) == body["hits"][0]["doc"]["message"]
    html = search(search_client, q="worker ready", size=1)["hits"][0]
    assert "<b>ok</b>" in "".join(s["text"] for s in html["highlight"]["message"])


def test_search_without_query_has_no_highlight(search_client: TestClient) -> None:
    assert all(h["highlight"] == {} for h in search(search_client, size=5)["hits"])


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"q": "(timeout"}, "position 0"),
        ({"q": "foo:bar"}, "Unknown field 'foo'"),
        ({"q": "a AND"}, "nothing after it"),
        ({"size": 501}, "size must be at most 500"),
        ({"from": "yesterday"}, "must be a time like"),
        ({"from": "now", "to": "now-1h"}, "must be before"),
        ({"search_after": "not-a-cursor"}, "not a cursor"),
        ({"sort": "sideways"}, "Parameter 'sort' is invalid"),
    ],
)
def test_search_bad_input_is_400_with_a_sentence(search_client: TestClient, params: dict[str, Any], words: str) -> None:
    response = search_client.get("/logs/search", params=params)
    assert response.status_code in (400, 422), response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and words in detail and detail.endswith(".")


def test_search_missing_indices_give_empty_results(app_factory: AppFactory, es_url: str, tmp_path: Path) -> None:
    client = app_factory(make_config(tmp_path, es_url=es_url, logs_index="nothing_here"))
    body = client.get("/logs/search").json()
    assert body["total"] == 0 and body["hits"] == [] and body["next"] is None


def test_search_elasticsearch_down_is_503_with_a_sentence(app_factory: AppFactory, tmp_path: Path) -> None:
    client = app_factory(make_config(tmp_path, es_url="http://127.0.0.1:9"))
    response = client.get("/logs/search")
    assert response.status_code == 503
    assert "did not answer" in response.json()["detail"]


def test_get_log_by_event_id(search_client: TestClient) -> None:
    hit = search(search_client, size=1)["hits"][0]
    response = search_client.get(f"/logs/{hit['event_id']}")
    assert response.status_code == 200
    assert response.json()["doc"] == hit["doc"]
    missing = search_client.get("/logs/does-not-exist")
    assert missing.status_code == 404 and "No log has event id" in missing.json()["detail"]


def test_stats_counts_by_field(search_client: TestClient) -> None:
    body = search_client.get("/logs/stats", params=WIDE).json()
    assert body["total"] == 240
    for field in ("category", "level", "service", "host"):
        assert sum(c["count"] for c in body["fields"][field]) == 240
    cats = {c["key"]: c["count"] for c in body["fields"]["category"]}
    assert cats == {"business": 60, "security": 60, "performance": 60, "general": 60}
    narrowed = search_client.get("/logs/stats", params={**WIDE, "service": "auth"}).json()
    assert {c["key"] for c in narrowed["fields"]["service"]} == {"auth"}


def test_trends_histogram_split_by_category(search_client: TestClient, seeded_now: datetime) -> None:
    start = (seeded_now - timedelta(hours=2, minutes=1)).isoformat()
    end = (seeded_now + timedelta(minutes=1)).isoformat()
    body = search_client.get("/logs/trends", params={"from": start, "to": end}).json()
    assert body["interval"] == "2m" and body["split"] == "category"
    assert 60 <= len(body["buckets"]) <= 80
    assert sum(b["total"] for b in body["buckets"]) == 240 == body["total"]
    assert sum(sum(b["counts"].values()) for b in body["buckets"]) == 240
    assert sorted(body["keys"]) == ["business", "general", "performance", "security"]
    assert [b["t_ms"] for b in body["buckets"]] == sorted(b["t_ms"] for b in body["buckets"])
    # The bucket times are Elasticsearch's text of its keys, in the API's one time format.
    assert all(b["t"] == rfc3339_ms(b["t_ms"]) for b in body["buckets"])


def test_trends_split_by_level_or_none(search_client: TestClient) -> None:
    by_level = search_client.get("/logs/trends", params={**WIDE, "split": "level", "q": "service:auth"}).json()
    assert set(by_level["keys"]) <= {"INFO", "WARN", "ERROR", "DEBUG"} and by_level["total"] == 60
    flat = search_client.get("/logs/trends", params={**WIDE, "split": "none"}).json()
    assert flat["split"] is None and flat["keys"] == [] and flat["total"] == 240


def test_trends_bad_split_is_422(search_client: TestClient) -> None:
    response = search_client.get("/logs/trends", params={"split": "message"})
    assert response.status_code == 422 and "split" in response.json()["detail"]


def test_documents_another_writer_stored_come_back(
    app_factory: AppFactory, es_client: Any, es_url: str, tmp_path: Path
) -> None:
    # A lone surrogate (JSON "\ud800") cannot be written as UTF-8 JSON: such a document, which another writer may
    # store (the streaming job replaces them), made the search page, the document and the patterns answer 500.
    # An integer past 64 bits, which orjson (api.responses) cannot write, comes back exact.
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    prefix = f"apitest_odd_{uuid.uuid4().hex[:8]}"
    odd = make_doc(1, at, message="Ledger entry \ud800 posted")
    odd["attributes"] = {"ledger_id": 123456789012345678901234567890, "delta": -9223372036854775809, "n": 7}
    seed_docs(es_client, prefix, [])
    es_client.perform_request(  # ASCII JSON text: the surrogate travels as the escape a writer would send
        "PUT",
        f"/{index_name(at, prefix)}/_doc/{odd['event_id']}",
        body=json.dumps(odd),
        headers={"content-type": "application/json", "accept": "application/json"},
    )
    es_client.indices.refresh(index=f"{prefix}-*")
    client = app_factory(make_config(tmp_path, es_url=es_url, logs_index=prefix))
    hit = search(client)["hits"][0]["doc"]
    assert hit["message"] == "Ledger entry \ufffd posted"
    assert hit["attributes"] == odd["attributes"]
    one = client.get(f"/logs/{odd['event_id']}")
    assert one.status_code == 200, one.text
    assert one.json()["doc"]["message"] == "Ledger entry \ufffd posted"
    patterns = client.get("/logs/patterns", params=WIDE)
    assert patterns.status_code == 200, patterns.text
    assert patterns.json()["patterns"][0]["sample"] == "Ledger entry \ufffd posted"
