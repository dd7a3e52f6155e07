"""The model cache the classify stage's workers keep picks up a retrained artifact without a restart."""

from __future__ import annotations

import shutil
from pathlib import Path

from nlp import ModelCache, default_model
from nlp.model import TrainConfig
from nlp.training import train
from streaming.classify import label
from streaming.overrides import default_overrides


def test_new_artifact_on_disk_replaces_the_loaded_model(tmp_path: Path) -> None:
    path = tmp_path / "classifier.joblib"
    first = train(out=path, force=True, config=TrainConfig(alpha=1.0))
    first_copy = tmp_path / "first" / "classifier.joblib"
    first_copy.parent.mkdir()
    shutil.copy(path, first_copy)
    shutil.copy(path.with_suffix(".json"), first_copy.with_suffix(".json"))
    cache = ModelCache(path)
    assert cache.get().version == first.metadata["version"]
    # Within the check interval the worker keeps the model it has: no stat() per batch. (An interval longer
    # than the test, so a slow second training cannot end it.)
    cache.check_s = 3600.0

    second = train(out=path, force=True, config=TrainConfig(alpha=0.5))
    assert second.metadata["version"] != first.metadata["version"]
    assert cache.get().version == first.metadata["version"]
    cache.check_s = 0.0
    assert cache.get().version == second.metadata["version"]

    # Asked for another artifact (the job ships each version under a name of its own), it loads that one at once.
    cache.check_s = 3600.0
    shipped = tmp_path / "shipped" / "classifier-first.joblib"
    shipped.parent.mkdir()
    for source, target in ((first_copy, shipped), (first_copy.with_suffix(".json"), shipped.with_suffix(".json"))):
        shutil.copy(source, target)
    assert cache.get(shipped).version == first.metadata["version"]
    assert cache.get(shipped) is cache.get(shipped)
    assert cache.get().version == second.metadata["version"]


def test_the_classify_stage_uses_nlp_s_one_default_model() -> None:
    # One cache per process: the stage's default is the package's, not a second copy.
    assert label.__defaults__ == (default_model, default_overrides)
