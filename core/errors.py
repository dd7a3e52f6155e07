"""The project's root error and the errors of the core every part shares.

LogwatchError                  (root of every error the project raises)
└── CoreError
    ├── ConfigError            a config, rules or routes file, or an environment override, is invalid
    ├── InvalidAlert           a message on the alerts topic breaks the alert contract (goes to the alerts DLQ)
    ├── InvalidSilence (ValueError)  a silence request has no matcher, a bad category or a bad duration
    └── InvalidCorrection (ValueError)  a correction names an unknown category or a log without a template

Each package's own ``errors.py`` derives its base from :class:`LogwatchError`. Every message is one sentence:
what was wrong and what to do.
"""

from __future__ import annotations

__all__ = ["LogwatchError", "CoreError", "ConfigError", "InvalidAlert", "InvalidSilence", "InvalidCorrection"]


class LogwatchError(Exception):
    """Root of every error the project raises."""


class CoreError(LogwatchError):
    """Base of the core's errors."""


class ConfigError(CoreError):
    """A config, rules or routes file, or an environment override, is invalid."""


class InvalidAlert(CoreError):
    """A message on the alerts topic does not follow the alert contract."""


class InvalidSilence(CoreError, ValueError):
    """A silence request has no matcher, an unknown category or a duration that is not positive."""


class InvalidCorrection(CoreError, ValueError):
    """A correction names an unknown category, or a log that has no template."""
