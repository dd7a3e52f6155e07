"""``GET /health`` (open, no token) and ``GET /metrics`` (Prometheus text).

``/health`` is open so probes need no token; when tokens are required, a caller without one gets only the
overall status (addresses, paths, pids and job errors are for signed-in callers). Elasticsearch and Kafka are
asked at most once per ``HEALTH_CACHE_S``, so a flood of probes is not a flood of backend calls.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import elastic_transport
import elasticsearch
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from api.auth import identity_of
from api.metrics import CONTENT_TYPE_LATEST
from api.state import AppState, get_state
from api.tail import HubStatus
from core.contract import rfc3339, status_path

__all__ = ["router", "read_status_file", "overall"]

router = APIRouter(tags=["health"])

OK, DEGRADED, DOWN = "ok", "degraded", "down"
HEALTH_CACHE_S = 2.0


def read_status_file(path: Path, stale_s: float, what: str, now: datetime | None = None) -> dict[str, Any]:
    """A component's status file, judged for freshness.

    :param path: the JSON file the component rewrites as it works.
    :param stale_s: older than this is "down" (the writer stopped).
    :param what: the component's name, for the sentence.
    :param now: the current time (tests pass one).
    """
    now = now or datetime.now(UTC)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {
            "status": DOWN,
            "detail": f"The {what} has not reported yet ({path} is missing): start it (make run).",
        }
    except (OSError, ValueError):
        return {"status": DOWN, "detail": f"The {what} status file {path} is unreadable: restart the {what}."}
    if not isinstance(data, dict):
        return {
            "status": DOWN,
            "detail": f"The {what} status file {path} is not a JSON object: restart the {what}.",
        }
    try:
        updated = datetime.fromisoformat(str(data.get("updated_at", "")).replace("Z", "+00:00"))
        if updated.tzinfo is None:
            updated = updated.replace(tzinfo=UTC)
        age_s = (now - updated).total_seconds()
    except ValueError:
        return {
            **data,
            "status": DOWN,
            "detail": f"The {what} status has no valid updated_at: restart the {what}.",
        }
    out: dict[str, Any] = {**data, "age_s": round(age_s, 1)}
    if age_s > stale_s:
        out.update(status=DOWN, detail=f"The {what} last reported {age_s:.0f} s ago: check that it is running.")
    elif data.get("query_active") is False:
        out.update(status=DOWN, detail=f"The {what} reports its query is not active: see its log.")
    else:
        out.update(status=OK, detail=f"The {what} reported {age_s:.0f} s ago.")
    return out


def overall(components: dict[str, dict[str, Any]]) -> str:
    """Down when search cannot work (Elasticsearch), degraded when anything else is not ok."""
    if components["elasticsearch"]["status"] == DOWN:
        return DOWN
    return OK if all(c["status"] == OK for c in components.values()) else DEGRADED


async def _es_health(state: AppState) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        es = state.async_es().options(request_timeout=state.config.api.health_timeout_s, max_retries=0)
        body = (await es.cluster.health()).body
    except (elasticsearch.ApiError, elastic_transport.TransportError) as exc:
        return {
            "status": DOWN,
            "detail": f"Elasticsearch at {state.config.es.url} did not answer "
            f"({type(exc).__name__}): start it (make run) or check es.url.",
        }
    cluster = str(body.get("status", "red"))
    latency_ms = round((time.perf_counter() - started) * 1000, 1)
    status = {"green": OK, "yellow": OK, "red": DEGRADED}.get(cluster, DEGRADED)
    return {
        "status": status,
        "detail": f"Cluster status {cluster}.",
        "cluster_status": cluster,
        "latency_ms": latency_ms,
    }


async def _kafka_health(state: AppState) -> dict[str, Any]:
    try:
        ok, detail = await asyncio.wait_for(
            asyncio.to_thread(state.kafka_cluster_ok), state.config.api.health_timeout_s * 3
        )
    except TimeoutError:
        ok, detail = False, f"Kafka at {state.config.kafka.bootstrap_servers} did not answer in time."
    return {"status": OK if ok else DOWN, "detail": detail}


@router.get(
    "/health",
    summary="Health of Kafka, Elasticsearch, the streaming job and the alert consumer",
    responses={503: {"description": "Elasticsearch is down, so search cannot work."}},
)
async def health(request: Request, state: Annotated[AppState, Depends(get_state)]) -> JSONResponse:
    """Overall ``ok``, ``degraded`` or ``down`` (503), with each component's status and a sentence."""
    stale_s = state.config.api.health_stale_s
    var_dir = state.config.var_dir
    async with state.health_lock:
        checked_at, backends = state.health_cache
        if time.monotonic() - checked_at > HEALTH_CACHE_S:
            es_part, kafka_part = await asyncio.gather(_es_health(state), _kafka_health(state))
            backends = {"elasticsearch": es_part, "kafka": kafka_part}
            state.health_cache = (time.monotonic(), backends)
    hub = state.hub
    tail_status = OK if hub.status in (HubStatus.IDLE, HubStatus.LIVE, HubStatus.STARTING) else DEGRADED
    components = {
        **backends,
        "streaming": read_status_file(status_path(var_dir, "streaming"), stale_s, "streaming job"),
        "alerting": read_status_file(status_path(var_dir, "alerting"), stale_s, "alert consumer"),
        "live_tail": {
            "status": tail_status,
            "detail": hub.status_detail or hub.status.value,
            "state": hub.status.value,
            "clients": len(hub.clients),
        },
    }
    status = overall(components)
    code = 503 if status == DOWN else 200
    checked = rfc3339(datetime.now(UTC))
    if state.auth_required and identity_of(request.scope).method == "none":
        return JSONResponse({"status": status, "checked_at": checked}, status_code=code)
    return JSONResponse({"status": status, "checked_at": checked, "components": components}, status_code=code)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(state: Annotated[AppState, Depends(get_state)]) -> Response:
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
