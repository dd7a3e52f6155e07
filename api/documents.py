"""Find one indexed log document by its event id (its Elasticsearch ``_id``, in whichever daily index)."""

from __future__ import annotations

from typing import Any

from api.errors import NotFoundError
from api.es import es_call
from api.state import AppState

__all__ = ["find_document"]


async def find_document(state: AppState, event_id: str) -> tuple[str, dict[str, Any]]:
    """The daily index and ``_source`` of the document with this event id.

    :param state: the app's state (client, index alias, timeouts).
    :param event_id: the document's event id.
    :raises NotFoundError: no document has it.
    """
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
    return hits[0].get("_index", ""), hits[0].get("_source", {})
