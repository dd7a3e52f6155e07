"""The DESIGN.md log levels and the aliases that normalise to them."""

from __future__ import annotations

__all__ = ["LEVELS", "normalise_level"]

LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL")
_LEVEL_ALIASES = {
    "TRACE": "TRACE",
    "FINEST": "TRACE",
    "FINER": "TRACE",
    "VERBOSE": "TRACE",
    "DEBUG": "DEBUG",
    "FINE": "DEBUG",
    "DBG": "DEBUG",
    "D": "DEBUG",
    "INFO": "INFO",
    "INFORMATION": "INFO",
    "NOTICE": "INFO",
    "CONFIG": "INFO",
    "I": "INFO",
    "WARN": "WARN",
    "WARNING": "WARN",
    "W": "WARN",
    "ERROR": "ERROR",
    "ERR": "ERROR",
    "E": "ERROR",
    "SEVERE": "ERROR",
    "FAILURE": "ERROR",
    "CRITICAL": "CRITICAL",
    "CRIT": "CRITICAL",
    "FATAL": "CRITICAL",
    "ALERT": "CRITICAL",
    "EMERG": "CRITICAL",
    "EMERGENCY": "CRITICAL",
    "PANIC": "CRITICAL",
    "F": "CRITICAL",
}


def normalise_level(level: str) -> str | None:
    """The DESIGN.md level for ``level`` or one of its aliases, else None."""
    return _LEVEL_ALIASES.get(level.strip().upper())
