"""``/silences``: list, create and delete alert silences (the store is :mod:`core.silences`)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar

import elastic_transport
import elasticsearch
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field, model_validator

from api.auth import identity_of
from api.errors import BadRequestError, NotFoundError, UpstreamError
from api.state import AppState, get_state
from core.errors import InvalidSilence
from core.silences import AsyncSilenceStore, new_silence

__all__ = ["router", "SilenceIn", "MAX_SILENCE_S"]

router = APIRouter(tags=["alerts"])

MAX_SILENCE_S = 30 * 86400

T = TypeVar("T")


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


def _store(state: AppState) -> AsyncSilenceStore:
    return AsyncSilenceStore(state.async_es(), state.config.indices.silences, state.config.es.request_timeout_s)


async def _call(state: AppState, call: Awaitable[T]) -> T:
    """Await one silence-store call, its Elasticsearch failures turned into one-sentence API errors."""
    try:
        return await call
    except (elastic_transport.ConnectionError, elastic_transport.ConnectionTimeout) as exc:
        raise UpstreamError(
            f"Elasticsearch at {state.config.es.url} did not answer: start it (make run) or check es.url."
        ) from exc
    except elasticsearch.ApiError as exc:
        raise UpstreamError(
            f"Elasticsearch answered {exc.meta.status} while storing silences: try again shortly."
        ) from exc


@router.get("/silences", summary="Active silences (and expired ones on request)")
async def list_silences(
    state: Annotated[AppState, Depends(get_state)],
    include_expired: Annotated[bool, Query()] = False,
) -> list[dict[str, Any]]:
    items = await _call(state, _store(state).search(include_expired=include_expired))
    return [s.to_dict() for s in items]


@router.post("/silences", status_code=201, summary="Silence alerts by rule, service and/or category")
async def create_silence(
    body: SilenceIn,
    request: Request,
    state: Annotated[AppState, Depends(get_state)],
) -> dict[str, Any]:
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
    return (await _call(state, _store(state).create(silence))).to_dict()


@router.delete(
    "/silences/{silence_id}",
    status_code=204,
    summary="End a silence now",
    responses={404: {"description": "No such silence."}},
)
async def delete_silence(
    silence_id: str,
    state: Annotated[AppState, Depends(get_state)],
) -> Response:
    if not await _call(state, _store(state).delete(silence_id)):
        raise NotFoundError(f"No silence has id '{silence_id[:80]}': list them with GET /silences.")
    return Response(status_code=204)
