"""``GET /logs/search``: query language, field filters, time range, sort, search_after paging, highlights."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from api.errors import BadRequestError
from api.filters import LogFilter, log_filter
from api.responses import FastJSONResponse
from api.state import AppState, get_state
from api.timerange import RangeFrom, RangeTo, TimeRange, resolve_range
from core.contract import rfc3339

__all__ = [
    "router",
    "SearchResponse",
    "Hit",
    "Segment",
    "encode_cursor",
    "decode_cursor",
    "segments",
    "search_body",
]

router = APIRouter(tags=["logs"])

# Private-use characters mark highlights inside Elasticsearch's answer; they never reach a client.
PRE, POST = "\ue000", "\ue001"
HIGHLIGHT_FIELDS = ("message", "exception.message")
MAX_ANALYZED_OFFSET = 100_000


class Segment(BaseModel):
    text: str
    hit: bool


class Hit(BaseModel):
    event_id: str
    index: str
    doc: dict[str, Any]
    highlight: dict[str, list[Segment]] = Field(
        default_factory=dict, description="Per field, the whole value cut into matching and other segments."
    )


class RangeOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: str = Field(alias="from")
    to: str


class SearchResponse(BaseModel):
    total: int
    total_relation: Literal["eq", "gte"]
    hits: list[Hit]
    next: str | None = Field(description="Pass as search_after to get the next page; null on the last page.")
    took_ms: int
    timed_out: bool
    range: RangeOut


def encode_cursor(sort_values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(sort_values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    """The sort values inside a ``next`` cursor.

    :raises BadRequestError: when the cursor was not made by this API.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != 2
        or not all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in values)
    ):
        raise BadRequestError("search_after is not a cursor from this API: pass the 'next' value of a response.")
    return values


def segments(highlighted: str) -> list[dict[str, Any]]:
    """Cut a highlighted field into plain and matching segments (text only, so clients never parse HTML)."""
    out: list[dict[str, Any]] = []
    hit = False
    for part in highlighted.replace(POST, PRE).split(PRE):
        if part:
            out.append({"text": part, "hit": hit})
        hit = not hit
    return out


def search_body(
    filters: LogFilter,
    time_range: TimeRange,
    *,
    sort: str = "desc",
    size: int = 50,
    highlight: bool = True,
    timeout_ms: int = 5000,
    search_after: list[Any] | None = None,
) -> dict[str, Any]:
    """The Elasticsearch search body for one page of results (the benchmark sends it directly too).

    :param filters: query text and field filters.
    :param time_range: the resolved range.
    :param sort: ``desc`` (newest first) or ``asc``.
    :param size: page size.
    :param highlight: whether to mark matches in message and exception message.
    :param timeout_ms: Elasticsearch's own search timeout (partial results after it).
    :param search_after: sort values of the previous page's last hit.
    """
    body: dict[str, Any] = {
        "query": filters.es_query(time_range),
        "sort": [{"timestamp": {"order": sort}}, {"event_id": {"order": sort}}],
        "size": size,
        "track_total_hits": 10_000,
        "timeout": f"{timeout_ms}ms",
    }
    if search_after:
        body["search_after"] = search_after
    if highlight and filters.node is not None:
        body["highlight"] = {
            "pre_tags": [PRE],
            "post_tags": [POST],
            "require_field_match": False,
            "max_analyzed_offset": MAX_ANALYZED_OFFSET,
            "fields": {f: {"number_of_fragments": 0} for f in HIGHLIGHT_FIELDS},
        }
    return body


def _hit(raw: dict[str, Any]) -> dict[str, Any]:
    highlight = {
        field: segments(parts[0])
        for field, parts in raw.get("highlight", {}).items()
        if parts and any(PRE in p for p in parts)
    }
    doc = raw.get("_source", {})
    return {
        "event_id": str(doc.get("event_id", raw.get("_id"))),
        "index": raw.get("_index", ""),
        "doc": doc,
        "highlight": highlight,
    }


@router.get("/logs/search", response_model=SearchResponse, summary="Search logs")
async def search_logs(
    filters: Annotated[LogFilter, Depends(log_filter)],
    state: Annotated[AppState, Depends(get_state)],
    from_: RangeFrom = None,
    to: RangeTo = None,
    sort: Annotated[Literal["desc", "asc"], Query(description="By timestamp: newest or oldest first.")] = "desc",
    size: Annotated[int, Query(ge=1, le=10_000)] = 50,
    search_after: Annotated[str | None, Query(max_length=512, description="The previous page's 'next'.")] = None,
    highlight: bool = True,
) -> FastJSONResponse:
    """Logs matching the query and filters in the time range, newest first by default.

    The query language: words and "phrases" in the message, ``field:value`` (``service:checkout``,
    ``level:error``, ``attributes.user:alice``), prefixes (``time*``), ``AND``/``OR``/``NOT``/``-term``,
    parentheses, and numeric comparisons (``redactions:>0``). A syntax error is a 400 saying where.
    """
    cap = state.config.api.search_max_size
    if size > cap:
        raise BadRequestError(f"size must be at most {cap}: page with search_after instead.")
    time_range = resolve_range(from_, to)
    body = search_body(
        filters,
        time_range,
        sort=sort,
        size=size,
        highlight=highlight,
        timeout_ms=state.config.api.search_timeout_ms,
        search_after=decode_cursor(search_after) if search_after else None,
    )
    result = await state.search_logs("search", **body)
    raw_hits = result.get("hits", {}).get("hits", [])
    total = result.get("hits", {}).get("total", {"value": 0, "relation": "eq"})
    next_cursor = encode_cursor(raw_hits[-1]["sort"]) if len(raw_hits) == size and raw_hits else None
    # Built as plain JSON, not validated through the response model: with 50-500 documents per page the
    # model's validation was most of the API's own time (the model still documents the shape).
    return FastJSONResponse(
        {
            "total": int(total.get("value", 0)),
            "total_relation": total.get("relation", "eq"),
            "hits": [_hit(h) for h in raw_hits],
            "next": next_cursor,
            "took_ms": int(result.get("took", 0)),
            "timed_out": bool(result.get("timed_out", False)),
            "range": {"from": rfc3339(time_range.start), "to": rfc3339(time_range.end)},
        }
    )
