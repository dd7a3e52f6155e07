"""Errors raised by the log classifier.

Every error a user can see is one sentence: what was wrong and what to do.

    NlpError                      base of everything nlp/ raises on purpose
    ├── IncompatibleModelError    the model artifact is missing, corrupt, or was written by an
    │                             incompatible scikit-learn / code version: retrain with `make train`
    ├── TrainingDataError         a labelled data file cannot be read or has no usable rows
    └── ModelNotTrainedError      (subclass of IncompatibleModelError) no artifact exists yet
"""

from __future__ import annotations

import logging

__all__ = ["IncompatibleModelError", "ModelNotTrainedError", "NlpError", "TrainingDataError"]

logger = logging.getLogger(__name__)


class NlpError(Exception):
    """Base class of every error the nlp package raises on purpose."""


class IncompatibleModelError(NlpError):
    """The model artifact cannot be used by this code: corrupt, or from another library/code version."""


class ModelNotTrainedError(IncompatibleModelError):
    """No model artifact exists at the expected path yet."""


class TrainingDataError(NlpError):
    """A labelled data file is unreadable, malformed, or has no usable rows."""
