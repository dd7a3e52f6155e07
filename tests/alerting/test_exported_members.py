"""The public names of the alerting package have not drifted (others import them)."""

from __future__ import annotations

import importlib

import pytest

import alerting

PUBLIC = {
    "alerting": {
        "AlertConsumer",
        "AlertingError",
        "DeliveryError",
        "Route",
        "Routing",
        "RoutesError",
        "ensure_alerts_index",
        "load_routes",
        "read_status",
    },
    "alerting.silences": {"SilenceCache"},
    "alerting.errors": {"AlertingError", "RoutesError", "DeliveryError"},
    "alerting.status": {"Counters", "write_status", "read_status"},
    "alerting.history": {"ALERTS_MAPPING", "ensure_alerts_index", "HistoryFlusher"},
}
# The shared names alerting uses have their one home in core/ and are not re-exported from here.
CORE_MODULES = ["core.alert", "core.silences", "core.contract", "core.errors", "core.retry", "core.yamlfile"]
MODULES = [
    "alerting",
    "alerting.__main__",
    "alerting.consumer",
    "alerting.deadletter",
    "alerting.dispatcher",
    "alerting.errors",
    "alerting.format",
    "alerting.history",
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


def test_errors_derive_from_the_project_root_and_a_routes_error_is_a_config_error() -> None:
    from core.errors import ConfigError, LogwatchError

    assert issubclass(alerting.AlertingError, LogwatchError)
    assert issubclass(alerting.RoutesError, ConfigError)


@pytest.mark.parametrize("name", MODULES)
def test_no_module_re_exports_a_name_whose_home_is_core(name: str) -> None:
    shared = {n for core in CORE_MODULES for n in importlib.import_module(core).__all__}
    assert not set(importlib.import_module(name).__all__) & shared
