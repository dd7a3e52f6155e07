"""``GET /logs/stats`` (counts by field) and ``GET /logs/trends`` (date histogram split by a field)."""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from api.filters import LogFilter, log_filter
from api.responses import FastJSONResponse
from api.state import AppState, get_state
from api.timerange import (
    RangeFrom,
    RangeTo,
    TimeRange,
    choose_interval_ms,
    date_histogram,
    format_interval,
    resolve_range,
)
from core.contract import rfc3339, rfc3339_ms

__all__ = [
    "DEFAULT_BUCKETS",
    "DEFAULT_SPLIT",
    "router",
    "StatsResponse",
    "TrendsResponse",
    "trends_answer",
    "trends_body",
]

router = APIRouter(tags=["stats"])

STAT_FIELDS = ("category", "level", "service", "host")
SPLIT_SIZE = 10
# /logs/trends without its parameters (the benchmarks' bare hop and bodies use the same).
DEFAULT_SPLIT: Final = "category"
DEFAULT_BUCKETS: Final = 80


class Count(BaseModel):
    key: str
    count: int


class StatsResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    total: int
    from_: str = Field(alias="from")
    to: str
    fields: dict[str, list[Count]]
    took_ms: int


class Bucket(BaseModel):
    t: str
    t_ms: int
    total: int
    counts: dict[str, int]


class TrendsResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: str = Field(alias="from")
    to: str
    interval: str
    interval_ms: int
    split: str | None
    keys: list[str] = Field(description="Split values, largest first (the stacking order).")
    buckets: list[Bucket]
    total: int
    took_ms: int


@router.get("/logs/stats", response_model=StatsResponse, summary="Counts by category, level, service, host")
async def log_stats(
    filters: Annotated[LogFilter, Depends(log_filter)],
    state: Annotated[AppState, Depends(get_state)],
    from_: RangeFrom = None,
    to: RangeTo = None,
) -> StatsResponse:
    """How many logs match, and the top values of each field (for one-click filters)."""
    time_range = resolve_range(from_, to)
    size = state.config.api.stats_max_buckets
    result = await state.search_logs(
        "stats query",
        size=0,
        track_total_hits=True,
        query=filters.es_query(time_range),
        timeout=f"{state.config.api.search_timeout_ms}ms",
        aggs={f: {"terms": {"field": f, "size": size}} for f in STAT_FIELDS},
    )
    aggs = result.get("aggregations", {})
    return StatsResponse(
        total=int(result.get("hits", {}).get("total", {}).get("value", 0)),
        **{"from": rfc3339(time_range.start)},
        to=rfc3339(time_range.end),
        fields={
            f: [Count(key=str(b["key"]), count=int(b["doc_count"])) for b in aggs.get(f, {}).get("buckets", [])]
            for f in STAT_FIELDS
        },
        took_ms=int(result.get("took", 0)),
    )


def trends_body(
    filters: LogFilter, time_range: TimeRange, step_ms: int, split: str, timeout_ms: int = 5000
) -> dict[str, Any]:
    """The Elasticsearch body of a trends query (the benchmark sends it directly too).

    :param filters: query text and field filters.
    :param time_range: the resolved range.
    :param step_ms: histogram interval.
    :param split: field whose top values stack each bar, or ``none``.
    :param timeout_ms: Elasticsearch's own search timeout.
    """
    histogram = date_histogram(time_range, step_ms)
    if split != "none":
        histogram["aggs"] = {"split": {"terms": {"field": split, "size": SPLIT_SIZE}}}
    return {
        "size": 0,
        "track_total_hits": True,
        "query": filters.es_query(time_range),
        "timeout": f"{timeout_ms}ms",
        "aggs": {"over_time": histogram},
    }


def trends_answer(result: dict[str, Any], time_range: TimeRange, step_ms: int, split: str) -> dict[str, Any]:
    """The ``TrendsResponse`` of an Elasticsearch answer to :func:`trends_body` (the benchmark's hop uses it too).

    :param result: Elasticsearch's answer.
    :param time_range: the resolved range.
    :param step_ms: histogram interval.
    :param split: field whose top values stack each bar, or ``none``.
    """
    raw = result.get("aggregations", {}).get("over_time", {}).get("buckets", [])
    totals: dict[str, int] = {}
    out: list[dict[str, Any]] = []
    for b in raw:
        counts = {str(s["key"]): s["doc_count"] for s in b["split"]["buckets"]} if "split" in b else {}
        for k, v in counts.items():
            totals[k] = totals.get(k, 0) + v
        key_ms = int(b["key"])
        # Elasticsearch's text of the key is the same RFC 3339 (timerange.date_histogram's format), and free.
        t = b.get("key_as_string") or rfc3339_ms(key_ms)
        out.append({"t": t, "t_ms": key_ms, "total": b["doc_count"], "counts": counts})
    return {
        "from": rfc3339(time_range.start),
        "to": rfc3339(time_range.end),
        "interval": format_interval(step_ms),
        "interval_ms": step_ms,
        "split": None if split == "none" else split,
        "keys": sorted(totals, key=lambda k: (-totals[k], k)),
        "buckets": out,
        "total": int(result.get("hits", {}).get("total", {}).get("value", 0)),
        "took_ms": int(result.get("took", 0)),
    }


@router.get("/logs/trends", response_model=TrendsResponse, summary="Histogram over time, split by a field")
async def log_trends(
    filters: Annotated[LogFilter, Depends(log_filter)],
    state: Annotated[AppState, Depends(get_state)],
    from_: RangeFrom = None,
    to: RangeTo = None,
    split: Annotated[Literal["category", "level", "service", "none"], Query()] = DEFAULT_SPLIT,
    buckets: Annotated[int, Query(ge=10, le=300, description="Roughly how many bars to aim for.")] = DEFAULT_BUCKETS,
) -> FastJSONResponse:
    """Counts per time bucket; the interval is the smallest nice step giving at most ``buckets`` bars."""
    time_range = resolve_range(from_, to)
    step_ms = choose_interval_ms(time_range.span_ms, buckets)
    body = trends_body(filters, time_range, step_ms, split, state.config.api.search_timeout_ms)
    result = await state.search_logs("trends query", **body)
    # Plain JSON like /logs/search: validating 80-300 Bucket models was most of the API's own time here.
    return FastJSONResponse(trends_answer(result, time_range, step_ms, split))
