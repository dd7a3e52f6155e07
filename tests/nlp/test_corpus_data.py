"""The committed corpus: size, variety, split, and that its generator reproduces it exactly."""

from __future__ import annotations

import csv
from collections import Counter

from nlp.corpus import DEFAULT_CORPUS
from nlp.corpusgen.__main__ import render


def _rows() -> list[dict[str, str]]:
    with DEFAULT_CORPUS.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_corpus_is_large_and_varied() -> None:
    rows = _rows()
    assert len(rows) >= 5000
    assert len({r["source"] for r in rows}) >= 30
    assert len({r["template"] for r in rows}) >= 1000
    labels = Counter(r["label"] for r in rows)
    assert set(labels) == {"security", "performance", "business", "general"}
    assert min(labels.values()) >= 1000


def test_split_is_by_template_and_fixed() -> None:
    rows = _rows()
    split_of: dict[str, set[str]] = {}
    for r in rows:
        split_of.setdefault(r["template"], set()).add(r["split"])
    assert all(len(s) == 1 for s in split_of.values())
    counts = Counter(r["split"] for r in rows)
    assert 0.1 < counts["test"] / len(rows) < 0.3


def test_messages_are_unique() -> None:
    messages = [r["message"] for r in _rows()]
    assert len(messages) == len(set(messages))


def test_generator_reproduces_the_committed_file() -> None:
    assert render() == DEFAULT_CORPUS.read_text(encoding="utf-8")
