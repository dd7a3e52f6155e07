"""The classify stage's worker-side model cache picks up a retrained artifact without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.model import TrainConfig
from nlp.training import train
from streaming import classify


def test_new_artifact_on_disk_replaces_the_loaded_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "classifier.joblib"
    first = train(out=path, force=True, config=TrainConfig(alpha=1.0))
    monkeypatch.setattr(classify, "_loaded", {"model": None, "mtime": None, "checked_at": 0.0})
    assert classify.current_model(path).version == first.metadata["version"]

    second = train(out=path, force=True, config=TrainConfig(alpha=0.5))
    assert second.metadata["version"] != first.metadata["version"]
    # Within the check interval the worker keeps the model it has: no stat() per batch.
    assert classify.current_model(path).version == first.metadata["version"]
    monkeypatch.setattr(classify, "RELOAD_CHECK_S", 0.0)
    assert classify.current_model(path).version == second.metadata["version"]
