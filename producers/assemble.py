"""Turns (level, message, fields) into the bytes of one event, fast.

``emit()`` runs in the host's threads, so the common event is assembled from pre-encoded JSON
fragments (service, host, env, version never change) instead of encoding a whole dict each time;
only ``attributes`` and ``exception`` go through the (C) JSON encoder.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

from producers.event import exception_info, fit, json_string, json_value, utc_timestamp

__all__ = ["Assembler", "Drop", "exception_field"]

_STRING_FIELDS = frozenset({"host", "logger", "trace_id", "span_id", "env", "version"})
_SPECIAL = _STRING_FIELDS | {"service", "exception", "exc_info", "attributes", "timestamp"}


class Drop(Exception):
    """The event cannot be sent; ``reason`` is the counter it is dropped under."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _timestamp(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return utc_timestamp(float(value))
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    return str(value)


def exception_field(value: object) -> dict[str, Any] | None:
    """The ``exception`` object for an exception instance, True (the one being handled) or a dict."""
    if value is None or value is False:
        return None
    if isinstance(value, BaseException):
        return exception_info(value)
    if value is True:
        current = sys.exc_info()[1]
        return exception_info(current) if current is not None else None
    if isinstance(value, dict):
        return value
    return {"type": type(value).__name__, "message": str(value), "stacktrace": ""}


class Assembler:
    """Pre-encoded fragments of one producer's events.

    :param service: the default service (and key).
    :param static: fields every event carries (host, env, version).
    :param limit: the largest event in bytes; larger ones are truncated with a marker.
    """

    def __init__(self, service: str, static: dict[str, str], limit: int) -> None:
        self.limit = limit
        self.static = static
        self.static_part = self.fragments(static)
        self.closing = self.static_part + "}"
        self.key, self.service_part = self.service_fragments(service)
        self._services: dict[str, tuple[bytes, str]] = {service: (self.key, self.service_part)}

    @staticmethod
    def fragments(fields: dict[str, str]) -> str:
        return "".join(f',"{k}":{json_string(v)}' for k, v in fields.items())

    @staticmethod
    def service_fragments(service: str) -> tuple[bytes, str]:
        return service.encode("utf-8"), f',"service":{json_string(service)},"message":'

    def for_service(self, service: str) -> tuple[bytes, str]:
        """Kafka key and JSON fragment of another service name (cached)."""
        found = self._services.get(service)
        if found is None:
            if len(self._services) > 1024:
                self._services.clear()
            found = self._services[service] = self.service_fragments(service)
        return found

    def build(
        self, ts: str, level: str, message: str, service_part: str, middle: str, attrs: dict[str, Any] | None
    ) -> tuple[bytes, bool]:
        """The event's bytes and whether it was truncated.

        :param middle: pre-encoded top-level fields after ``message`` (logger, host, exception...).
        :raises Drop: the event cannot be encoded or made to fit.
        """
        try:
            tail = f',"attributes":{json_value(attrs)}}}' if attrs else "}"
        except (TypeError, ValueError, RecursionError) as exc:
            raise Drop("serialize_error") from exc
        text = f'{{"timestamp":"{ts}","level":"{level}"{service_part}{json_string(message)}{middle}{tail}'
        try:
            payload = text.encode("utf-8")
        except UnicodeEncodeError:
            payload = text.encode("utf-8", "replace")
        if len(payload) <= self.limit:
            return payload, False
        fitted = fit(json.loads(payload), payload, self.limit)
        if fitted is None:
            raise Drop("oversize")
        return fitted, True

    def from_fields(self, level: str, message: str, fields: dict[str, Any]) -> tuple[bytes, bytes, bool]:
        """Key, bytes and truncation flag of an event with ``emit()`` keyword fields.

        :raises Drop: the event cannot be encoded or made to fit.
        """
        if _SPECIAL.isdisjoint(fields):
            # Only attributes: ``fields`` is emit()'s own **kwargs dict, safe to use as is.
            payload, cut = self.build(
                utc_timestamp(time.time()), level, message, self.service_part, self.static_part, fields
            )
            return self.key, payload, cut
        key, service_part = self.key, self.service_part
        ts: str | None = None
        top: list[str] = []
        static = self.static
        exc_part = ""
        attrs: dict[str, Any] = {}
        for name, value in fields.items():
            if name in _STRING_FIELDS:
                if value is None:
                    continue
                text = value if type(value) is str else str(value)
                if name in static:
                    static = {**static, name: text}
                else:
                    top.append(f',"{name}":{json_string(text)}')
            elif name == "service":
                if value:
                    key, service_part = self.for_service(str(value))
            elif name == "exception" or name == "exc_info":
                info = exception_field(value)
                if info is not None:
                    try:
                        exc_part = f',"exception":{json_value(info)}'
                    except (TypeError, ValueError, RecursionError) as exc:
                        raise Drop("serialize_error") from exc
            elif name == "attributes":
                if isinstance(value, dict):
                    attrs.update(value)
                elif value is not None:
                    attrs[name] = value
            elif name == "timestamp":
                if value is not None:
                    ts = _timestamp(value)
            else:
                attrs[name] = value
        static_part = self.static_part if static is self.static else self.fragments(static)
        middle = "".join(top) + static_part + exc_part
        stamp = ts or utc_timestamp(time.time())
        payload, cut = self.build(stamp, level, message, service_part, middle, attrs)
        return key, payload, cut
