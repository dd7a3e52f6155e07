"""Errors raised while preparing and starting the JVM services.

LogwatchError            (core.errors)
└── InfraError
    ├── SetupError        fetching jars or preparing a service's files failed
    └── ServiceError      a service would not start, or its port is taken
"""

from __future__ import annotations

from core.errors import LogwatchError

__all__ = ["InfraError", "SetupError", "ServiceError"]


class InfraError(LogwatchError):
    """Base of infra errors."""


class SetupError(InfraError):
    """Fetching jars or preparing a service's files failed."""


class ServiceError(InfraError):
    """A service would not start, or its port is taken."""
