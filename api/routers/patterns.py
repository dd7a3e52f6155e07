"""``GET /logs/patterns``: the message templates behind a query and time range, most frequent first.

Every indexed document carries ``template_id`` and ``template`` (streaming.templates: the message with its
variable parts as ``<*>``). One Elasticsearch request groups the matching logs by ``template_id``, and gives per
template its count, first and last time, the latest line as a sample, its counts per time bucket and its most
frequent category: the "patterns" view of Loki or Kibana's ``categorize_text``, from fields computed at index
time instead of a clustering pass at query time.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from api.errors import BadRequestError
from api.filters import LogFilter, log_filter
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

__all__ = ["router", "Pattern", "PatternsResponse", "bucket_starts", "patterns_body", "MAX_PATTERNS", "MAX_BUCKETS"]

router = APIRouter(tags=["stats"])

# size x buckets histogram buckets come back in one answer: 200 x 120 stays well under Elasticsearch's
# search.max_buckets (65,536).
MAX_PATTERNS = 200
MAX_BUCKETS = 120
MIN_BUCKETS = 5
# A 1 MB line is one template and one sample: the list shows their start.
MAX_TEXT_CHARS = 2000
_SAMPLE_FIELDS = ["event_id", "timestamp", "message", "template"]


class Pattern(BaseModel):
    template_id: str
    template: str = Field(description="The message with its variable parts as <*> (cut at 2,000 characters).")
    count: int
    first_seen: str
    last_seen: str
    sample: str = Field(description="The latest matching message of this template (cut at 2,000 characters).")
    sample_event_id: str
    category: str | None = Field(description="The most frequent category among its logs.")
    counts: list[int] = Field(description="Logs per time bucket, one per entry of the response's bucket_ms.")


class PatternsResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: str = Field(alias="from")
    to: str
    interval: str
    interval_ms: int
    bucket_ms: list[int] = Field(description="Start of each time bucket, epoch ms.")
    total: int = Field(description="Logs matching the query in the range.")
    other: int = Field(description="Matching logs whose template is not in this list (beyond 'size').")
    patterns: list[Pattern]
    took_ms: int


def _checked(name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise BadRequestError(f"'{name}' must be between {low} and {high}, got {value}.")
    return value


def bucket_starts(time_range: TimeRange, step_ms: int) -> list[int]:
    """The keys of a fixed-interval date histogram over the range (Elasticsearch rounds them from the epoch)."""
    start = int(time_range.start.timestamp() * 1000)
    end = int(time_range.end.timestamp() * 1000)
    return list(range(start - start % step_ms, end + 1, step_ms))


def patterns_body(
    filters: LogFilter, time_range: TimeRange, step_ms: int, size: int, timeout_ms: int = 5000
) -> dict[str, Any]:
    """The Elasticsearch body of a patterns query.

    :param filters: query text and field filters (the same as ``/logs/search``).
    :param time_range: the resolved range.
    :param step_ms: histogram interval.
    :param size: how many templates, most frequent first.
    :param timeout_ms: Elasticsearch's own search timeout.
    """
    return {
        "size": 0,
        "track_total_hits": True,
        "query": filters.es_query(time_range),
        "timeout": f"{timeout_ms}ms",
        "aggs": {
            "templates": {
                # Counts are summed over the daily indices' shards: ask each for more than we show.
                "terms": {"field": "template_id", "size": size, "shard_size": max(100, size * 3)},
                "aggs": {
                    "sample": {
                        "top_hits": {
                            "size": 1,
                            "sort": [{"timestamp": {"order": "desc"}}],
                            "_source": {"includes": _SAMPLE_FIELDS},
                        }
                    },
                    "first": {"min": {"field": "timestamp"}},
                    "last": {"max": {"field": "timestamp"}},
                    "category": {"terms": {"field": "category", "size": 1}},
                    "over_time": date_histogram(time_range, step_ms),
                },
            }
        },
    }


def _cut(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS] + "…"


def _pattern(bucket: dict[str, Any], keys: list[int]) -> Pattern:
    hits = bucket.get("sample", {}).get("hits", {}).get("hits", [])
    hit = hits[0] if hits else {}
    source = hit.get("_source", {})
    by_key = {int(b["key"]): int(b["doc_count"]) for b in bucket.get("over_time", {}).get("buckets", [])}
    categories = bucket.get("category", {}).get("buckets", [])
    return Pattern(
        template_id=str(bucket["key"]),
        template=_cut(source.get("template")),
        count=int(bucket["doc_count"]),
        first_seen=rfc3339_ms(int(bucket["first"]["value"])),
        last_seen=rfc3339_ms(int(bucket["last"]["value"])),
        sample=_cut(source.get("message")),
        sample_event_id=str(source.get("event_id", hit.get("_id", ""))),
        category=str(categories[0]["key"]) if categories else None,
        counts=[by_key.get(k, 0) for k in keys],
    )


@router.get("/logs/patterns", response_model=PatternsResponse, summary="Message templates, most frequent first")
async def log_patterns(
    filters: Annotated[LogFilter, Depends(log_filter)],
    state: Annotated[AppState, Depends(get_state)],
    from_: RangeFrom = None,
    to: RangeTo = None,
    size: Annotated[int, Query(description=f"How many templates (1-{MAX_PATTERNS}), most frequent first.")] = 50,
    buckets: Annotated[
        int, Query(description=f"Roughly how many time buckets per template ({MIN_BUCKETS}-{MAX_BUCKETS}).")
    ] = 30,
) -> PatternsResponse:
    """The templates of the logs matching the query and filters in the range (they filter exactly like
    ``/logs/search``), by count: each with its first and last time, a sample line, its counts per time bucket
    (the interval is chosen as for ``/logs/trends``) and its most frequent category. Search one template's logs
    with ``q=template_id:ID``.
    """
    _checked("size", size, 1, MAX_PATTERNS)
    _checked("buckets", buckets, MIN_BUCKETS, MAX_BUCKETS)
    time_range = resolve_range(from_, to)
    step_ms = choose_interval_ms(time_range.span_ms, buckets)
    body = patterns_body(filters, time_range, step_ms, size, state.config.api.search_timeout_ms)
    result = await state.search_logs("patterns query", **body)
    keys = bucket_starts(time_range, step_ms)
    templates = result.get("aggregations", {}).get("templates", {})
    patterns = sorted(
        (_pattern(b, keys) for b in templates.get("buckets", [])), key=lambda p: (-p.count, p.template_id)
    )
    return PatternsResponse(
        **{"from": rfc3339(time_range.start)},
        to=rfc3339(time_range.end),
        interval=format_interval(step_ms),
        interval_ms=step_ms,
        bucket_ms=keys,
        total=int(result.get("hits", {}).get("total", {}).get("value", 0)),
        other=int(templates.get("sum_other_doc_count", 0)),
        patterns=patterns,
        took_ms=int(result.get("took", 0)),
    )
