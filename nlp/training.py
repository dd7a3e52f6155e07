"""Train, evaluate and save the classifier; skip the work when the artifact is already up to date."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.pipeline import Pipeline

from nlp.artifact import code_version, default_model_path, read_metadata, save_artifact
from nlp.corpus import DEFAULT_CORPUS, REAL_TEMPLATES, LabelledData, data_hash, load_labelled
from nlp.errors import IncompatibleModelError, TrainingDataError
from nlp.evaluate import metrics
from nlp.model import Classifier, TrainConfig, build_pipeline
from nlp.preprocess import fill_wildcards

__all__ = ["DEFAULT_DATA", "DEFAULT_LABELS", "TrainResult", "evaluate_pipeline", "fit", "train"]

logger = logging.getLogger(__name__)

# The categories of docs/design.md; a user's own data may use any other label set.
DEFAULT_LABELS = ("security", "performance", "business", "general")
# The committed training data: the synthetic corpus and real software's labelled templates.
DEFAULT_DATA = (DEFAULT_CORPUS, REAL_TEMPLATES)


@dataclass(frozen=True)
class TrainResult:
    """What ``train`` did: ``skipped`` when the existing artifact already matched data, code and config."""

    path: Path
    metadata: dict[str, Any]
    skipped: bool


def fit(data: LabelledData, config: TrainConfig) -> Pipeline:
    """Fit a pipeline on all rows of ``data``.

    :param data: labelled messages (normally the train split); a template's typed wildcards (``<ip>``,
        ``<num>``: :func:`nlp.preprocess.fill_wildcards`) are read as the values they stand for.
    :param config: hyper-parameters.
    :raises TrainingDataError: fewer than two labels, or a label too rare to calibrate.
    """
    counts = Counter(data.labels)
    if len(counts) < 2:
        raise TrainingDataError(f"Training needs at least two labels but found {sorted(counts)}: add examples.")
    rare = sorted(label for label, n in counts.items() if n < config.calibration_folds)
    if rare and config.calibration != "none":
        raise TrainingDataError(
            f"Labels {rare} have fewer than {config.calibration_folds} training examples: add more examples of them."
        )
    # A template's rows stay in one calibration fold (rows without a template are their own).
    groups = [f"{s}\0{t or m}" for s, t, m in zip(data.sources, data.templates, data.messages, strict=True)]
    weights = data.weights or [1.0] * len(data)
    # A template row's typed wildcards (<ip>, <num>) become the placeholders a real line of it would give.
    messages = [fill_wildcards(m) for m in data.messages]
    return build_pipeline(config).fit(messages, data.labels, clf__groups=groups, clf__sample_weight=weights)


def evaluate_pipeline(pipeline: Pipeline, data: LabelledData, labels: Sequence[str]) -> dict[str, Any]:
    """Score a fitted pipeline on labelled data.

    :param pipeline: fitted pipeline.
    :param data: the rows to score (normally the test split).
    :param labels: label order for the report.
    """
    classifier = Classifier(pipeline, version="unsaved")
    predicted, confidence = classifier.classify_batch(data.messages)
    return metrics(data.labels, predicted, labels, confidence)


def _up_to_date(out: Path, expected: dict[str, Any]) -> dict[str, Any] | None:
    try:
        meta = read_metadata(out)
    except IncompatibleModelError:
        return None
    if all(meta.get(key) == value for key, value in expected.items()):
        return meta
    return None


def train(
    data_paths: Sequence[Path] | None = None,
    out: Path | None = None,
    config: TrainConfig | None = None,
    force: bool = False,
    labels: Sequence[str] | None = None,
) -> TrainResult:
    """Train on the train split of labelled files, score on their test split, save the artifact.

    :param data_paths: CSV/JSONL files of message,label; :data:`DEFAULT_DATA` when None.
    :param out: artifact path; :func:`nlp.artifact.default_model_path` when None.
    :param config: hyper-parameters; the measured defaults when None.
    :param force: retrain even if the artifact already matches data, code and config.
    :param labels: the allowed label set; rows with other labels are an error. None accepts any.
    """
    paths = [Path(p) for p in (data_paths or DEFAULT_DATA)]
    out = default_model_path() if out is None else Path(out)
    config = config or TrainConfig()
    identity = {"data_hash": data_hash(paths), "code_version": code_version(), "config": config.as_dict()}
    if not force:
        existing = _up_to_date(out, identity)
        if existing is not None:
            logger.info("model up to date path=%s version=%s", out, existing.get("version"))
            return TrainResult(out, existing, skipped=True)

    started = time.perf_counter()
    data = load_labelled(paths)
    if labels is not None:
        unknown = sorted(set(data.labels) - set(labels))
        if unknown:
            raise TrainingDataError(f"Training data has labels {unknown} outside the allowed set {list(labels)}.")
    train_rows, test_rows = data.subset("train"), data.subset("test")
    pipeline = fit(train_rows, config)
    fit_seconds = time.perf_counter() - started
    label_order = [str(c) for c in pipeline.named_steps["clf"].classes_]
    test_metrics = evaluate_pipeline(pipeline, test_rows, label_order) if len(test_rows) else None
    metadata: dict[str, Any] = {
        **identity,
        "labels": label_order,
        "data_files": [p.name for p in paths],
        "n_train": len(train_rows),
        "n_test": len(test_rows),
        "n_sources": len(set(data.sources)),
        "train_seconds": round(fit_seconds, 2),
        "test_metrics": test_metrics,
    }
    saved = save_artifact(pipeline, metadata, out)
    return TrainResult(out, saved, skipped=False)
