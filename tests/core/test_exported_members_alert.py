"""The public names of the alert model and the silence store have not drifted (alerting, the rules engine and
the API import them), and the blocking and asyncio silence stores offer the same operations.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect

import pytest

from core.silences import AsyncSilenceStore, Silence, SilenceStore

PUBLIC = {
    "core.alert": {"Alert", "parse_alert", "MAX_SAMPLES"},
    "core.silences": {
        "MAX_SILENCES",
        "MAX_DURATION_S",
        "SILENCES_MAPPING",
        "Silence",
        "new_silence",
        "create_index_request",
        "put_request",
        "search_request",
        "parse_search",
        "delete_request",
        "SilenceStore",
        "AsyncSilenceStore",
    },
}


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_names_have_not_drifted(name: str) -> None:
    module = importlib.import_module(name)
    assert set(module.__all__) == PUBLIC[name]
    assert all(hasattr(module, n) for n in module.__all__)


def test_both_silence_stores_offer_the_same_operations_with_the_same_parameters() -> None:
    for op in ("create", "search", "delete"):
        sync, run = getattr(SilenceStore, op), getattr(AsyncSilenceStore, op)
        assert inspect.signature(sync).parameters.keys() == inspect.signature(run).parameters.keys()
        assert inspect.iscoroutinefunction(run) and not inspect.iscoroutinefunction(sync)
    assert list(inspect.signature(SilenceStore).parameters) == ["es", "index", "request_timeout_s"]
    assert list(inspect.signature(AsyncSilenceStore).parameters) == ["es", "index", "request_timeout_s"]


def test_silence_fields_are_the_documents_fields() -> None:
    fields = [f.name for f in dataclasses.fields(Silence)]
    assert fields == ["id", "rule", "service", "category", "comment", "created_by", "created_at", "expires_at"]
