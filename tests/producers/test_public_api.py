"""The public names have not drifted (like httpx's test_exported_members)."""

from __future__ import annotations

import importlib
import pkgutil

import producers

EXPECTED = {
    "DEFAULT_IGNORED_LOGGERS",
    "KafkaLogHandler",
    "KafkaTransport",
    "LEVELS",
    "LogProducer",
    "ProducerConfig",
    "ProducerConfigError",
    "ProducerError",
    "ProducerStats",
    "SpoolError",
    "StreamTransport",
    "Transport",
    "close_on_sigterm",
    "__version__",
    "normalize_level",
}


def test_package_exports_exactly_the_documented_names() -> None:
    assert set(producers.__all__) == EXPECTED
    for name in producers.__all__:
        assert hasattr(producers, name), name


def test_every_module_declares_all_and_its_names_exist() -> None:
    for info in pkgutil.walk_packages(producers.__path__, "producers."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        exported = getattr(module, "__all__", None)
        assert exported is not None, f"{info.name} has no __all__"
        for name in exported:
            assert hasattr(module, name), f"{info.name}.__all__ names missing {name}"


def test_errors_share_one_root() -> None:
    from producers import errors

    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.ProducerError)
