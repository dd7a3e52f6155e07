"""Classification metrics as plain data (for the artifact's metadata) and as text (for people)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

__all__ = ["expected_calibration_error", "format_report", "metrics"]

logger = logging.getLogger(__name__)


def expected_calibration_error(
    correct: Sequence[bool], confidence: Sequence[float], bins: int = 10, weights: Sequence[float] | None = None
) -> float:
    """Return the expected calibration error: how far confidence is from accuracy, on average.

    :param correct: whether each prediction was right.
    :param confidence: the confidence given with each prediction.
    :param bins: number of equal-width confidence bins.
    :param weights: how much each prediction counts (default: the same).
    """
    right = np.asarray(correct, dtype=np.float64)
    conf = np.asarray(confidence, dtype=np.float64)
    if len(conf) == 0:
        return 0.0
    weight = np.ones(len(conf)) if weights is None else np.asarray(weights, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            w = weight[mask]
            gap = abs(np.average(right[mask], weights=w) - np.average(conf[mask], weights=w))
            total += w.sum() / weight.sum() * gap
    return float(total)


def metrics(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    labels: Sequence[str],
    confidence: Sequence[float] | None = None,
    present_only: bool = False,
    weights: Sequence[float] | None = None,
) -> dict[str, Any]:
    """Compute per-class precision/recall/F1, macro-F1, accuracy and the confusion matrix.

    :param y_true: reference labels.
    :param y_pred: predicted labels.
    :param labels: label order for the per-class table and the matrix.
    :param confidence: optional confidences, to add the expected calibration error.
    :param present_only: average F1 only over labels that occur in ``y_true`` (for evaluation sets
        that lack a category, where that category's F1 would be a meaningless 0).
    :param weights: how much each prediction counts (the lines a template stands for, say); supports and the
        confusion matrix are then weighted sums, rounded.
    """
    label_list = list(labels)
    macro_labels = [label for label in label_list if label in set(y_true)] if present_only else label_list
    sw = None if weights is None else list(weights)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=label_list, zero_division=0, sample_weight=sw
    )
    macro = f1_score(y_true, y_pred, labels=macro_labels, average="macro", zero_division=0, sample_weight=sw)
    result: dict[str, Any] = {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred, sample_weight=sw)), 4),
        "macro_f1": round(float(macro), 4),
        "macro_over": macro_labels,
        "per_class": {
            label: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": round(float(support[i])),
            }
            for i, label in enumerate(label_list)
        },
        "labels": label_list,
        "confusion": np.rint(confusion_matrix(y_true, y_pred, labels=label_list, sample_weight=sw))
        .astype(int)
        .tolist(),
    }
    if confidence is not None:
        correct = [t == p for t, p in zip(y_true, y_pred, strict=True)]
        result["ece"] = round(expected_calibration_error(correct, confidence, weights=sw), 4)
        mean = float(np.average(confidence, weights=sw)) if len(confidence) else 0.0
        result["mean_confidence"] = round(mean, 4)
    return result


def format_report(result: dict[str, Any], title: str = "") -> str:
    """Render :func:`metrics` output as a table with the confusion matrix (rows = truth).

    :param result: output of :func:`metrics`.
    :param title: optional first line.
    """
    labels: list[str] = result["labels"]
    width = max(12, *(len(label) + 2 for label in labels))
    lines = [title] if title else []
    lines.append(f"{'':{width}}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for label in labels:
        row = result["per_class"][label]
        lines.append(
            f"{label:{width}}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>10d}"
        )
    lines.append(f"{'macro-F1':{width}}{result['macro_f1']:>30.3f}{result['n']:>10d}")
    lines.append(f"{'accuracy':{width}}{result['accuracy']:>30.3f}")
    if "ece" in result:
        lines.append(
            f"{'calib. error':{width}}{result['ece']:>30.3f}  (mean confidence {result['mean_confidence']:.3f})"
        )
    lines.append("")
    lines.append("confusion matrix (rows = true label, columns = predicted):")
    lines.append(f"{'':{width}}" + "".join(f"{label[:10]:>12}" for label in labels))
    for label, counts in zip(labels, result["confusion"], strict=True):
        lines.append(f"{label:{width}}" + "".join(f"{c:>12d}" for c in counts))
    return "\n".join(lines)
