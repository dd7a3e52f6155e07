"""Errors raised by the producer library.

The library is installed on its own inside other people's services (kafka-python is its only dependency),
so it cannot import the project root error from ``core.errors``; ``ProducerError`` is its own root.
Only constructors and CLIs raise: ``emit()`` never does.

    ProducerError                 base of everything producers/ raises on purpose
    ├── ProducerConfigError       a producer option is invalid (also a ValueError)
    └── SpoolError                the spool folder cannot be created or written
"""

from __future__ import annotations

import logging

__all__ = ["ProducerError", "ProducerConfigError", "SpoolError"]

logger = logging.getLogger(__name__)


class ProducerError(Exception):
    """Base of every error the producers package raises on purpose."""


class ProducerConfigError(ProducerError, ValueError):
    """A producer option is invalid; the message names the option and the accepted values."""


class SpoolError(ProducerError):
    """The spool folder cannot be created or written."""
