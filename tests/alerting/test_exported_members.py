"""The public names of the alerting package have not drifted (others import them)."""

from __future__ import annotations

import importlib
import inspect

import pytest

import alerting

PUBLIC = {
    "alerting": {
        "ALERTS_INDEX",
        "SILENCES_INDEX",
        "Alert",
        "AlertConsumer",
        "AlertingError",
        "DeliveryError",
        "InvalidAlert",
        "InvalidSilence",
        "Route",
        "Routing",
        "RoutesError",
        "Silence",
        "create_silence",
        "delete_silence",
        "ensure_alerts_index",
        "list_silences",
        "load_routes",
        "parse_alert",
        "read_status",
        "status_path",
    },
    "alerting.silences": {
        "SILENCES_INDEX",
        "Silence",
        "create_silence",
        "list_silences",
        "delete_silence",
        "SilenceCache",
    },
    "alerting.errors": {"AlertingError", "InvalidAlert", "RoutesError", "InvalidSilence", "DeliveryError"},
    "alerting.status": {"Counters", "write_status", "read_status", "status_path"},
    "alerting.history": {"ALERTS_INDEX", "ALERTS_MAPPING", "ensure_alerts_index", "HistoryFlusher"},
}
MODULES = [
    "alerting",
    "alerting.__main__",
    "alerting.consumer",
    "alerting.deadletter",
    "alerting.dispatcher",
    "alerting.errors",
    "alerting.format",
    "alerting.history",
    "alerting.model",
    "alerting.offsets",
    "alerting.retry",
    "alerting.routing",
    "alerting.silences",
    "alerting.status",
    "alerting.store",
    "alerting.senders",
    "alerting.senders.base",
    "alerting.senders.log",
    "alerting.senders.slack",
    "alerting.senders.telegram",
]


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_names_have_not_drifted(name: str) -> None:
    assert set(importlib.import_module(name).__all__) == PUBLIC[name]


@pytest.mark.parametrize("name", MODULES)
def test_every_module_declares_all_and_its_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    assert all(hasattr(module, n) for n in module.__all__)


def test_errors_derive_from_the_project_root_and_invalid_silence_is_a_value_error() -> None:
    from core.errors import LogwatchError

    assert issubclass(alerting.AlertingError, LogwatchError)
    assert issubclass(alerting.InvalidSilence, ValueError)


def test_silence_interface_is_the_one_the_api_uses() -> None:
    params = inspect.signature(alerting.create_silence).parameters
    assert list(params)[:8] == [
        "es",
        "rule",
        "service",
        "category",
        "duration_s",
        "comment",
        "created_by",
        "request_timeout_s",
    ]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for n, p in params.items() if n != "es")
    assert list(inspect.signature(alerting.list_silences).parameters)[:2] == ["es", "include_expired"]
    assert list(inspect.signature(alerting.delete_silence).parameters)[:2] == ["es", "silence_id"]
    fields = [f for f in alerting.Silence.__dataclass_fields__]
    assert fields == ["id", "rule", "service", "category", "comment", "created_by", "created_at", "expires_at"]
    assert alerting.SILENCES_INDEX == "alert_silences" and alerting.ALERTS_INDEX == "alerts"
