"""``/logs/patterns`` against a real Elasticsearch seeded with three templates of known counts and times."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from starlette.testclient import TestClient

from streaming.templates import template_of
from tests.api.conftest import AppFactory, make_config
from tests.api.seed import make_doc, seed_docs

pytestmark = pytest.mark.integration

# (service, category, message): 30 disk lines, 20 logins, 10 cache lines, spread over the last hour.
KINDS = [
    ("storage", "performance", "Disk sda{i} is {p}% full on volume 7{i}"),
    ("auth", "security", "User u{i} logged in from 10.1.2.{i}"),
    ("cache", "general", "Cache warmed in {p} ms with 12{i} keys"),
]
COUNTS = (30, 20, 10)


def _docs(now: datetime) -> list[dict[str, Any]]:
    docs = []
    i = 0
    for (service, category, text), count in zip(KINDS, COUNTS, strict=True):
        for n in range(count):
            ts = now - timedelta(seconds=97 * (n + 1) + i % 7)
            # One disk line in six is labelled otherwise: the top category is still the one of the others.
            label = "general" if service == "storage" and n % 6 == 0 else category
            doc = make_doc(i, ts, service=service, category=label, message=text.format(i=i, p=40 + n))
            doc.pop("exception", None)
            docs.append(doc)
            i += 1
    return docs


@pytest.fixture(scope="module")
def seeded(es_client: Elasticsearch, seeded_now: datetime) -> dict[str, Any]:
    prefix = f"patterns_{uuid.uuid4().hex[:8]}"
    docs = _docs(seeded_now)
    seed_docs(es_client, prefix, docs)
    return {"prefix": prefix, "docs": docs, "now": seeded_now}


@pytest.fixture
def client(app_factory: AppFactory, es_url: str, seeded: dict[str, Any], tmp_path: Path) -> TestClient:
    return app_factory(make_config(tmp_path, es_url=es_url, logs_index=seeded["prefix"]))


def _range(now: datetime) -> dict[str, str]:
    return {"from": (now - timedelta(hours=1)).isoformat(), "to": (now + timedelta(minutes=1)).isoformat()}


def patterns(client: TestClient, seeded: dict[str, Any], **params: Any) -> dict[str, Any]:
    response = client.get("/logs/patterns", params={**_range(seeded["now"]), **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _ms(doc: dict[str, Any]) -> int:
    return int(datetime.fromisoformat(doc["timestamp"]).timestamp() * 1000)


def test_patterns_lists_templates_by_count_with_times_sample_and_category(
    client: TestClient, seeded: dict[str, Any]
) -> None:
    body = patterns(client, seeded)
    docs = seeded["docs"]
    expected = Counter(d["template_id"] for d in docs)
    assert len(expected) == 3  # the three kinds are three templates
    assert [(p["template_id"], p["count"]) for p in body["patterns"]] == expected.most_common()
    assert [p["count"] for p in body["patterns"]] == [30, 20, 10]
    assert body["total"] == 60 and body["other"] == 0
    for pattern in body["patterns"]:
        mine = [d for d in docs if d["template_id"] == pattern["template_id"]]
        latest, first = max(mine, key=_ms), min(mine, key=_ms)
        assert pattern["template"] == template_of(latest["message"]).text == latest["template"]
        assert pattern["sample"] == latest["message"] and pattern["sample_event_id"] == latest["event_id"]
        assert datetime.fromisoformat(pattern["first_seen"]) == datetime.fromisoformat(first["timestamp"])
        assert datetime.fromisoformat(pattern["last_seen"]) == datetime.fromisoformat(latest["timestamp"])
    assert [p["category"] for p in body["patterns"]] == ["performance", "security", "general"]


def test_patterns_counts_per_time_bucket_match_the_documents(client: TestClient, seeded: dict[str, Any]) -> None:
    body = patterns(client, seeded, buckets=40)
    step = body["interval_ms"]
    assert body["interval"] == "2m" and step == 120_000  # 61 minutes in at most 40 bars, as /logs/trends picks
    keys = body["bucket_ms"]
    assert keys == list(range(keys[0], keys[-1] + step, step)) and 31 <= len(keys) <= 32
    for pattern in body["patterns"]:
        want: dict[int, int] = defaultdict(int)
        for doc in seeded["docs"]:
            if doc["template_id"] == pattern["template_id"]:
                want[_ms(doc) - _ms(doc) % step] += 1
        assert len(pattern["counts"]) == len(keys)
        assert dict((k, c) for k, c in zip(keys, pattern["counts"], strict=True) if c) == want


@pytest.mark.parametrize(
    ("params", "services"),
    [
        ({"q": "disk"}, {"storage"}),
        ({"q": "service:auth"}, {"auth"}),
        ({"service": "cache,auth"}, {"cache", "auth"}),
        ({"category": "general"}, {"storage", "cache"}),
        ({"q": '"logged in" OR warmed'}, {"auth", "cache"}),
    ],
)
def test_patterns_filter_like_search(
    client: TestClient, seeded: dict[str, Any], params: dict[str, Any], services: set[str]
) -> None:
    body = patterns(client, seeded, **params)
    found = client.get("/logs/search", params={**_range(seeded["now"]), **params, "size": 500}).json()
    by_template = Counter(h["doc"]["template_id"] for h in found["hits"])
    assert {p["template_id"]: p["count"] for p in body["patterns"]} == dict(by_template)
    assert body["total"] == found["total"] == sum(by_template.values())
    assert {h["doc"]["service"] for h in found["hits"]} == services


def test_patterns_template_id_query_is_one_template(client: TestClient, seeded: dict[str, Any]) -> None:
    top = patterns(client, seeded)["patterns"][0]
    body = patterns(client, seeded, q=f"template_id:{top['template_id']}")
    assert [(p["template_id"], p["count"]) for p in body["patterns"]] == [(top["template_id"], 30)]
    found = client.get("/logs/search", params={**_range(seeded["now"]), "q": f'template:"{top["template"]}"'})
    assert found.json()["total"] == 30


def test_patterns_size_keeps_the_largest_and_counts_the_rest(client: TestClient, seeded: dict[str, Any]) -> None:
    body = patterns(client, seeded, size=2)
    assert [p["count"] for p in body["patterns"]] == [30, 20]
    assert body["other"] == 10 and body["total"] == 60


def test_patterns_empty_result(client: TestClient, seeded: dict[str, Any]) -> None:
    body = patterns(client, seeded, q="nosuchwordanywhere")
    assert body["patterns"] == [] and body["total"] == 0 and body["other"] == 0
    assert 10 <= len(body["bucket_ms"]) <= 31  # the time axis is there, for an empty table too


def test_patterns_without_indices_is_empty(app_factory: AppFactory, es_url: str, tmp_path: Path) -> None:
    client = app_factory(make_config(tmp_path, es_url=es_url, logs_index="nothing_here"))
    body = client.get("/logs/patterns").json()
    assert body["patterns"] == [] and body["total"] == 0


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"size": 0}, "'size' must be between 1 and 200"),
        ({"size": 201}, "'size' must be between 1 and 200"),
        ({"buckets": 2}, "'buckets' must be between 5 and 120"),
        ({"q": "(disk"}, "position 0"),
        ({"q": "template_ud:x"}, "Unknown field 'template_ud'"),
        ({"from": "yesterday"}, "must be a time like"),
        ({"from": "now", "to": "now-1h"}, "must be before"),
    ],
)
def test_patterns_bad_input_is_400_with_a_sentence(client: TestClient, params: dict[str, Any], words: str) -> None:
    response = client.get("/logs/patterns", params=params)
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and words in detail and detail.endswith(".") and detail.count(". ") == 0


def test_patterns_elasticsearch_down_is_503(app_factory: AppFactory, tmp_path: Path) -> None:
    client = app_factory(make_config(tmp_path, es_url="http://127.0.0.1:9"))
    response = client.get("/logs/patterns")
    assert response.status_code == 503 and "did not answer" in response.json()["detail"]
