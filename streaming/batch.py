"""One pass over a partition of Kafka records: parse and redact, classify, index, and name what Kafka gets.

This is the job's only Python stage (a ``mapInPandas`` function): Spark hands each Arrow batch of the partition
to a Python worker once, instead of once per stage as it did with a pandas UDF per stage. Its output rows are
Kafka records (streaming.sink.RECORD_SCHEMA) that the job writes with Spark's Kafka writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pandas as pd

from streaming.classify import label
from streaming.parse import parse_frame
from streaming.sink import SinkSettings, index_rows
from streaming.zones import Zones

__all__ = ["process_partition"]


def process_partition(
    frames: Iterator[pd.DataFrame],
    settings: SinkSettings,
    zones: Zones,
    batch_at: datetime,
    cluster: str,
    sent: frozenset[str] = frozenset(),
) -> Iterator[pd.DataFrame]:
    """``mapInPandas`` function over the Kafka source's ``key, value, topic, partition, offset, timestamp``.

    :param frames: the partition's records, as Arrow batches.
    :param settings: where to index.
    :param zones: the zone of zone-less times, by Kafka key.
    :param batch_at: the time Spark logged for the batch, the same when it re-runs it (streaming.rerun.batch_time).
    :param cluster: the Kafka cluster's id, part of every document id.
    :param sent: sources whose records an earlier run of this batch already sent (streaming.rerun): left out.
    :returns: per batch, the ``logs.classified`` and ``logs.dlq`` records, once Elasticsearch has the documents.
    :raises SinkError: Elasticsearch stayed unavailable through every retry: the task fails, so the batch is
        re-run from the checkpoint.
    """
    processed_at = datetime.now(UTC)
    for frame in frames:
        rows = parse_frame(frame, zones, cluster)
        label(rows)
        records = index_rows(rows, settings, processed_at, batch_at)
        yield records[~records["source"].isin(sent)] if sent else records
