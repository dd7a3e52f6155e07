from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp import load_classifier
from nlp.errors import TrainingDataError
from nlp.evaluate import metrics
from nlp.model import TrainConfig
from nlp.training import TrainResult, train


def _user_csv(path: Path) -> Path:
    lines = ["message,label"]
    for i in range(40):
        lines.append(f'"coffee machine {i} out of beans",kitchen')
        lines.append(f'"printer {i} paper jam on tray 2",office')
        lines.append(f'"visitor badge {i} issued at reception",office')
        lines.append(f'"espresso {i} brewed, cup ready",kitchen')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_training_is_skipped_when_data_code_and_config_are_unchanged(trained: TrainResult) -> None:
    again = train(out=trained.path)
    assert again.skipped
    assert again.metadata["version"] == trained.metadata["version"]


def test_training_is_deterministic(trained: TrainResult, tmp_path: Path) -> None:
    other = train(out=tmp_path / "classifier.joblib", force=True)
    assert other.metadata["version"] == trained.metadata["version"]


def test_changed_config_retrains(tmp_path: Path) -> None:
    data = _user_csv(tmp_path / "mine.csv")
    out = tmp_path / "m.joblib"
    first = train([data], out, labels=None)
    second = train([data], out, config=TrainConfig(alpha=0.5), labels=None)
    assert not first.skipped and not second.skipped
    assert train([data], out, config=TrainConfig(alpha=0.5), labels=None).skipped


def test_users_can_train_on_their_own_labels(tmp_path: Path) -> None:
    out = tmp_path / "m.joblib"
    result = train([_user_csv(tmp_path / "mine.csv")], out, labels=None)
    classifier = load_classifier(out)
    assert set(classifier.labels) == {"kitchen", "office"}
    assert classifier.classify("coffee machine 99 out of beans")[0] == "kitchen"
    assert result.metadata["n_test"] > 0


def test_jsonl_training_data(tmp_path: Path) -> None:
    data = tmp_path / "mine.jsonl"
    rows = [{"message": f"disk {i} full", "label": "a"} for i in range(20)]
    rows += [{"message": f"user {i} paid", "label": "b"} for i in range(20)]
    data.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = train([data], tmp_path / "m.joblib", labels=None)
    assert result.metadata["labels"] == ["a", "b"]


def test_labels_outside_the_categories_are_rejected_by_default(tmp_path: Path) -> None:
    with pytest.raises(TrainingDataError, match="outside the allowed set"):
        train([_user_csv(tmp_path / "mine.csv")], tmp_path / "m.joblib", labels=("security", "general"))


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("text,category\nhello,a\n", "message"),
        ("message,label\nhello,\n", "No labelled rows"),
        ("message,label\n" + "x,a\n" * 10, "at least two labels"),
    ],
)
def test_bad_training_data_is_reported_in_one_sentence(tmp_path: Path, content: str, match: str) -> None:
    data = tmp_path / "bad.csv"
    data.write_text(content, encoding="utf-8")
    with pytest.raises(TrainingDataError, match=match):
        train([data], tmp_path / "m.joblib", labels=None)


def test_missing_training_file(tmp_path: Path) -> None:
    with pytest.raises(TrainingDataError, match="check the path"):
        train([tmp_path / "absent.csv"], tmp_path / "m.joblib")


def test_weighted_metrics_equal_the_rows_repeated() -> None:
    """A weight of k counts as k copies of the row: precision, recall, F1, confusion and calibration alike."""
    labels = ["security", "general"]
    rows = [("security", "security", 0.9, 3), ("security", "general", 0.6, 1), ("general", "general", 0.8, 5),
            ("general", "security", 0.7, 2)]  # fmt: skip
    weighted = metrics(
        [t for t, _, _, _ in rows], [p for _, p, _, _ in rows], labels, [c for _, _, c, _ in rows],
        weights=[w for _, _, _, w in rows],
    )  # fmt: skip
    copies = [row for row in rows for _ in range(row[3])]
    repeated = metrics([t for t, _, _, _ in copies], [p for _, p, _, _ in copies], labels, [c for _, _, c, _ in copies])
    assert weighted["n"] == 4 and repeated["n"] == 11
    assert {k: v for k, v in weighted.items() if k != "n"} == {k: v for k, v in repeated.items() if k != "n"}
    assert weighted["per_class"]["security"]["support"] == 4 and weighted["confusion"] == [[3, 1], [2, 5]]
