"""Errors raised by the streaming job.

LogwatchError                 (core.errors)
└── StreamingError
    ├── SetupError            the Spark Kafka connector jars are missing
    └── SinkError             a sink gave up after its retries; Spark re-runs the batch
"""

from __future__ import annotations

from core.errors import LogwatchError

__all__ = ["StreamingError", "SetupError", "SinkError"]


class StreamingError(LogwatchError):
    """Base of streaming errors."""


class SetupError(StreamingError):
    """The Spark Kafka connector jars are missing (``make setup`` fetches them)."""


class SinkError(StreamingError):
    """A sink gave up after its retries; raising it fails the micro-batch so Spark re-runs it."""
