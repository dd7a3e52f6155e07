from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.cli import main


def test_classify_prints_label_confidence_and_tokens(model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "--model", str(model_path), "Failed password for root from 10.0.0.1 port 22 ssh2"]) == 0
    label, confidence, why = capsys.readouterr().out.strip().split("\t")
    assert label == "security"
    assert 0 < float(confidence) <= 1
    assert why


def test_classify_json(model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "--json", "--model", str(model_path), "Order 42 placed, total 10.00 EUR"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["label"] == "business" and out["tokens"]


def test_evaluate_reports_per_class_metrics_and_confusion(model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--synthetic-only", "--model", str(model_path)]) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and "confusion matrix" in out
    for label in ("security", "performance", "business", "general"):
        assert label in out


def test_train_says_up_to_date(model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--out", str(model_path)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_errors_are_one_line_with_exit_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "--model", str(tmp_path / "none.joblib"), "x"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "make train" in err and "\n" not in err


def test_a_broken_configuration_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "logwatch.yaml"
    config.write_text("nlp:\n  model_file: elsewhere.joblib\n")
    monkeypatch.setenv("LOGWATCH_CONFIG", str(config))
    assert main(["classify", "disk full"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "nlp.model_file" in err and err.count("\n") == 1
