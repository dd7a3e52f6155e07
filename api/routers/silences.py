"""``/silences``: list, create and delete alert silences (stored by ``alerting.silences``)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Annotated, Any

import elastic_transport
import elasticsearch
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from api.auth import identity_of
from api.errors import BadRequestError, NotFoundError, UpstreamError
from api.state import AppState, get_state
from core.errors import LogwatchError

__all__ = ["router", "SilenceIn", "MAX_SILENCE_S"]

router = APIRouter(tags=["alerts"])

MAX_SILENCE_S = 30 * 86400


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


def _silences() -> ModuleType:
    try:
        return importlib.import_module("alerting.silences")
    except ImportError as exc:
        raise UpstreamError(
            "Silences are unavailable because alerting.silences cannot be imported: install the alerting package."
        ) from exc


async def _run(state: AppState, fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return await run_in_threadpool(
            fn, state.sync_es(), *args, request_timeout_s=state.config.es.request_timeout_s, **kwargs
        )
    except (elastic_transport.ConnectionError, elastic_transport.ConnectionTimeout) as exc:
        raise UpstreamError(
            f"Elasticsearch at {state.config.es.url} did not answer: start it (make run) or check es.url."
        ) from exc
    except elasticsearch.ApiError as exc:
        raise UpstreamError(
            f"Elasticsearch answered {exc.meta.status} while storing silences: try again shortly."
        ) from exc
    except (LogwatchError, ValueError) as exc:
        if isinstance(exc, UpstreamError):
            raise
        raise BadRequestError(str(exc)) from exc


def _as_dict(silence: Any) -> dict[str, Any]:
    data = silence.to_dict() if hasattr(silence, "to_dict") else dict(silence)
    return data if isinstance(data, dict) else {}


@router.get("/silences", summary="Active silences (and expired ones on request)")
async def list_silences(
    state: Annotated[AppState, Depends(get_state)],
    include_expired: Annotated[bool, Query()] = False,
) -> list[dict[str, Any]]:
    module = _silences()
    items = await _run(state, module.list_silences, include_expired=include_expired)
    return [_as_dict(s) for s in items]


@router.post("/silences", status_code=201, summary="Silence alerts by rule, service and/or category")
async def create_silence(
    body: SilenceIn,
    request: Request,
    state: Annotated[AppState, Depends(get_state)],
) -> dict[str, Any]:
    module = _silences()
    created_by = identity_of(request.scope).name
    silence = await _run(
        state,
        module.create_silence,
        rule=body.rule,
        service=body.service,
        category=body.category,
        duration_s=body.duration_s,
        comment=body.comment,
        created_by=created_by,
    )
    return _as_dict(silence)


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
    module = _silences()
    if not await _run(state, module.delete_silence, silence_id):
        raise NotFoundError(f"No silence has id '{silence_id[:80]}': list them with GET /silences.")
    return Response(status_code=204)
