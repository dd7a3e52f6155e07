"""Parse stage: Kafka records in, one row per record out, with either event columns or an ``error``."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.functions import pandas_udf

from streaming.event import event_id, parse_record

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
    ]
)


def _json_or_none(value: object) -> str | None:
    return None if value is None else json.dumps(value, default=str, ensure_ascii=False)


def _parse_batch(values: pd.Series, topics: pd.Series, partitions: pd.Series, offsets: pd.Series) -> pd.DataFrame:
    rows = []
    for value, topic, partition, offset in zip(values, topics, partitions, offsets, strict=True):
        parsed = parse_record(None if value is None else bytes(value))
        fields = parsed.fields
        rows.append(
            {
                "event_id": event_id(topic, int(partition), int(offset)),
                "error": parsed.error,
                "format": parsed.format,
                "timestamp": fields.get("timestamp"),
                **{name: fields.get(name) for name in _STRING_FIELDS},
                "exception": _json_or_none(fields.get("exception")),
                "attributes": _json_or_none(fields.get("attributes")),
            }
        )
    frame = pd.DataFrame(rows, columns=PARSED_SCHEMA.fieldNames())
    # Arrow wants naive UTC for TimestampType columns built from aware datetimes.
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True).dt.tz_localize(None)
    return frame


@pandas_udf(PARSED_SCHEMA)  # type: ignore[call-overload]
def _parse_udf(
    batches: Iterator[tuple[pd.Series, pd.Series, pd.Series, pd.Series]],
) -> Iterator[pd.DataFrame]:
    for values, topics, partitions, offsets in batches:
        yield _parse_batch(values, topics, partitions, offsets)


def parse(records: DataFrame) -> DataFrame:
    """Parse raw Kafka records (columns of the Kafka source) into event rows.

    :param records: a DataFrame with the Kafka source's ``value, topic, partition, offset, timestamp``.
    :returns: the parsed columns, plus ``topic, partition, offset, ingested_at`` and the original ``value``.
    """
    parsed = _parse_udf(F.col("value"), F.col("topic"), F.col("partition"), F.col("offset"))
    return records.select(
        parsed.alias("p"),
        F.col("topic"),
        F.col("partition"),
        F.col("offset"),
        F.col("timestamp").alias("ingested_at"),
        F.col("value"),
    ).select("p.*", "topic", "partition", "offset", "ingested_at", "value")
