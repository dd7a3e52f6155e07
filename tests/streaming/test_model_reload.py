"""The classify stage's worker-side model cache picks up a retrained artifact without a restart."""

from __future__ import annotations

from pathlib import Path

from nlp.model import TrainConfig
from nlp.training import train
from streaming.classify import ModelCache


def test_new_artifact_on_disk_replaces_the_loaded_model(tmp_path: Path) -> None:
    path = tmp_path / "classifier.joblib"
    first = train(out=path, force=True, config=TrainConfig(alpha=1.0))
    cache = ModelCache(path)
    assert cache.get().version == first.metadata["version"]

    second = train(out=path, force=True, config=TrainConfig(alpha=0.5))
    assert second.metadata["version"] != first.metadata["version"]
    # Within the check interval the worker keeps the model it has: no stat() per batch.
    assert cache.get().version == first.metadata["version"]
    cache.check_s = 0.0
    assert cache.get().version == second.metadata["version"]
