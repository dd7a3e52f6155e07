"""Log message classifier: security | performance | business | general, with a confidence.

TF-IDF over masked log text and a calibrated Naive Bayes model (see ``nlp/MODEL.md``), trained on the
project's own corpus (``nlp/data/``). The streaming job calls :func:`classify_batch` from an Arrow
pandas UDF; the API calls :func:`classify` and :func:`explain`. The module-level functions use the
default artifact (:func:`default_model_path`) through :data:`default_model`, the process's one
:class:`ModelCache`: loaded on first use, reloaded when the artifact on disk changes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from nlp.artifact import ModelCache, default_model_path, load_classifier
from nlp.errors import IncompatibleModelError, NlpError

if TYPE_CHECKING:
    from nlp.model import Classifier

__all__ = [
    "Classifier",
    "IncompatibleModelError",
    "ModelCache",
    "NlpError",
    "classify",
    "classify_batch",
    "default_model",
    "default_model_path",
    "explain",
    "load_classifier",
]

logger = logging.getLogger(__name__)

# The process's default model: the streaming job's Python workers and these functions share it.
default_model: Final = ModelCache()


def __getattr__(name: str) -> Any:
    """``Classifier`` on first use: scikit-learn stays out of processes that only read model metadata."""
    if name == "Classifier":
        from nlp.model import Classifier

        return Classifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def classify_batch(messages: Sequence[object]) -> tuple[list[str], list[float]]:
    """Label a batch of messages with the default model.

    :param messages: raw log messages (list, pandas Series or Arrow array); odd values are coerced.
    :returns: labels and confidences, in input order.
    :raises NlpError: the default model is missing or incompatible (run ``make train``).
    """
    return default_model.get().classify_batch(messages)


def classify(message: object) -> tuple[str, float]:
    """Label one message with the default model.

    :param message: one raw log message.
    :raises NlpError: the default model is missing or incompatible (run ``make train``).
    """
    return default_model.get().classify(message)


def explain(
    message: object, top: int = 5, *, label: str | None = None, against: str | None = None
) -> list[tuple[str, float]]:
    """Return the tokens that pushed the default model towards a label for ``message``, strongest first.

    :param message: one raw log message.
    :param top: how many tokens at most.
    :param label: the label to explain; the model's choice when None.
    :param against: the one label to compare with; the average of the others when None.
    :raises NlpError: the default model is missing or incompatible (run ``make train``).
    """
    return default_model.get().explain(message, top=top, label=label, against=against)
