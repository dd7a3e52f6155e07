"""``/silences``: list, create and delete alert silences (the store is :mod:`core.silences`).

Creating or ending a silence needs the ``silence`` scope; a silence of a whole category (no rule, no service)
lasts at most ``MAX_BROAD_SILENCE_S``, so a mistake or a misused token cannot mute, say, security for a month.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field, model_validator

from api.auth import identity_of, require_scope
from api.errors import BadRequestError, NotFoundError
from api.es import es_result
from api.state import AppState, get_state
from core.errors import InvalidSilence
from core.silences import AsyncSilenceStore, new_silence

__all__ = ["router", "SilenceIn", "MAX_SILENCE_S", "MAX_BROAD_SILENCE_S"]

logger = logging.getLogger(__name__)

router = APIRouter(tags=["alerts"])

MAX_SILENCE_S = 30 * 86400
MAX_BROAD_SILENCE_S = 4 * 3600


class SilenceIn(BaseModel):
    rule: str | None = Field(default=None, max_length=200)
    service: str | None = Field(default=None, max_length=200)
    category: str | None = Field(default=None, max_length=50)
    duration_s: int = Field(ge=60, le=MAX_SILENCE_S, description="How long the silence lasts, in seconds.")
    comment: str = Field(default="", max_length=1000)

    @model_validator(mode="after")
    def _something_to_match(self) -> SilenceIn:
        if not (self.rule or self.service or self.category):
            raise ValueError("a silence needs at least one of rule, service or category")
        return self


def _bounded(body: SilenceIn) -> None:
    if not (body.rule or body.service) and body.duration_s > MAX_BROAD_SILENCE_S:
        raise BadRequestError(
            f"A silence of a whole category lasts at most {MAX_BROAD_SILENCE_S // 3600} hours: "
            "shorten duration_s, or name the rule or service to silence for longer."
        )


def _store(state: AppState) -> AsyncSilenceStore:
    return AsyncSilenceStore(state.async_es(), state.config.indices.silences, state.config.es.request_timeout_s)


@router.get("/silences", summary="Active silences (and expired ones on request)")
async def list_silences(
    state: Annotated[AppState, Depends(get_state)],
    include_expired: Annotated[bool, Query()] = False,
) -> list[dict[str, Any]]:
    items = await es_result(
        _store(state).search(include_expired=include_expired), "silences request", state.config.es.url
    )
    return [s.to_dict() for s in items]


@router.post("/silences", status_code=201, summary="Silence alerts by rule, service and/or category")
async def create_silence(
    body: SilenceIn,
    request: Request,
    state: Annotated[AppState, Depends(get_state)],
) -> dict[str, Any]:
    require_scope(request.scope, "silence")
    _bounded(body)
    try:
        silence = new_silence(
            rule=body.rule,
            service=body.service,
            category=body.category,
            duration_s=body.duration_s,
            comment=body.comment,
            created_by=identity_of(request.scope).name,
        )
    except InvalidSilence as exc:
        raise BadRequestError(str(exc)) from exc
    return (await es_result(_store(state).create(silence), "silences request", state.config.es.url)).to_dict()


@router.delete(
    "/silences/{silence_id}",
    status_code=204,
    summary="End a silence now",
    responses={404: {"description": "No such silence."}},
)
async def delete_silence(
    silence_id: str,
    request: Request,
    state: Annotated[AppState, Depends(get_state)],
) -> Response:
    require_scope(request.scope, "silence")
    if not await es_result(_store(state).delete(silence_id), "silences request", state.config.es.url):
        raise NotFoundError(f"No silence has id '{silence_id[:80]}': list them with GET /silences.")
    logger.info("silence ended id=%r by=%r", silence_id, identity_of(request.scope).name)
    return Response(status_code=204)
