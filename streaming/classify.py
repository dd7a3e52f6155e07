"""Classify stage: the nlp model labels each parsed event's message, a whole Arrow batch at a time.

The model is loaded once per Python worker and reloaded when the artifact on disk changes, so a retrained
model is picked up by the running query without a restart.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp import Classifier, default_model_path, load_classifier

__all__ = ["ModelCache", "label"]

logger = logging.getLogger(__name__)

# How often a worker looks at the artifact's mtime; a new model is live within this long.
RELOAD_CHECK_S = 5.0


@dataclass
class ModelCache:
    """A worker's model, reloaded when the artifact's mtime changes (looked at every ``check_s`` at most).

    :param path: artifact path (``nlp.default_model_path()`` when None).
    :param check_s: seconds between looks at the artifact, so a batch does not cost a stat().
    """

    path: Path | None = None
    check_s: float = RELOAD_CHECK_S
    _model: Classifier | None = None
    _mtime: int | None = None
    _checked_at: float = 0.0

    def get(self) -> Classifier:
        now = time.monotonic()
        if self._model is not None and now - self._checked_at < self.check_s:
            return self._model
        self._checked_at = now
        path = self.path or default_model_path()
        mtime = os.stat(path).st_mtime_ns
        if self._model is None or mtime != self._mtime:
            self._model, self._mtime = load_classifier(path), mtime
            logger.info('model loaded version="%s" path="%s"', self._model.version, path)
        return self._model


# Python workers are reused across tasks: one cache per worker process.
_worker_model = ModelCache()


def label(rows: list[dict[str, Any]], models: ModelCache = _worker_model) -> None:
    """Add ``category``, ``category_confidence`` and ``model_version`` to the parsed rows without an error.

    :param rows: the parse stage's rows, changed in place.
    :param models: where the model comes from (the worker's cache by default).
    """
    events = [row for row in rows if row["error"] is None]
    if not events:
        return
    model = models.get()
    labels, confidences = model.classify_batch([row["message"] for row in events])
    for row, category, confidence in zip(events, labels, confidences, strict=True):
        row.update(category=category, category_confidence=confidence, model_version=model.version)
