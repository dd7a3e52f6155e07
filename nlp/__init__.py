"""Log message classifier: security | performance | business | general, with a confidence.

TF-IDF over masked log text and a calibrated Naive Bayes model (see ``nlp/MODEL.md``), trained on the
project's own corpus (``nlp/data/``). The streaming job calls :func:`classify_batch` from an Arrow
pandas UDF; the API calls :func:`classify` and :func:`explain`. The module-level functions use the
default artifact (:func:`default_model_path`), loaded once on first use.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from nlp.artifact import default_model_path, load_classifier
from nlp.errors import IncompatibleModelError, NlpError
from nlp.model import Classifier

__all__ = [
    "Classifier",
    "IncompatibleModelError",
    "NlpError",
    "classify",
    "classify_batch",
    "default_model_path",
    "explain",
    "load_classifier",
]

logger = logging.getLogger(__name__)

_default: Classifier | None = None
_default_lock = threading.Lock()


def _default_classifier() -> Classifier:
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = load_classifier()
                logger.info("loaded classifier version=%s path=%s", _default.version, default_model_path())
    return _default


def classify_batch(messages: Sequence[object]) -> tuple[list[str], list[float]]:
    """Label a batch of messages with the default model.

    :param messages: raw log messages (list, pandas Series or Arrow array); odd values are coerced.
    :returns: labels and confidences, in input order.
    :raises NlpError: the default model is missing or incompatible (run ``make train``).
    """
    return _default_classifier().classify_batch(messages)


def classify(message: object) -> tuple[str, float]:
    """Label one message with the default model.

    :param message: one raw log message.
    :raises NlpError: the default model is missing or incompatible (run ``make train``).
    """
    return _default_classifier().classify(message)


def explain(message: object, top: int = 5) -> list[tuple[str, float]]:
    """Return the tokens that pushed the default model's decision for ``message``, strongest first.

    :param message: one raw log message.
    :param top: how many tokens at most.
    :raises NlpError: the default model is missing or incompatible (run ``make train``).
    """
    return _default_classifier().explain(message, top=top)
