"""Out-of-domain check on Loghub's public log samples (Zhu et al., "Loghub", ISSRE 2023).

Loghub's 2,000-line samples come with a parse (``*_structured.csv``: one row per line with its
EventId). ``nlp/data/loghub_labels.csv`` holds this project's own category for every template
(system, event_id, label, role); no Loghub text is stored in this repository, it is read from
``../shared/data/loghub`` at run time. None of these systems is in the training corpus. ``role`` is
``dev`` for systems whose errors were looked at while building the corpus (Apache, HDFS, Linux,
Zookeeper) and ``test`` for systems only ever scored in aggregate (Android, BGL, HPC, Spark).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from core.config import REPO_ROOT
from nlp.errors import TrainingDataError
from nlp.evaluate import metrics
from nlp.model import Classifier

__all__ = ["DEFAULT_LOGHUB", "DEFAULT_LOGHUB_LABELS", "evaluate_loghub", "load_loghub"]

logger = logging.getLogger(__name__)

DEFAULT_LOGHUB: Final = REPO_ROOT.parent / "shared" / "data" / "loghub"
DEFAULT_LOGHUB_LABELS: Final = Path(__file__).resolve().parent / "data" / "loghub_labels.csv"


def load_loghub(loghub_dir: Path, labels_file: Path) -> list[dict[str, str]]:
    """Return every labelled Loghub line: system, event_id, role, label, message, first (first line of its template).

    :param loghub_dir: folder with one sub-folder per system holding ``<System>_2k.log_structured.csv``.
    :param labels_file: CSV of system,event_id,label,role.
    :raises TrainingDataError: a file is missing or a line's template has no label.
    """
    try:
        with labels_file.open(newline="", encoding="utf-8") as handle:
            labels = {(r["system"], r["event_id"]): (r["label"], r["role"]) for r in csv.DictReader(handle)}
    except (OSError, KeyError) as exc:
        raise TrainingDataError(f"Cannot read Loghub labels {labels_file} ({exc}): check the path.") from exc
    rows: list[dict[str, str]] = []
    for system in sorted({system for system, _ in labels}):
        path = loghub_dir / system / f"{system}_2k.log_structured.csv"
        seen: set[str] = set()
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    event = row["EventId"]
                    if (system, event) not in labels:
                        raise TrainingDataError(f"{system} template {event} has no label in {labels_file}: add it.")
                    label, role = labels[(system, event)]
                    rows.append(
                        {
                            "system": system,
                            "event_id": event,
                            "role": role,
                            "label": label,
                            "message": row["Content"],
                            "first": "1" if event not in seen else "0",
                        }
                    )
                    seen.add(event)
        except OSError as exc:
            raise TrainingDataError(f"Cannot read Loghub sample {path} ({exc.strerror}): check --loghub.") from exc
    return rows


def evaluate_loghub(classifier: Classifier, loghub_dir: Path, labels_file: Path) -> dict[str, Any]:
    """Score the classifier on Loghub: per template (first real line of each) and per line.

    :param classifier: the model to score.
    :param loghub_dir: Loghub folder (see :func:`load_loghub`).
    :param labels_file: template labels.
    :returns: name -> metrics; macro-F1 is averaged over the categories present (Loghub has no business lines).
    """
    rows = load_loghub(loghub_dir, labels_file)
    predicted, confidence = classifier.classify_batch([r["message"] for r in rows])
    labels = list(classifier.labels)
    groups: dict[str, Callable[[dict[str, str]], bool]] = {
        "templates, dev systems (Apache HDFS Linux Zookeeper)": lambda r: r["first"] == "1" and r["role"] == "dev",
        "templates, test systems (Android BGL HPC Spark)": lambda r: r["first"] == "1" and r["role"] == "test",
        "templates, all 8 systems": lambda r: r["first"] == "1",
        "lines, all 8 systems (frequent templates weigh more)": lambda r: True,
    }
    report: dict[str, Any] = {}
    for name, keep in groups.items():
        idx = [i for i, r in enumerate(rows) if keep(r)]
        report[name] = metrics(
            [rows[i]["label"] for i in idx],
            [predicted[i] for i in idx],
            labels,
            [confidence[i] for i in idx],
            present_only=True,
        )
    return report
