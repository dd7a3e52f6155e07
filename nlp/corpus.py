"""Read labelled messages (CSV or JSONL of message,label) and split them into train and test.

The committed corpus (``nlp/data/corpus.csv``) carries a fixed ``split`` column assigned per template,
so the test split only holds message shapes the model never saw. Files without a ``split`` column
(a user's own data) are split deterministically by a hash of the message.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nlp.errors import TrainingDataError

__all__ = ["DEFAULT_CORPUS", "REAL_TEMPLATES", "LabelledData", "data_hash", "load_labelled"]

logger = logging.getLogger(__name__)

DEFAULT_CORPUS = Path(__file__).resolve().parent / "data" / "corpus.csv"
# Real software's templates (variable parts typed: ``<ip>``, ``<num>``) or, for the demo services, one or two
# messages per template, labelled by template (built by ``python -m nlp.realdata``).
REAL_TEMPLATES = Path(__file__).resolve().parent / "data" / "real_templates.csv"
# One in this many messages goes to test when a file has no split column.
_HASH_TEST_SHARE = 5


@dataclass(frozen=True)
class LabelledData:
    """Labelled messages with their split and, when known, the software and template they came from."""

    messages: list[str]
    labels: list[str]
    splits: list[str]
    sources: list[str]
    templates: list[str]
    # How much each row counts in training (column ``weight``); empty means every row counts once.
    weights: list[float] = field(default_factory=list)

    def subset(self, split: str) -> LabelledData:
        """Return only the rows of one split.

        :param split: ``train`` or ``test``.
        """
        keep = [i for i, s in enumerate(self.splits) if s == split]
        return LabelledData(
            [self.messages[i] for i in keep],
            [self.labels[i] for i in keep],
            [self.splits[i] for i in keep],
            [self.sources[i] for i in keep],
            [self.templates[i] for i in keep],
            [self.weights[i] for i in keep] if self.weights else [],
        )

    def __len__(self) -> int:
        return len(self.messages)


def _hash_split(message: str) -> str:
    digest = hashlib.sha256(message.encode("utf-8", "replace")).digest()
    return "test" if digest[0] % _HASH_TEST_SHARE == 0 else "train"


def _rows_from_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"message", "label"} <= set(reader.fieldnames):
            raise TrainingDataError(
                f"{path} has no 'message' and 'label' columns in its header: add a header row message,label."
            )
        return [dict(row) for row in reader]


def _rows_from_jsonl(path: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise TrainingDataError(
                    f"{path} line {number} is not valid JSON ({exc.msg}): fix or remove it."
                ) from exc
            if not isinstance(obj, dict):
                raise TrainingDataError(
                    f'{path} line {number} is not a JSON object: write {{"message": ..., "label": ...}}.'
                )
            rows.append({str(k): "" if v is None else str(v) for k, v in obj.items()})
    return rows


def _weight(path: Path, value: str | None) -> float:
    if value is None or not value.strip():
        return 1.0
    try:
        weight = float(value)
    except ValueError:
        weight = -1.0
    if not weight > 0 or weight == float("inf"):
        raise TrainingDataError(f"{path} has weight {value!r}: a weight must be a positive number.")
    return weight


def load_labelled(paths: Sequence[Path]) -> LabelledData:
    """Read one or more labelled files.

    :param paths: ``.csv`` files with a header containing ``message`` and ``label`` (optionally ``split``,
        ``source``, ``template`` and ``weight``), or ``.jsonl``/``.json`` files with one such object per line.
    :raises TrainingDataError: a file is missing, unreadable, malformed, or no usable row is found.
    """
    messages: list[str] = []
    labels: list[str] = []
    splits: list[str] = []
    sources: list[str] = []
    templates: list[str] = []
    weights: list[float] = []
    for path in paths:
        try:
            rows = (
                _rows_from_jsonl(path)
                if path.suffix.lower() in {".jsonl", ".json", ".ndjson"}
                else _rows_from_csv(path)
            )
        except OSError as exc:
            raise TrainingDataError(f"Cannot read training data {path} ({exc.strerror}): check the path.") from exc
        except (UnicodeDecodeError, csv.Error) as exc:
            raise TrainingDataError(f"{path} is not UTF-8 CSV/JSONL ({exc}): convert it first.") from exc
        for row in rows:
            label = (row.get("label") or "").strip().lower()
            message = row.get("message") or ""
            if not label:
                continue
            split = (row.get("split") or "").strip().lower()
            messages.append(message)
            labels.append(label)
            splits.append(split if split in {"train", "test"} else _hash_split(message))
            sources.append((row.get("source") or path.stem).strip())
            templates.append((row.get("template") or "").strip())
            weights.append(_weight(path, row.get("weight")))
    if not messages:
        raise TrainingDataError(f"No labelled rows found in {', '.join(map(str, paths))}: each row needs a label.")
    return LabelledData(messages, labels, splits, sources, templates, weights)


def data_hash(paths: Sequence[Path]) -> str:
    """Return a SHA-256 over the bytes of the given files (in order): the training data's identity.

    :param paths: the files training reads.
    """
    digest = hashlib.sha256()
    for path in paths:
        try:
            digest.update(path.read_bytes())
        except OSError as exc:
            raise TrainingDataError(f"Cannot read training data {path} ({exc.strerror}): check the path.") from exc
        digest.update(b"\0")
    return digest.hexdigest()
