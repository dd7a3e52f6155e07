"""Leave-systems-out evaluation: how the model does on real software it was not trained on.

Every real system (``source`` ``family:system`` in ``nlp/data/real_templates.csv``) is held out in turn: the
model is trained on the synthetic corpus and every other real system, then labels the held-out system's
messages. Families with many small systems (fail2ban's daemons, lnav's formats) are held out a few systems
at a time (:data:`MAX_FOLDS_PER_FAMILY` folds per family) to keep the run short; that is stricter, not
looser. The pooled predictions give macro-F1, per-class precision/recall and the calibration error on
real data: the estimate to trust for software nobody here has seen.
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any, Final

import joblib

from nlp.corpus import DEFAULT_CORPUS, REAL_TEMPLATES, LabelledData, load_labelled
from nlp.evaluate import metrics
from nlp.model import Classifier, TrainConfig
from nlp.training import fit

__all__ = [
    "MAX_FOLDS_PER_FAMILY",
    "PER_LINE",
    "estimate_on_real",
    "family_of",
    "fold_of",
    "format_misses",
    "format_systems",
    "format_views",
    "leave_systems_out",
    "unit_of",
]

logger = logging.getLogger(__name__)

MAX_FOLDS_PER_FAMILY: Final = 8
# The view of the Loghub predictions weighted by the lines each template has in its system's sample.
PER_LINE: Final = "Loghub's message, per line"


def family_of(source: str) -> str:
    """Return the family of a ``family:system`` source (the source itself when it has no family).

    :param source: a row's source.
    """
    return source.split(":", 1)[0]


def fold_of(source: str, family_size: int) -> str:
    """Return the fold that holds a system out: the system itself, or a bucket of its family when large.

    :param source: the system (``family:system``).
    :param family_size: how many systems its family has.
    """
    if family_size <= MAX_FOLDS_PER_FAMILY:
        return source
    return f"{family_of(source)}#{zlib.crc32(source.encode('utf-8')) % MAX_FOLDS_PER_FAMILY}"


def unit_of(source: str, family_size: int) -> str:
    """Return the row a system is reported under: the system, or its family when the family is large.

    :param source: the system (``family:system``).
    :param family_size: how many systems its family has.
    """
    return source if family_size <= MAX_FOLDS_PER_FAMILY else f"{family_of(source)} ({family_size} systems)"


def _fold(train: LabelledData, config: TrainConfig, held: list[str]) -> tuple[list[str], list[float]]:
    """The labels and confidences of the held-out messages, by a model trained without their fold."""
    return Classifier(fit(train, config), version="loso").classify_batch(held)


def _take(data: LabelledData, keep: Sequence[int]) -> LabelledData:
    return LabelledData(
        [data.messages[i] for i in keep],
        [data.labels[i] for i in keep],
        [data.splits[i] for i in keep],
        [data.sources[i] for i in keep],
        [data.templates[i] for i in keep],
        [data.weights[i] for i in keep] if data.weights else [],
    )


def _concat(a: LabelledData, b: LabelledData) -> LabelledData:
    return LabelledData(
        a.messages + b.messages,
        a.labels + b.labels,
        a.splits + b.splits,
        a.sources + b.sources,
        a.templates + b.templates,
        (a.weights or [1.0] * len(a)) + (b.weights or [1.0] * len(b)),
    )


def leave_systems_out(
    real: LabelledData,
    synthetic: LabelledData,
    config: TrainConfig,
    labels: Sequence[str],
    measured: LabelledData | None = None,
    views: dict[str, LabelledData] | None = None,
) -> dict[str, Any]:
    """Hold each real system out in turn and score the pooled predictions.

    :param real: labelled rows of real systems to train on (``source`` = ``family:system``).
    :param synthetic: data always trained on (the synthetic corpus's train split).
    :param config: the model configuration to estimate.
    :param labels: label order for the reports.
    :param measured: the messages scored, of the same systems (default: ``real`` itself).
    :param views: other forms of messages of the same systems (the raw lines they came from, say), each labelled
        by the same models as ``measured`` and scored on its own, apart from the rest.
    :returns: ``pooled`` (metrics over every held-out message, macro-F1 over the labels present),
        ``systems`` (metrics per system, large families pooled), ``predictions`` (every held-out message with
        its system, template, label, prediction and confidence: to score any group of systems, and the misses
        :func:`format_misses` lists), ``views`` (the metrics of each view) and ``folds`` (how many models were
        trained).
    """
    measured = measured or real
    scored = len(measured)
    for view in (views or {}).values():
        measured = _concat(measured, view)
    family_sizes = Counter(family_of(s) for s in set(real.sources) | set(measured.sources))
    folds = [fold_of(s, family_sizes[family_of(s)]) for s in real.sources]
    measured_folds = [fold_of(s, family_sizes[family_of(s)]) for s in measured.sources]
    predicted: list[str] = [""] * len(measured)
    confidence: list[float] = [0.0] * len(measured)
    helds = {fold: [i for i, f in enumerate(measured_folds) if f == fold] for fold in sorted(set(measured_folds))}
    # One model per fold, each trained on its own: they run on every core (38 folds took a minute on one).
    answers = joblib.Parallel(n_jobs=-1)(
        joblib.delayed(_fold)(
            _concat(synthetic, _take(real, [i for i, f in enumerate(folds) if f != fold])),
            config,
            [measured.messages[i] for i in held],
        )
        for fold, held in helds.items()
    )
    for (fold, held), (got, conf) in zip(helds.items(), answers, strict=True):
        for i, label, c in zip(held, got, conf, strict=True):
            predicted[i], confidence[i] = label, c
        logger.info("fold %s: %d messages held out", fold, len(held))
    units: dict[str, list[int]] = defaultdict(list)
    for i, source in enumerate(measured.sources[:scored]):
        units[unit_of(source, family_sizes[family_of(source)])].append(i)
    view_rows: dict[str, range] = {}
    start = scored
    for name, view in (views or {}).items():
        view_rows[name], start = range(start, start + len(view)), start + len(view)

    def score(rows: Sequence[int]) -> dict[str, Any]:
        return metrics(
            [measured.labels[i] for i in rows],
            [predicted[i] for i in rows],
            labels,
            [confidence[i] for i in rows],
            present_only=True,
        )

    return {
        "pooled": score(range(scored)),
        "systems": {unit: score(rows) for unit, rows in sorted(units.items())},
        "views": {name: score(rows) for name, rows in view_rows.items()},
        "predictions": [
            {
                "system": measured.sources[i],
                "template": measured.templates[i],
                "label": measured.labels[i],
                "predicted": predicted[i],
                "confidence": confidence[i],
                "message": measured.messages[i],
            }
            for i in range(scored)
        ],
        "folds": len(set(folds)),
    }


def format_systems(report: dict[str, Any]) -> str:
    """Render the per-system part of :func:`leave_systems_out` as a table.

    :param report: its output.
    """
    labels = report["pooled"]["labels"]
    head = f"{'held-out system':32}{'n':>6}{'accuracy':>10}{'macro-F1':>10}{'ECE':>7}  " + "  ".join(
        f"{label[:4]} P/R" for label in labels
    )
    lines = [head]
    for unit, result in report["systems"].items():
        cells = []
        for label in labels:
            row = result["per_class"][label]
            predicted_any = row["precision"] > 0 or row["support"] > 0 or row["recall"] > 0
            cells.append(f"{row['precision']:.2f}/{row['recall']:.2f}" if predicted_any else "   -     ")
        lines.append(
            f"{unit:32}{result['n']:>6d}{result['accuracy']:>10.3f}{result['macro_f1']:>10.3f}{result['ece']:>7.3f}  "
            + "  ".join(f"{c:>9}" for c in cells)
        )
    return "\n".join(lines)


def format_misses(report: dict[str, Any], width: int = 110) -> str:
    """Render the held-out errors of :func:`leave_systems_out` by system, then template and wrong label, most errors
    first, with one example message: where the model fails on unseen software, and whether a label there contradicts
    the rubric.

    :param report: its output.
    :param width: characters of each example message shown.
    """
    misses = [p for p in report["predictions"] if p["predicted"] != p["label"]]
    by_system: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for miss in misses:
        by_system[miss["system"]][f"{miss['template'] or miss['message']}\0{miss['predicted']}"].append(miss)
    pairs = Counter(f"{m['label']} -> {m['predicted']}" for m in misses)
    lines = [f"{len(misses)} held-out messages wrong: " + ", ".join(f"{p} {n}" for p, n in pairs.most_common())]
    for system, templates in sorted(by_system.items(), key=lambda item: (-sum(map(len, item[1].values())), item[0])):
        lines.append(f"{system} ({sum(map(len, templates.values()))})")
        for rows in sorted(templates.values(), key=lambda rows: -len(rows)):
            first = rows[0]
            lines.append(
                f"  {first['label']:>11} -> {first['predicted']:<11} x{len(rows)} {first['confidence']:.2f}  "
                + " ".join(first["message"].split())[:width]
            )
    return "\n".join(lines)


def estimate_on_real(config: TrainConfig, labels: Sequence[str]) -> dict[str, Any]:
    """Leave-systems-out over the committed real templates, with the synthetic corpus's train split always in.

    Scored on real example messages read from ``../shared`` when it is there (``measured_on``: ``messages``),
    the Loghub ones also raw (``views``: :func:`nlp.realdata.raw_views`); otherwise on the committed rows, whose
    message is the template itself (``templates``), a weaker stand-in.

    :param config: the model configuration to estimate (normally the shipped model's).
    :param labels: label order for the reports.
    """
    from nlp.realdata import loghub_template_lines, raw_views, real_messages, shared_available  # ../shared

    real = load_labelled([REAL_TEMPLATES])
    synthetic = load_labelled([DEFAULT_CORPUS]).subset("train")
    if not shared_available():
        return {**leave_systems_out(real, synthetic, config, labels), "measured_on": "templates"}
    measured = real_messages()
    report = leave_systems_out(real, synthetic, config, labels, measured, raw_views(measured))
    # A template's examples stand for all its lines: scored so, Loghub's figures are a real stream's.
    lines = loghub_template_lines()
    rows = [p for p in report["predictions"] if (p["system"], p["template"]) in lines]
    examples = Counter((p["system"], p["template"]) for p in rows)
    report["views"][PER_LINE] = metrics(
        [p["label"] for p in rows],
        [p["predicted"] for p in rows],
        labels,
        [p["confidence"] for p in rows],
        present_only=True,
        weights=[lines[(p["system"], p["template"])] / examples[(p["system"], p["template"])] for p in rows],
    )
    return {**report, "measured_on": "messages"}


def format_views(report: dict[str, Any]) -> str:
    """Render the views of :func:`leave_systems_out` (the same messages in other forms) one line each.

    :param report: its output.
    """
    lines = []
    for name, result in report["views"].items():
        classes = ", ".join(
            f"{label} {row['precision']:.2f}/{row['recall']:.2f}"
            for label, row in result["per_class"].items()
            if row["support"]
        )
        lines.append(
            f"{name:34}{result['n']:>6d}  macro-F1 {result['macro_f1']:.3f}  ECE {result['ece']:.3f}  P/R {classes}"
        )
    return "\n".join(lines)
