"""The corrections store's public names, its two clients' agreement, and what a correction keeps."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, datetime

import pytest

import core.corrections
from core.corrections import AsyncCorrectionStore, Correction, CorrectionStore, new_correction
from core.errors import InvalidCorrection

DOC = {
    "event_id": "e1",
    "message": "User u1 liked track trk_1 after 199 s",
    "template_id": "t1",
    "template": "User <*> liked track <*> after <*> s",
    "category": "security",
}


def test_public_names_have_not_drifted() -> None:
    assert set(core.corrections.__all__) == {
        "CORRECTED",
        "MAX_CORRECTIONS",
        "CORRECTIONS_MAPPING",
        "Correction",
        "new_correction",
        "create_index_request",
        "put_request",
        "search_request",
        "parse_search",
        "delete_request",
        "CorrectionStore",
        "AsyncCorrectionStore",
    }


def test_both_stores_offer_the_same_operations_with_the_same_parameters() -> None:
    for op in ("create", "search", "delete"):
        sync, run = getattr(CorrectionStore, op), getattr(AsyncCorrectionStore, op)
        assert inspect.signature(sync).parameters.keys() == inspect.signature(run).parameters.keys()
        assert inspect.iscoroutinefunction(run) and not inspect.iscoroutinefunction(sync)


def test_a_correction_keeps_template_example_previous_category_who_and_when() -> None:
    made = new_correction(DOC, "business", "alice", now=datetime(2026, 12, 3, 1, 2, 3, tzinfo=UTC))
    assert made == Correction("t1", DOC["template"], DOC["message"], "business", "security", "e1", "alice",
                              "2026-12-03T01:02:03.000Z")  # fmt: skip
    assert set(core.corrections.CORRECTIONS_MAPPING["properties"]) == {f.name for f in dataclasses.fields(Correction)}
    assert Correction.from_dict(made.to_dict()) == made


@pytest.mark.parametrize(
    ("doc", "category", "words"),
    [(DOC, "spam", "use one of security, performance"), ({**DOC, "template_id": None}, "general", "no template_id")],
)
def test_a_bad_correction_is_one_sentence(doc: dict[str, object], category: str, words: str) -> None:
    with pytest.raises(InvalidCorrection, match=words):
        new_correction(doc, category, "alice")
