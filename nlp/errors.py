"""Errors raised by the log classifier.

Every error a user can see is one sentence: what was wrong and what to do.

LogwatchError                     (core.errors: root of every error the project raises)
└── NlpError                      base of everything nlp/ raises on purpose
    ├── IncompatibleModelError    the model artifact is corrupt, or was written by an incompatible
    │   │                         scikit-learn / code version: retrain with `make train`
    │   └── ModelNotTrainedError  no artifact exists yet
    └── TrainingDataError         a labelled data file cannot be read or has no usable rows
"""

from __future__ import annotations

import logging

from core.errors import LogwatchError

__all__ = ["IncompatibleModelError", "ModelNotTrainedError", "NlpError", "TrainingDataError"]

logger = logging.getLogger(__name__)


class NlpError(LogwatchError):
    """Base class of every error the nlp package raises on purpose."""


class IncompatibleModelError(NlpError):
    """The model artifact cannot be used by this code: corrupt, or from another library/code version."""


class ModelNotTrainedError(IncompatibleModelError):
    """No model artifact exists at the expected path yet."""


class TrainingDataError(NlpError):
    """A labelled data file is unreadable, malformed, or has no usable rows."""
