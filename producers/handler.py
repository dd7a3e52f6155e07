"""``KafkaLogHandler``: Python ``logging`` records to docs/design.md events, through a ``LogProducer``.

Like sentry-sdk's logging integration it ignores the loggers of the Kafka client and of this library
(their records would loop back through the handler) and guards against re-entry per thread.
"""

from __future__ import annotations

import fnmatch
import logging
import threading
from collections.abc import Iterable
from itertools import islice
from typing import Any

from producers._internal import capture_internal_exception
from producers.event import exception_info, json_string, json_value, normalize_level, utc_timestamp
from producers.producer import LogProducer

__all__ = ["KafkaLogHandler", "DEFAULT_IGNORED_LOGGERS"]

logger = logging.getLogger(__name__)

DEFAULT_IGNORED_LOGGERS = ("kafka", "kafka.*", "producers", "producers.*")

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}
_PLAIN_RECORD_SIZE = len(logging.LogRecord("", 0, "", 0, "", (), None).__dict__)
_LAST_RECORD_ATTR = list(logging.LogRecord("", 0, "", 0, "", (), None).__dict__)[-1]
_FORMATTER_ATTRS = frozenset({"message", "asctime"})
_TOP_LEVEL_EXTRAS = frozenset({"trace_id", "span_id", "env", "version", "host", "service"})


def _extras(d: dict[str, Any]) -> dict[str, Any]:
    """What ``extra=`` added to a record: LogRecord sets its own attributes first, extras follow."""
    rest = islice(d, _PLAIN_RECORD_SIZE - 1, None)
    if next(rest, None) == _LAST_RECORD_ATTR:  # in place: what follows it was added after __init__
        return {n: d[n] for n in rest if n not in _FORMATTER_ATTRS}
    return {n: v for n, v in d.items() if n not in _RECORD_ATTRS}  # a custom record class: compare names


_guard = threading.local()


class KafkaLogHandler(logging.Handler):
    """A ``logging.Handler`` that ships records to Kafka; ``emit`` never raises and never blocks.

    :param producer: the ``LogProducer`` to use; if None, one is built from ``options`` and owned (closed
        with the handler).
    :param service: the ``service`` of this handler's events (overrides the producer's).
    :param level: the handler's level.
    :param ignore_loggers: fnmatch patterns of logger names never shipped (default: kafka-python's and ours).
    :param options: ``ProducerConfig`` fields for the producer built when ``producer`` is None
        (``bootstrap_servers``, ``topic``, ``spool_dir``...).
    """

    def __init__(
        self,
        producer: LogProducer | None = None,
        *,
        service: str | None = None,
        level: int | str = logging.NOTSET,
        ignore_loggers: Iterable[str] = DEFAULT_IGNORED_LOGGERS,
        **options: Any,
    ) -> None:
        super().__init__(level)
        self._owned = producer is None
        self.producer = producer if producer is not None else LogProducer(service, **options)
        self._service = service
        self._patterns = tuple(ignore_loggers)
        self._ignored: dict[str, bool] = {}
        self._logger_parts: dict[str, str] = {}

    def _is_ignored(self, name: str) -> bool:
        hit = self._ignored.get(name)
        if hit is None:
            if len(self._ignored) > 4096:
                self._ignored.clear()
            hit = self._ignored[name] = any(fnmatch.fnmatchcase(name, p) for p in self._patterns)
        return hit

    def handle(self, record: logging.LogRecord) -> bool:
        """Filter and emit without ``logging.Handler``'s lock: ``emit`` is thread-safe on its own, and the
        lock would make every logging thread wait on the others."""
        passed = self.filter(record) if self.filters else True
        if not passed:
            return False
        self.emit(passed if isinstance(passed, logging.LogRecord) else record)  # 3.12 filters may replace it
        return True

    def emit(self, record: logging.LogRecord) -> None:
        guard = _guard
        if getattr(guard, "active", False):
            return
        name = record.name
        ignored = self._ignored.get(name)
        if ignored is None:
            ignored = self._is_ignored(name)
        if ignored:
            return
        guard.active = True
        try:
            d = record.__dict__
            attrs = _extras(d) if len(d) > _PLAIN_RECORD_SIZE else None
            try:
                message = record.getMessage()
            except Exception:
                # A bad %-format in someone's log call must not lose the line.
                message = f"{record.msg!s} (unformattable arguments: {record.args!r})"
            if attrs and not _TOP_LEVEL_EXTRAS.isdisjoint(attrs):
                self.producer.emit(record.levelno, message, **self._fields(record, attrs))
                return
            middle = self._logger_parts.get(name) or self._logger_part(name)
            exc_info = record.exc_info
            if exc_info and exc_info[1] is not None:
                middle += f',"exception":{json_value(exception_info(exc_info[1]))}'
            if record.stack_info:
                attrs = attrs or {}
                attrs["stack_info"] = record.stack_info
            self.producer._emit_parts(
                utc_timestamp(record.created),
                normalize_level(record.levelno),
                message,
                self._service,
                middle,
                attrs,
            )
        except Exception as exc:
            capture_internal_exception(exc)
        finally:
            guard.active = False

    def _logger_part(self, name: str) -> str:
        part = self._logger_parts.get(name)
        if part is None:
            if len(self._logger_parts) > 4096:
                self._logger_parts.clear()
            part = self._logger_parts[name] = f',"logger":{json_string(name)}'
        return part

    def _fields(self, record: logging.LogRecord, extras: Iterable[str]) -> dict[str, Any]:
        """Keyword fields for ``LogProducer.emit`` (the slow path: ``extra=`` sets top-level fields)."""
        fields: dict[str, Any] = {"timestamp": record.created, "logger": record.name}
        if self._service:
            fields["service"] = self._service
        if record.exc_info and record.exc_info[1] is not None:
            fields["exception"] = record.exc_info[1]
        attrs: dict[str, Any] = {}
        for name in extras:
            if name in _TOP_LEVEL_EXTRAS:
                fields[name] = record.__dict__[name]
            else:
                attrs[name] = record.__dict__[name]
        if record.stack_info:
            attrs["stack_info"] = record.stack_info
        if attrs:
            fields["attributes"] = attrs
        return fields

    def flush(self) -> None:
        """Wait briefly for queued events (``close_timeout_s``); never raises."""
        try:
            self.producer.flush()
        except Exception as exc:
            capture_internal_exception(exc)

    def close(self) -> None:
        """Close the producer if this handler built it."""
        try:
            if self._owned:
                self.producer.close()
        except Exception as exc:
            capture_internal_exception(exc)
        finally:
            super().close()
