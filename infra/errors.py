"""Errors raised while configuring and running the services.

LogwatchError            (root of every error the project raises)
└── InfraError
    ├── ConfigError       a config file or environment override is invalid
    ├── SetupError        fetching jars or preparing a service's files failed
    └── ServiceError      a service would not start, or its port is taken
"""

from __future__ import annotations

__all__ = ["LogwatchError", "InfraError", "ConfigError", "SetupError", "ServiceError"]


class LogwatchError(Exception):
    """Root of every error the project raises."""


class InfraError(LogwatchError):
    """Base of infra errors."""


class ConfigError(InfraError):
    """A config file or environment override is invalid."""


class SetupError(InfraError):
    """Fetching jars or preparing a service's files failed."""


class ServiceError(InfraError):
    """A service would not start, or its port is taken."""
