"""/health combines Elasticsearch, Kafka and the two status files; /metrics speaks Prometheus."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.routers.health import overall, read_status_file
from api.tokens import TokenStore
from tests.api.conftest import AppFactory, make_config

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def write_status(var_dir: Path, part: str, age_s: float, **fields: object) -> None:
    path = var_dir / part / "status.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    updated = (datetime.now(UTC) - timedelta(seconds=age_s)).isoformat().replace("+00:00", "Z")
    path.write_text(json.dumps({"updated_at": updated, **fields}))


def test_health_status_file_fresh_stale_missing_broken(tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    assert read_status_file(path, 60, "streaming job", NOW)["status"] == "down"
    path.write_text("{not json")
    assert "unreadable" in read_status_file(path, 60, "streaming job", NOW)["detail"]
    path.write_text(json.dumps({"updated_at": "2024-05-01T11:59:30Z", "query_active": True, "kafka_lag": 3}))
    fresh = read_status_file(path, 60, "streaming job", NOW)
    assert fresh["status"] == "ok" and fresh["kafka_lag"] == 3 and fresh["age_s"] == 30
    path.write_text(json.dumps({"updated_at": "2024-05-01T11:50:00Z", "query_active": True}))
    assert "600 s ago" in read_status_file(path, 60, "streaming job", NOW)["detail"]
    path.write_text(json.dumps({"updated_at": "2024-05-01T11:59:59Z", "query_active": False}))
    assert read_status_file(path, 60, "streaming job", NOW)["status"] == "down"


def test_health_overall_rules() -> None:
    ok = {"status": "ok"}
    assert overall({"elasticsearch": ok, "kafka": ok}) == "ok"
    assert overall({"elasticsearch": ok, "kafka": {"status": "down"}}) == "degraded"
    assert overall({"elasticsearch": {"status": "down"}, "kafka": ok}) == "down"


def test_health_everything_down_is_503_and_open(app_factory: AppFactory, tmp_path: Path) -> None:
    client = app_factory(make_config(tmp_path))
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert "did not answer" in body["components"]["elasticsearch"]["detail"]
    assert body["components"]["kafka"]["status"] == "down"


@pytest.mark.integration
def test_health_all_parts_up_is_ok(app_factory: AppFactory, tmp_path: Path, es_url: str, kafka_bootstrap: str) -> None:
    write_status(tmp_path, "streaming", 5, query_active=True, batch_id=7, kafka_lag=0, model_version="nb-1")
    write_status(tmp_path, "alerting", 5, consumed=3, sent=3, failed=0, dlq=0, lag=0)
    client = app_factory(make_config(tmp_path, es_url=es_url, kafka=kafka_bootstrap))
    body = client.get("/health").json()
    assert body["status"] == "ok", body
    assert body["components"]["streaming"]["batch_id"] == 7
    assert body["components"]["kafka"]["detail"] == "1 broker(s) reachable"
    write_status(tmp_path, "alerting", 500, consumed=3)
    stale = client.get("/health")
    assert stale.status_code == 200 and stale.json()["status"] == "degraded"


def test_metrics_is_prometheus_text(app_factory: AppFactory, tmp_path: Path) -> None:
    client = app_factory(make_config(tmp_path))
    client.get("/auth/me")
    text = client.get("/metrics").text
    assert "# TYPE logwatch_api_requests_total counter" in text
    assert 'logwatch_api_requests_total{method="GET",route="/auth/me",status="200"} 1.0' in text
    assert "logwatch_api_ws_clients 0.0" in text


def test_health_tells_callers_without_a_token_only_the_status(app_factory: AppFactory, tmp_path: Path) -> None:
    # Audit L3: the open /health gave anyone (a tunnel included) addresses, var/ paths, pids and job errors.
    client = app_factory(make_config(tmp_path, auth="required", rate_limit_per_s=0))
    anonymous = client.get("/health")
    assert anonymous.status_code == 503 and set(anonymous.json()) == {"status", "checked_at"}
    state = client.app.state.logwatch  # type: ignore[attr-defined]
    checked_at = state.health_cache[0]
    token = TokenStore.for_var_dir(tmp_path).create("ops")
    full = client.get("/health", headers={"Authorization": f"Bearer {token}"}).json()
    assert full["components"]["kafka"]["status"] == "down"
    # The backends were asked once for both answers: a flood of probes is not a flood of ES and Kafka calls.
    assert state.health_cache[0] == checked_at
