"""``python -m nlp train`` learns from the corrections in Elasticsearch and prints the scores before and after."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from core.config import load_config
from core.corrections import CorrectionStore, new_correction
from nlp import corrections
from nlp.cli import main
from nlp.corpus import DEFAULT_CORPUS

pytestmark = pytest.mark.integration

# One of the demo's lines the issue found labelled security; a business event by the rubric.
LINE = "User u242897 liked track trk_f9b2409d after 199 s"
DOC = {"event_id": "e1", "message": LINE, "template_id": "t-like", "template": "User <*> liked track <*> after <*> s"}


def small_data(path: Path) -> Path:
    """Every 8th row of the corpus: enough to train on in seconds."""
    with DEFAULT_CORPUS.open(newline="", encoding="utf-8") as src, path.open("w", newline="", encoding="utf-8") as out:
        rows = list(csv.DictReader(src))
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[::8])
    return path


def test_train_reads_corrections_trains_on_them_and_prints_before_and_after(
    es_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    index = f"nlpfix_{uuid.uuid4().hex[:8]}"
    for name, value in {
        "LOGWATCH_VAR_DIR": str(tmp_path),
        "ES_URL": es_url,
        "INDICES_CORRECTIONS": index,
        "NLP_MODEL_PATH": str(tmp_path / "model.joblib"),
    }.items():
        monkeypatch.setenv(name, value)
    data = small_data(tmp_path / "data.csv")
    assert main(["train", "--data", str(data)]) == 0  # the model the corrections will change
    assert "corrections: none made yet" in capsys.readouterr().out

    es = Elasticsearch(es_url, request_timeout=30)
    CorrectionStore(es, index, 10).create(new_correction({**DOC, "category": "security"}, "business", "alice"))
    assert main(["train", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "corrections: 1 template(s) from " + index in out
    before, without, after = (
        line for line in out.splitlines() if line.strip().startswith(("before:", "without:", "after:"))
    )
    assert "labels as corrected 0/1" in before and "labels as corrected 0/1" in without
    assert "labels as corrected 1/1" in after
    snapshot = corrections.snapshot_path(load_config())
    with snapshot.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 * corrections.REPEAT and {r["label"] for r in rows} == {"business"}
    assert {r["split"] for r in rows} == {"train"}  # never scored as held-out

    # Nothing changed: the model stays. Elasticsearch gone: the last snapshot is used, so the model still stays.
    assert main(["train", "--data", str(data)]) == 0
    assert "up to date" in capsys.readouterr().out
    monkeypatch.setenv("ES_URL", "http://127.0.0.1:9")
    assert main(["train", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "did not answer; using the" in out and "up to date" in out

    # Revoked: the snapshot goes, and so do the corrections in training.
    monkeypatch.setenv("ES_URL", es_url)
    CorrectionStore(es, index, 10).delete("t-like")
    assert main(["train", "--data", str(data)]) == 0
    assert "none made yet" in capsys.readouterr().out and not snapshot.exists()
    es.close()
