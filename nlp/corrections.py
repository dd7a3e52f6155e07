"""People's corrections (``core.corrections``, made in the dashboard or the API) as training data.

``python -m nlp train`` reads them from Elasticsearch (the configuration's ``es.url`` and
``indices.corrections``) and writes a snapshot, ``<var_dir>/nlp/corrections.csv``, that it trains on beside
the committed data: the snapshot's bytes are part of the data hash, so a new or revoked correction makes the
next ``train`` retrain, and an unchanged set keeps the model that exists. Each correction gives its example
line and its template text, :data:`REPEAT` times each: one person's word about a whole template should
outweigh a handful of look-alike training lines, not drown in thousands. Without Elasticsearch (a fresh clone),
training goes on without them and says so.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Final

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch

from core.config import Config
from core.corrections import Correction, CorrectionStore
from nlp.corpus import LabelledData, load_labelled
from nlp.evaluate import metrics
from nlp.model import Classifier, TrainConfig
from nlp.training import fit

__all__ = ["REPEAT", "SOURCE", "compare", "fetch", "gather", "snapshot_path", "write_snapshot"]

logger = logging.getLogger(__name__)

REPEAT: Final = 5
# The ``source`` of correction rows in the training data.
SOURCE: Final = "corrections"


def snapshot_path(config: Config) -> Path:
    """Where training keeps the corrections it read: ``<var_dir>/nlp/corrections.csv``.

    :param config: the configuration.
    """
    return config.var_dir / "nlp" / "corrections.csv"


def fetch(config: Config) -> list[Correction] | None:
    """Every correction in Elasticsearch, or None when Elasticsearch does not answer.

    :param config: where Elasticsearch and the corrections index are, and the request timeout.
    """
    es = Elasticsearch(config.es.hosts, request_timeout=config.es.request_timeout_s, max_retries=0)
    try:
        return CorrectionStore(es, config.indices.corrections, config.es.request_timeout_s).search()
    except (ApiError, TransportError) as exc:
        # INFO, not WARNING: gather() says it in a sentence, and `make setup` trains before Elasticsearch runs.
        logger.info('corrections unreadable url="%s" error="%s"', config.es.url, type(exc).__name__)
        return None
    finally:
        es.close()


def write_snapshot(corrections: Sequence[Correction], path: Path) -> Path:
    """Write the corrections as training rows (``message,label,source,template,split``), oldest first.

    :param corrections: the corrections to learn from.
    :param path: the CSV to (over)write.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["message", "label", "source", "template", "split"])
        for c in sorted(corrections, key=lambda c: (c.created_at, c.template_id)):
            for text in dict.fromkeys(t for t in (c.message, c.template) if t):
                writer.writerows([[text, c.category, SOURCE, c.template_id, "train"]] * REPEAT)
    return path


def _score(model: Classifier, messages: list[str], truth: list[str]) -> tuple[float, int]:
    predicted, _ = model.classify_batch(messages)
    result = metrics(truth, predicted, list(model.labels), present_only=True)
    return float(result["macro_f1"]), sum(p == t for p, t in zip(predicted, truth, strict=True))


def gather(config: Config, data_paths: Sequence[Path]) -> tuple[list[Path], list[Correction], str]:
    """The training files with the corrections' snapshot added, the corrections, and a line saying what was read.

    When Elasticsearch does not answer, the snapshot the last training wrote is used again (if there is one).

    :param config: the configuration (Elasticsearch, index, ``var_dir``).
    :param data_paths: the training files without corrections.
    """
    path = snapshot_path(config)
    found = fetch(config)
    if found is None:
        if not path.exists():
            return list(data_paths), [], f"corrections: Elasticsearch at {config.es.url} did not answer; none used"
        rows = load_labelled([path])
        kept = {t: (m, label) for m, label, t in zip(rows.messages, rows.labels, rows.templates, strict=True)}
        found = [Correction(t, "", m, label, "", "", "", "") for t, (m, label) in kept.items()]
        return [*data_paths, path], found, f"corrections: Elasticsearch did not answer; using the {path} of last time"
    if not found:
        path.unlink(missing_ok=True)
        return list(data_paths), [], "corrections: none made yet"
    write_snapshot(found, path)
    return [*data_paths, path], found, f"corrections: {len(found)} template(s) from {config.indices.corrections}"


def compare(
    before: Classifier | None, after: Classifier, corrections: Sequence[Correction], data_paths: Sequence[Path]
) -> str:
    """Lines for people: held-out macro-F1 and how many corrected templates the model gets right, for the model
    training replaced, the same training without the corrections (so their own effect shows apart from changes
    of code or data), and the new model.

    :param before: the model training replaced (None when there was none).
    :param after: the new model.
    :param corrections: the corrections it was trained with.
    :param data_paths: the training files, the corrections' snapshot among them; their test split is scored.
    """
    data = load_labelled(data_paths)
    test = data.subset("test")
    train_rows = data.subset("train")
    keep = [i for i, source in enumerate(train_rows.sources) if source != SOURCE]
    without = LabelledData(**{f.name: [getattr(train_rows, f.name)[i] for i in keep] for f in fields(LabelledData)})
    baseline = Classifier(fit(without, TrainConfig()), version="same data without corrections")
    examples = [c.message or c.template for c in corrections]
    wanted = [c.category for c in corrections]
    lines = []
    for name, model in (("before", before), ("without", baseline), ("after", after)):
        if model is None:
            lines.append(f"{name:>7}: no model")
            continue
        f1, _ = _score(model, test.messages, test.labels) if len(test) else (0.0, 0)
        _, right = _score(model, examples, wanted)
        lines.append(
            f"{name:>7}: held-out macro-F1 {f1:.3f} ({len(test)} messages); corrected templates the model itself "
            f"labels as corrected {right}/{len(examples)} (model {model.version})"
        )
    return "\n".join(lines)
