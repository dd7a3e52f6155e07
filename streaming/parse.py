"""Parse stage: Kafka records in, one row per record out, with either event columns or an ``error``.

Secrets are redacted in the same pass, so no later stage (or sink) ever sees them in event fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.pandas.functions import pandas_udf

from streaming.event import event_id, parse_record
from streaming.redact import redact, redact_fields

__all__ = ["PARSED_SCHEMA", "parse"]

_STRING_FIELDS = ("level", "service", "host", "logger", "message", "trace_id", "span_id", "env", "version")

PARSED_SCHEMA = T.StructType(
    [
        T.StructField("event_id", T.StringType()),
        T.StructField("error", T.StringType()),
        T.StructField("format", T.StringType()),
        T.StructField("timestamp", T.TimestampType()),
        *[T.StructField(name, T.StringType()) for name in _STRING_FIELDS],
        # JSON text: a map type cannot hold the nested, mixed-type values services send, and flat
        # columns keep the Arrow hand-over to the sink simple.
        T.StructField("exception", T.StringType()),
        T.StructField("attributes", T.StringType()),
        T.StructField("redactions", T.IntegerType()),
    ]
)


def _json_or_none(value: object) -> str | None:
    return None if value is None else json.dumps(value, default=str, ensure_ascii=False)


def _redact(fields: dict[str, Any]) -> int:
    message, count = redact(fields["message"])
    fields["message"] = message
    for name in ("exception", "attributes"):
        if fields.get(name):
            count += redact_fields(fields[name])
    return count


def _parse_batch(
    values: pd.Series,
    keys: pd.Series,
    timestamps: pd.Series,
    topics: pd.Series,
    partitions: pd.Series,
    offsets: pd.Series,
) -> pd.DataFrame:
    rows = []
    for value, key, ts, topic, partition, offset in zip(
        values, keys, timestamps, topics, partitions, offsets, strict=True
    ):
        kafka_ts = None if pd.isna(ts) else pd.Timestamp(ts).tz_localize("UTC").to_pydatetime()
        parsed = parse_record(None if value is None else bytes(value), None if key is None else bytes(key), kafka_ts)
        fields = parsed.fields
        redactions = _redact(fields) if parsed.error is None else None
        rows.append(
            {
                "event_id": event_id(topic, int(partition), int(offset)),
                "error": parsed.error,
                "format": parsed.format,
                "timestamp": fields.get("timestamp"),
                **{name: fields.get(name) for name in _STRING_FIELDS},
                "exception": _json_or_none(fields.get("exception")),
                "attributes": _json_or_none(fields.get("attributes")),
                "redactions": redactions,
            }
        )
    frame = pd.DataFrame(rows, columns=PARSED_SCHEMA.fieldNames())
    # Arrow wants naive UTC for TimestampType columns built from aware datetimes.
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True).dt.tz_localize(None)
    return frame


@pandas_udf(PARSED_SCHEMA)  # type: ignore[call-overload, untyped-decorator]
def _parse_udf(
    batches: Iterator[tuple[pd.Series, pd.Series, pd.Series, pd.Series, pd.Series, pd.Series]],
) -> Iterator[pd.DataFrame]:
    for columns in batches:
        yield _parse_batch(*columns)


def parse(records: DataFrame) -> DataFrame:
    """Parse raw Kafka records (columns of the Kafka source) into event rows.

    :param records: a DataFrame with the Kafka source's ``key, value, topic, partition, offset, timestamp``.
    :returns: the parsed columns, plus ``topic, partition, offset, ingested_at`` and the original ``value``.
    """
    parsed = _parse_udf(
        F.col("value"), F.col("key"), F.col("timestamp"), F.col("topic"), F.col("partition"), F.col("offset")
    )
    return records.select(
        parsed.alias("p"),
        F.col("topic"),
        F.col("partition"),
        F.col("offset"),
        F.col("timestamp").alias("ingested_at"),
        F.col("value"),
    ).select("p.*", "topic", "partition", "offset", "ingested_at", "value")
