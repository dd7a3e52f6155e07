"""The classify stage's corrections: read from Elasticsearch, re-read every few seconds, kept through an outage."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from core.corrections import CORRECTED, CorrectionStore, new_correction
from streaming.overrides import Overrides

pytestmark = pytest.mark.integration


def rows() -> list[dict[str, Any]]:
    return [
        {"template_id": "t-fixed", "category": "security", "category_confidence": 0.9, "model_version": "m1"},
        {"template_id": "t-other", "category": "security", "category_confidence": 0.9, "model_version": "m1"},
    ]


def test_a_corrected_template_gets_the_category_and_the_rest_keep_the_model_s(es_url: str) -> None:
    index = f"ovr_{uuid.uuid4().hex[:8]}"
    overrides = Overrides(es_url, index, 5.0, reload_s=3600)
    labelled = rows()
    overrides.apply(labelled)  # no index yet: nothing to apply
    assert labelled == rows()

    store = CorrectionStore(Elasticsearch(es_url, request_timeout=30), index, 10)
    store.create(new_correction({"template_id": "t-fixed", "event_id": "e"}, "business", "alice"))
    overrides.apply(labelled)
    assert labelled == rows()  # within reload_s the copy read before stands: no request per batch
    overrides.reload_s = 0.0
    overrides.apply(labelled)
    assert labelled[0] == {"template_id": "t-fixed", "category": "business", "category_confidence": 1.0,
                           "model_version": CORRECTED}  # fmt: skip
    assert labelled[1] == rows()[1]


def test_when_elasticsearch_is_gone_the_last_corrections_read_stay_in_force(
    es_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    index = f"ovr_{uuid.uuid4().hex[:8]}"
    CorrectionStore(Elasticsearch(es_url, request_timeout=30), index, 10).create(
        new_correction({"template_id": "t-fixed", "event_id": "e"}, "general", "alice")
    )
    overrides = Overrides(es_url, index, 5.0, reload_s=0.0)
    assert overrides.categories() == {"t-fixed": "general"}
    overrides._store = CorrectionStore(Elasticsearch("http://127.0.0.1:9", max_retries=0), index, 1.0)
    assert overrides.categories() == {"t-fixed": "general"}
    assert overrides.categories() == {"t-fixed": "general"}
    warned = [r for r in caplog.records if "corrections unreadable" in r.getMessage()]
    assert len(warned) == 1  # once per outage, not once per batch
