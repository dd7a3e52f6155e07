"""``/corrections``: a person says "lines of this log's template are <category>"; list and revoke them.

The store is :mod:`core.corrections` (index ``indices.corrections``). The streaming job applies a correction
to new lines of its template within seconds (``streaming.overrides``), and ``python -m nlp train`` learns
from them (``nlp.corrections``). Who made a correction is the caller's authenticated principal. Making or
revoking one needs the ``silence`` scope: calling a template's security lines general turns their alerts off
as surely as a silence does.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from api.auth import identity_of, require_scope
from api.documents import find_document
from api.errors import BadRequestError, NotFoundError
from api.es import es_result
from api.state import AppState, get_state
from core.corrections import AsyncCorrectionStore, new_correction
from core.errors import InvalidCorrection

__all__ = ["router", "CorrectionIn", "CorrectionOut", "correction_store"]

logger = logging.getLogger(__name__)

router = APIRouter(tags=["corrections"])


class CorrectionIn(BaseModel):
    event_id: str = Field(min_length=1, max_length=256, description="A log of the template to correct.")
    category: str = Field(max_length=50, description="security, performance, business or general.")


class CorrectionOut(BaseModel):
    template_id: str
    template: str
    message: str
    category: str
    previous: str
    event_id: str
    created_by: str
    created_at: str


def correction_store(state: AppState) -> AsyncCorrectionStore:
    return AsyncCorrectionStore(state.async_es(), state.config.indices.corrections, state.es_timeout_s)


@router.get("/corrections", response_model=list[CorrectionOut], summary="Every correction, newest first")
async def list_corrections(state: Annotated[AppState, Depends(get_state)]) -> list[CorrectionOut]:
    return [
        CorrectionOut(**c.to_dict())
        for c in await es_result(correction_store(state).search(), "corrections request", state.config.es.url)
    ]


@router.post(
    "/corrections",
    status_code=201,
    response_model=CorrectionOut,
    summary="Say which category a log's template is",
    responses={404: {"description": "No log has this event id."}},
)
async def create_correction(
    body: CorrectionIn,
    request: Request,
    state: Annotated[AppState, Depends(get_state)],
) -> CorrectionOut:
    """Store that lines of the template of log ``event_id`` are ``category`` (replacing the template's earlier
    correction). New lines of that template get this category within seconds.
    """
    require_scope(request.scope, "silence")
    _, doc = await find_document(state, body.event_id)
    try:
        correction = new_correction(doc, body.category, identity_of(request.scope).name)
    except InvalidCorrection as exc:
        raise BadRequestError(str(exc)) from exc
    return CorrectionOut(
        **(
            await es_result(correction_store(state).create(correction), "corrections request", state.config.es.url)
        ).to_dict()
    )


@router.delete(
    "/corrections/{template_id}",
    status_code=204,
    summary="Revoke a template's correction",
    responses={404: {"description": "The template has no correction."}},
)
async def delete_correction(
    template_id: Annotated[str, Path(min_length=1, max_length=256)],
    request: Request,
    state: Annotated[AppState, Depends(get_state)],
) -> Response:
    require_scope(request.scope, "silence")
    if not await es_result(correction_store(state).delete(template_id), "corrections request", state.config.es.url):
        raise NotFoundError(f"Template '{template_id[:80]}' has no correction: list them with GET /corrections.")
    logger.info("correction revoked template_id=%r by=%r", template_id, identity_of(request.scope).name)
    return Response(status_code=204)
