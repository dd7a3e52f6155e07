"""/alerts reads the alert history index; /silences creates, lists and ends silences via core.silences."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from starlette.testclient import TestClient

from alerting.history import ALERTS_MAPPING
from tests.api.conftest import AppFactory, make_config

pytestmark = pytest.mark.integration


def alert(i: int, status: str, severity: str, service: str, minutes_ago: int) -> dict[str, Any]:
    at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return {
        "alert_id": f"a{i}",
        "status": status,
        "rule": "error_rate" if i % 2 else "failed_logins",
        "severity": severity,
        "service": service,
        "category": "security",
        "window_start": (at - timedelta(minutes=5)).isoformat(),
        "window_end": at.isoformat(),
        "value": 12.0,
        "threshold": 10.0,
        "samples": ["<b>x</b> & y"],
        "dashboard_url": "http://x/?service=a",
        "generated_at": at.isoformat(),
        "received_at": at.isoformat(),
        "delivery_status": "sent",
        "deliveries": [
            {
                "route": "oncall",
                "sender": "slack",
                "target": "#ops",
                "status": "sent",
                "at": at.isoformat(),
                "error": None,
            }
        ],
    }


@pytest.fixture
def alerts_client(app_factory: AppFactory, es_url: str, es_client: Elasticsearch, tmp_path: Path) -> TestClient:
    index = f"alerts_test_{uuid.uuid4().hex[:8]}"
    es_client.indices.create(index=index, mappings=ALERTS_MAPPING)
    docs = [
        alert(1, "firing", "HIGH", "auth", 5),
        alert(2, "resolved", "LOW", "checkout", 30),
        alert(3, "firing", "CRITICAL", "checkout", 60),
        alert(4, "firing", "LOW", "auth", 60 * 30),
    ]
    for doc in docs:
        es_client.index(index=index, id=doc["alert_id"], document=doc)
    es_client.indices.refresh(index=index)
    return app_factory(make_config(tmp_path, es_url=es_url, alerts_index=index))


def test_alerts_newest_first_in_last_24h(alerts_client: TestClient) -> None:
    body = alerts_client.get("/alerts").json()
    assert [a["alert_id"] for a in body["alerts"]] == ["a1", "a2", "a3"] and body["total"] == 3
    assert body["alerts"][0]["samples"] == ["<b>x</b> & y"]


@pytest.mark.parametrize(
    ("params", "ids"),
    [
        ({"status": "firing"}, ["a1", "a3"]),
        ({"severity": "critical,high"}, ["a1", "a3"]),
        ({"service": "checkout"}, ["a2", "a3"]),
        ({"rule": "failed_logins"}, ["a2"]),
        ({"from": "now-2d"}, ["a1", "a2", "a3", "a4"]),
    ],
)
def test_alerts_filters(alerts_client: TestClient, params: dict[str, str], ids: list[str]) -> None:
    assert [a["alert_id"] for a in alerts_client.get("/alerts", params=params).json()["alerts"]] == ids


def test_alerts_missing_index_is_empty(app_factory: AppFactory, es_url: str, tmp_path: Path) -> None:
    client = app_factory(make_config(tmp_path, es_url=es_url, alerts_index="no_such_alerts"))
    assert client.get("/alerts").json() == {"total": 0, "alerts": []}


def test_silences_create_list_delete_in_the_configured_index(
    app_factory: AppFactory, es_url: str, es_client: Elasticsearch, tmp_path: Path
) -> None:
    index = f"silences_{uuid.uuid4().hex[:8]}"
    client = app_factory(make_config(tmp_path, es_url=es_url, silences_index=index))
    assert client.get("/silences").json() == []  # no index yet: none, not an error
    service = f"svc-{uuid.uuid4().hex[:6]}"
    created = client.post(
        "/silences", json={"rule": "error_rate", "service": service, "duration_s": 3600, "comment": "deploying"}
    )
    assert created.status_code == 201, created.text
    silence = created.json()
    assert silence["service"] == service and silence["created_by"] == "anonymous"
    listed = client.get("/silences").json()
    assert [s["id"] for s in listed] == [silence["id"]]
    assert es_client.get(index=index, id=silence["id"])["_source"]["service"] == service
    assert client.delete(f"/silences/{silence['id']}").status_code == 204
    assert all(s["id"] != silence["id"] for s in client.get("/silences").json())
    missing = client.delete(f"/silences/{silence['id']}")
    assert missing.status_code == 404 and "No silence has id" in missing.json()["detail"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"duration_s": 3600}, "at least one of rule, service or category"),
        ({"service": "a", "duration_s": 5}, "duration_s"),
        ({"category": "nonsense", "duration_s": 3600}, "unknown"),
    ],
)
def test_silences_bad_requests_are_sentences(
    app_factory: AppFactory, es_url: str, tmp_path: Path, body: dict[str, Any], words: str
) -> None:
    client = app_factory(make_config(tmp_path, es_url=es_url))
    response = client.post("/silences", json=body)
    assert response.status_code in (400, 422)
    assert words in response.json()["detail"]
