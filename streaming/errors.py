"""Errors raised by the streaming job.

LogwatchError                 (infra.errors)
└── StreamingError
    └── SinkError             a sink gave up after its retries; Spark re-runs the batch
"""

from __future__ import annotations

from infra.errors import LogwatchError

__all__ = ["StreamingError", "SinkError"]


class StreamingError(LogwatchError):
    """Base of streaming errors."""


class SinkError(StreamingError):
    """A sink gave up after its retries; raising it fails the micro-batch so Spark re-runs it."""
