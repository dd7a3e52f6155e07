"""``GET /logs/{event_id}``: one document by its event id (also its Elasticsearch _id, in any daily index), and
``GET /logs/{event_id}/explain``: its category, and the words that made the model choose it over the runner-up.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from api.documents import find_document
from api.errors import UpstreamError
from api.es import es_result
from api.routers.corrections import CorrectionOut, correction_store
from api.state import AppState, get_state
from nlp import Classifier, ModelCache, NlpError

__all__ = ["router", "LogDocument", "Explanation", "Reason"]

router = APIRouter(tags=["logs"])

# One model cache per artifact path for this process (an app's config names its path).
_models: dict[FilePath, ModelCache] = {}


class LogDocument(BaseModel):
    event_id: str
    index: str
    doc: dict[str, Any]


class Reason(BaseModel):
    feature: str
    weight: float


class Explanation(BaseModel):
    """Why a log has its category: what was indexed, what the current model says now and why."""

    event_id: str
    template_id: str | None
    category: str | None
    confidence: float | None
    model_version: str | None
    predicted: str
    predicted_confidence: float
    runner_up: str
    runner_up_confidence: float
    model: str
    toward: list[Reason]
    against: list[Reason]
    correction: CorrectionOut | None


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
    index, doc = await find_document(state, event_id)
    return LogDocument(event_id=event_id, index=index, doc=doc)


def _explain(model: Classifier, message: str, top: int) -> dict[str, Any]:
    proba = model.predict_proba([message])[0]
    first, second = (int(i) for i in proba.argsort()[::-1][:2])
    predicted, runner_up = model.labels[first], model.labels[second]
    return {
        "predicted": predicted,
        "predicted_confidence": round(float(proba[first]), 4),
        "runner_up": runner_up,
        "runner_up_confidence": round(float(proba[second]), 4),
        "model": model.version,
        "toward": [
            {"feature": f, "weight": w} for f, w in model.explain(message, top, label=predicted, against=runner_up)
        ],
        "against": [
            {"feature": f, "weight": w} for f, w in model.explain(message, top, label=runner_up, against=predicted)
        ],
    }


def _model(path: FilePath) -> Classifier:
    cache = _models.setdefault(path, ModelCache(path))
    try:
        return cache.get()
    except NlpError as exc:
        raise UpstreamError(str(exc)) from exc


@router.get(
    "/logs/{event_id}/explain",
    response_model=Explanation,
    summary="Why a log has its category",
    responses={404: {"description": "No document has this event id."}, 503: {"description": "No model."}},
)
async def explain_log(
    event_id: Annotated[str, Path(min_length=1, max_length=256)],
    state: Annotated[AppState, Depends(get_state)],
    top: Annotated[int, Query(ge=1, le=20, description="How many words to give each way.")] = 5,
) -> Explanation:
    """The category the log was indexed with, and the current model's answer for its message: its choice,
    the runner-up, the words that pushed toward the choice over the runner-up (``toward``) and those that
    pushed the other way (``against``), and the correction of its template, if a person made one.
    """
    _, doc = await find_document(state, event_id)
    model = await run_in_threadpool(_model, state.config.model_path)
    why = await run_in_threadpool(_explain, model, str(doc.get("message") or ""), top)
    template_id = doc.get("template_id")
    correction = (
        await es_result(correction_store(state).get(template_id), "corrections request", state.config.es.url)
        if template_id
        else None
    )
    return Explanation(
        event_id=event_id,
        template_id=template_id,
        category=doc.get("category"),
        confidence=doc.get("category_confidence"),
        model_version=doc.get("model_version"),
        correction=CorrectionOut(**correction.to_dict()) if correction else None,
        **why,
    )
