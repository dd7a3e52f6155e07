"""Classify stage: the nlp model labels each parsed event's message, a whole Arrow batch at a time.

The model comes from nlp's one cache (:data:`nlp.default_model`), kept by each Python worker for its
lifetime: loaded once, and reloaded when the job names another artifact (the driver ships each new version:
streaming.shipped_model), so a retrained model is picked up by the running query without a restart. A line whose
template a person corrected gets that category instead.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from nlp import ModelCache, default_model
from streaming.overrides import Overrides, default_overrides

__all__ = ["label"]

logger = logging.getLogger(__name__)


def label(
    rows: list[dict[str, Any]],
    models: ModelCache = default_model,
    overrides: Overrides = default_overrides,
    *,
    model_path: Path | None = None,
) -> None:
    """Add ``category``, ``category_confidence`` and ``model_version`` to the parsed rows without an error.

    :param rows: the parse stage's rows, changed in place.
    :param models: where the model comes from (nlp's default model by default).
    :param overrides: people's corrections by template, which win over the model (``streaming.overrides``).
    :param model_path: the artifact to classify with; the cache's own (``config.model_path``) when None.
    """
    events = [row for row in rows if row["error"] is None]
    if not events:
        return
    model = models.get(model_path)
    labels, confidences = model.classify_batch([row["message"] for row in events])
    for row, category, confidence in zip(events, labels, confidences, strict=True):
        row.update(category=category, category_confidence=confidence, model_version=model.version)
    overrides.apply(events)
