"""Parse stage: a batch of Kafka records in, one row per record out, with either event fields or an ``error``.

Secrets are redacted in the same pass, so no later stage (or sink) ever sees them in event fields. The
template (streaming.templates) is taken of the redacted message, so a secret never becomes part of a template.
Pure Python over pandas columns: it runs inside the job's single ``mapInPandas`` pass (streaming.batch).
"""

from __future__ import annotations

import logging
import traceback
from functools import lru_cache
from typing import Any

import pandas as pd

from streaming.event import DECLARED_ID, Parsed, declared_event_id, event_id, parse_record
from streaming.redact import redact, redact_fields
from streaming.templates import template_of
from streaming.zones import UTC_ONLY, Zones

__all__ = ["KAFKA_COLUMNS", "parse_frame"]

logger = logging.getLogger(__name__)

# The Kafka source's columns the stage reads, in the order a frame must carry them.
KAFKA_COLUMNS = ("key", "value", "topic", "partition", "offset", "timestamp")


@lru_cache(maxsize=4096)
def _redact_name(value: str) -> tuple[str, int]:
    # Services, hosts and loggers repeat from record to record: a memo spares redacting them each time.
    return redact(value)


def _redact(fields: dict[str, Any]) -> int:
    """Redact every string field (message, service, host, logger, trace_id, ...), the exception and the attributes
    (keys and values) in place; returns the number of redactions."""
    message, count = redact(fields["message"])
    fields["message"] = message
    for name, value in fields.items():
        if isinstance(value, str) and name not in ("message", "level"):  # a level is one of core.contract's names
            fields[name], found = _redact_name(value) if len(value) <= 256 else redact(value)
            count += found
    for name in ("exception", "attributes"):
        if fields.get(name):
            count += redact_fields(fields[name])
    return count


def _declared_id(parsed: Parsed) -> str | None:
    """The id a JSON log of another schema gives itself (a shipper's, that may send a line twice), else None."""
    if parsed.format != "json":
        return None
    declared = (parsed.fields.get("attributes") or {}).get(DECLARED_ID)
    return (
        str(declared) if isinstance(declared, str | int) and not isinstance(declared, bool) and declared != "" else None
    )


def parse_frame(frame: pd.DataFrame, zones: Zones = UTC_ONLY, cluster: str = "") -> list[dict[str, Any]]:
    """Parse and redact a frame of Kafka records.

    :param frame: the Kafka source's ``key, value, topic, partition, offset, timestamp`` (naive UTC times).
    :param zones: the zone of zone-less times, by Kafka key (``streaming.time_zone`` and its overrides).
    :param cluster: the Kafka cluster's id, part of every ``event_id``.
    :returns: per record, the event fields (``timestamp`` an aware datetime, ``exception`` and ``attributes``
        dicts, ``template_id`` and ``template`` of the redacted message) or ``error``; always ``event_id``,
        ``format``, ``topic``, ``partition``, ``offset``, ``ingested_at`` (the Kafka timestamp) and the original
        ``value`` bytes.
    """
    # One vectorised conversion instead of one pandas Timestamp per row.
    arrived = pd.DatetimeIndex(frame["timestamp"]).tz_localize("UTC").to_pydatetime()
    rows = []
    for key, value, topic, partition, offset, ingested_at in zip(
        frame["key"], frame["value"], frame["topic"], frame["partition"], frame["offset"], arrived, strict=True
    ):
        value = None if value is None else bytes(value)
        where = {"topic": topic, "partition": int(partition), "offset": int(offset), "ingested_at": ingested_at}
        try:
            row = _parse_one(value, None if key is None else bytes(key), where, zones, cluster)
        except Exception as exc:
            # A record no rule foresaw must not fail the task: the batch would fail again at every retry and
            # restart, and the job would index nothing more. It goes to the dead-letter topic with the reason.
            # The exception's type and where it was raised, never its text: that may quote the record's secrets.
            frame_info = traceback.extract_tb(exc.__traceback__)[-1]
            logger.error(
                "parsing %s[%d]@%d failed: %s at %s:%s",
                topic,
                where["partition"],
                where["offset"],
                type(exc).__name__,
                frame_info.filename,
                frame_info.lineno,
            )
            row = {
                **where,
                "event_id": event_id(topic, where["partition"], where["offset"], cluster),
                "error": f"the parser failed on this record ({type(exc).__name__}): report it with this record",
                "format": "invalid",
                "redactions": None,
                "value": value,
            }
        rows.append(row)
    return rows


def _parse_one(
    value: bytes | None, key: bytes | None, where: dict[str, Any], zones: Zones, cluster: str
) -> dict[str, Any]:
    """One row of :func:`parse_frame`; ``where``: the record's topic, partition, offset and ``ingested_at``."""
    parsed = parse_record(value, key, where["ingested_at"], zones)
    row = parsed.fields
    declared = _declared_id(parsed)
    row.update(
        event_id=event_id(where["topic"], where["partition"], where["offset"], cluster)
        if declared is None or value is None
        else declared_event_id(where["topic"], declared, value, cluster),
        error=parsed.error,
        format=parsed.format,
        redactions=None if parsed.error else _redact(row),
        **where,
        value=value,
    )
    if parsed.error is None:
        row["template_id"], row["template"] = template_of(row["message"])
    return row
