"""``GET /logs/{event_id}``: one document by its event id (also its Elasticsearch _id, in any daily index)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from api.errors import NotFoundError
from api.es import es_call
from api.state import AppState, get_state

__all__ = ["router", "LogDocument"]

router = APIRouter(tags=["logs"])


class LogDocument(BaseModel):
    event_id: str
    index: str
    doc: dict[str, Any]


@router.get(
    "/logs/{event_id}",
    response_model=LogDocument,
    summary="One log document",
    responses={404: {"description": "No document has this event id."}},
)
async def get_log(
    event_id: Annotated[str, Path(min_length=1, max_length=256)],
    state: Annotated[AppState, Depends(get_state)],
) -> LogDocument:
    """The indexed document with this ``event_id``, as stored."""
    es = state.async_es()
    result = await es_call(
        es.options(request_timeout=state.es_timeout_s).search(
            index=state.index,
            ignore_unavailable=True,
            allow_no_indices=True,
            query={"ids": {"values": [event_id]}},
            size=1,
        ),
        "document lookup",
        state.config.es.url,
    )
    hits = result.get("hits", {}).get("hits", [])
    if not hits:
        raise NotFoundError(f"No log has event id '{event_id[:80]}': it may have aged out or the id is mistyped.")
    return LogDocument(event_id=event_id, index=hits[0].get("_index", ""), doc=hits[0].get("_source", {}))
