"""Errors raised by the alert rules.

LogwatchError                 (core.errors)
└── StreamingError            (streaming.errors)
    └── RulesError            the rules file is invalid, or alerts could not be published
"""

from __future__ import annotations

from streaming.errors import StreamingError

__all__ = ["RulesError"]


class RulesError(StreamingError):
    """The rules file is invalid (the message names file and key), or Kafka refused the batch's alerts."""
