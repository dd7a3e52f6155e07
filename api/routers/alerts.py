"""``GET /alerts``: the alert history the alerting consumer writes to Elasticsearch, newest first."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api.es import es_call
from api.filters import split_values
from api.state import AppState, get_state
from api.timerange import resolve_range

__all__ = ["router", "AlertsResponse"]

router = APIRouter(tags=["alerts"])


class AlertsResponse(BaseModel):
    total: int
    alerts: list[dict[str, Any]]


@router.get("/alerts", response_model=AlertsResponse, summary="Alert history")
async def list_alerts(
    state: Annotated[AppState, Depends(get_state)],
    status: Annotated[Literal["firing", "resolved"] | None, Query()] = None,
    severity: Annotated[list[str] | None, Query(description="LOW, MEDIUM, HIGH, CRITICAL.")] = None,
    service: Annotated[list[str] | None, Query()] = None,
    rule: Annotated[list[str] | None, Query()] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    to: Annotated[str | None, Query(max_length=64)] = None,
    size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AlertsResponse:
    """Alerts generated in the range (default: the last 24 hours), with their delivery status."""
    time_range = resolve_range(from_, to, default_start="now-24h")
    clauses: list[dict[str, Any]] = [
        {
            "range": {
                "generated_at": {
                    "gte": int(time_range.start.timestamp() * 1000),
                    "lte": int(time_range.end.timestamp() * 1000),
                    "format": "epoch_millis",
                }
            }
        }
    ]
    if status:
        clauses.append({"term": {"status": status}})
    for name, values in (
        ("severity", [v.upper() for v in split_values(severity)]),
        ("service", list(split_values(service))),
        ("rule", list(split_values(rule))),
    ):
        if values:
            clauses.append({"terms": {name: values}})
    es = state.async_es()
    result = await es_call(
        es.options(request_timeout=state.es_timeout_s).search(
            index=state.config.indices.alerts,
            ignore_unavailable=True,
            allow_no_indices=True,
            size=size,
            query={"bool": {"filter": clauses}},
            sort=[
                {"generated_at": {"order": "desc", "unmapped_type": "date"}},
                {"received_at": {"order": "desc", "unmapped_type": "date"}},
            ],
        ),
        "alerts query",
        state.config.es.url,
    )
    hits = result.get("hits", {})
    return AlertsResponse(
        total=int(hits.get("total", {}).get("value", 0)),
        alerts=[h.get("_source", {}) for h in hits.get("hits", [])],
    )
