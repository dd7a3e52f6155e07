"""Shared fixtures: one model trained from the committed corpus into a temporary folder per session."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from nlp import Classifier, load_classifier
from nlp.training import TrainResult, train

logger = logging.getLogger(__name__)


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> TrainResult:
    """Train once per test session on the committed corpus (a few seconds)."""
    out = tmp_path_factory.mktemp("nlp-model") / "classifier.joblib"
    return train(out=out, force=True)


@pytest.fixture(scope="session")
def model_path(trained: TrainResult) -> Path:
    return trained.path


@pytest.fixture(scope="session")
def classifier(model_path: Path) -> Classifier:
    return load_classifier(model_path)
