from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sklearn

from core.config import load_config
from nlp import IncompatibleModelError, ModelCache, NlpError, default_model_path, load_classifier
from nlp.artifact import metadata_path
from nlp.errors import ModelNotTrainedError


def _copy(model_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "classifier.joblib"
    shutil.copy(model_path, target)
    shutil.copy(metadata_path(model_path), metadata_path(target))
    return target


def test_loaded_model_carries_content_hash_version(model_path: Path) -> None:
    classifier = load_classifier(model_path)
    meta = json.loads(metadata_path(model_path).read_text())
    assert classifier.version == meta["version"] == meta["sha256"][:12]
    assert set(classifier.labels) == {"security", "performance", "business", "general"}
    assert meta["sklearn_version"] == sklearn.__version__


def test_model_from_another_scikit_learn_major_is_refused_in_one_sentence(model_path: Path, tmp_path: Path) -> None:
    target = _copy(model_path, tmp_path)
    meta = json.loads(metadata_path(target).read_text())
    meta["sklearn_version"] = "0.24.2"
    metadata_path(target).write_text(json.dumps(meta))
    with pytest.raises(IncompatibleModelError) as info:
        load_classifier(target)
    text = str(info.value)
    assert "0.24.2" in text and sklearn.__version__ in text and "make train" in text
    assert text.count(". ") == 0 and "\n" not in text


def test_missing_model_says_to_train(tmp_path: Path) -> None:
    with pytest.raises(ModelNotTrainedError, match="make train"):
        load_classifier(tmp_path / "nothing.joblib")


def test_corrupt_model_is_refused(model_path: Path, tmp_path: Path) -> None:
    target = _copy(model_path, tmp_path)
    target.write_bytes(b"not a pickle at all")
    with pytest.raises(IncompatibleModelError, match="make train"):
        load_classifier(target)


def test_unreadable_pickle_with_matching_hash_is_refused(model_path: Path, tmp_path: Path) -> None:
    import hashlib

    target = _copy(model_path, tmp_path)
    junk = b"\x80\x04junk"
    target.write_bytes(junk)
    meta = json.loads(metadata_path(target).read_text())
    meta["sha256"] = hashlib.sha256(junk).hexdigest()
    metadata_path(target).write_text(json.dumps(meta))
    with pytest.raises(IncompatibleModelError, match="cannot be loaded"):
        load_classifier(target)


def test_missing_metadata_is_refused(model_path: Path, tmp_path: Path) -> None:
    target = _copy(model_path, tmp_path)
    metadata_path(target).unlink()
    with pytest.raises(NlpError, match="metadata"):
        load_classifier(target)


def test_default_model_path_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LOGWATCH_CONFIG", raising=False)
    monkeypatch.delenv("NLP_MODEL_PATH", raising=False)
    monkeypatch.setenv("LOGWATCH_VAR_DIR", str(tmp_path / "var"))
    assert default_model_path() == tmp_path / "var" / "models" / "classifier.joblib"
    monkeypatch.setenv("NLP_MODEL_PATH", str(tmp_path / "m.joblib"))
    assert default_model_path() == tmp_path / "m.joblib"
    monkeypatch.delenv("NLP_MODEL_PATH")
    monkeypatch.delenv("LOGWATCH_VAR_DIR")
    assert default_model_path() == load_config().var_dir / "models" / "classifier.joblib"


def test_var_dir_in_the_config_file_moves_the_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("NLP_MODEL_PATH", "LOGWATCH_VAR_DIR"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "logwatch.yaml"
    config.write_text(f"var_dir: {tmp_path / 'state'}\n")
    monkeypatch.setenv("LOGWATCH_CONFIG", str(config))
    assert default_model_path() == tmp_path / "state" / "models" / "classifier.joblib"
    config.write_text(f"var_dir: {tmp_path / 'state'}\nnlp:\n  model_path: {tmp_path / 'pinned.joblib'}\n")
    assert default_model_path() == tmp_path / "pinned.joblib"


def test_model_cache_serves_the_default_artifact_and_reloads_it(
    monkeypatch: pytest.MonkeyPatch, model_path: Path, tmp_path: Path
) -> None:
    target = _copy(model_path, tmp_path)
    monkeypatch.setenv("NLP_MODEL_PATH", str(target))
    cache = ModelCache(check_s=0.0)
    first = cache.get()
    assert first.version == load_classifier(target).version
    assert cache.get() is first  # unchanged on disk: not loaded again
    target.unlink()
    assert cache.get() is first  # gone for a moment (being replaced): keeps serving the model it has


def test_model_cache_without_an_artifact_says_to_train(tmp_path: Path) -> None:
    with pytest.raises(ModelNotTrainedError, match="make train"):
        ModelCache(tmp_path / "nothing.joblib").get()
