"""One pass over a partition of Kafka records: parse and redact, classify, index, and name what Kafka gets.

This is the job's only Python stage (a ``mapInPandas`` function): Spark hands each Arrow batch of the partition
to a Python worker once, instead of once per stage as it did with a pandas UDF per stage. Its output rows are
Kafka records (streaming.sink.RECORD_SCHEMA) that the job writes with Spark's Kafka writer, less those an
earlier run of the batch already sent. Every indexed document is counted for the rules (streaming.rules
.aggregate), sent before or not: the rules' state knows whether it already holds the batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from pyspark import Accumulator, TaskContext

from streaming.classify import label
from streaming.parse import parse_frame
from streaming.rerun import written_sources
from streaming.rules.aggregate import Buckets, count_documents
from streaming.shipped_model import shipped_path
from streaming.sink import SinkSettings, index_rows
from streaming.zones import Zones

__all__ = ["process_partition"]


def process_partition(
    frames: Iterator[pd.DataFrame],
    settings: SinkSettings,
    zones: Zones,
    batch_at: datetime,
    cluster: str,
    model: str,
    bootstrap_servers: str,
    sent: frozenset[str] = frozenset(),
    buckets: Accumulator[Buckets] | None = None,
) -> Iterator[pd.DataFrame]:
    """``mapInPandas`` function over the Kafka source's ``key, value, topic, partition, offset, timestamp``.

    :param frames: the partition's records, as Arrow batches.
    :param settings: where to index.
    :param zones: the zone of zone-less times, by Kafka key.
    :param batch_at: the time Spark logged for the batch, the same when it re-runs it (streaming.rerun.batch_time).
    :param cluster: the Kafka cluster's id, part of every document id.
    :param model: the model artifact the driver shipped for this batch (streaming.shipped_model).
    :param bootstrap_servers: the Kafka the records go to, asked what an earlier attempt of the task sent.
    :param sent: sources whose records an earlier run of this batch already sent (streaming.rerun): left out.
    :param buckets: where the indexed documents are counted for the rules (streaming.rules.BucketsParam), those
        left out included.
    :returns: per batch, the ``logs.classified`` and ``logs.dlq`` records, once Elasticsearch has the documents.
    :raises SinkError: Elasticsearch stayed unavailable through every retry: the task fails, so the batch is
        re-run from the checkpoint.
    """
    processed_at = datetime.now(UTC)
    model_path = shipped_path(model)
    context = TaskContext.get()
    # Spark runs a task again within its batch when its executor was lost (a dead worker), whatever
    # spark.task.maxFailures says: the attempt before may have sent part of it, which is left out as a re-run
    # batch leaves out what its first run sent (streaming.rerun).
    retried = context is not None and context.attemptNumber() > 0
    for frame in frames:
        rows = parse_frame(frame, zones, cluster)
        label(rows, model_path=model_path)
        indexed: list[dict[str, Any]] = []
        records = index_rows(rows, settings, processed_at, batch_at, None if buckets is None else indexed.extend)
        if buckets is not None:
            buckets.add(count_documents(indexed))
        if retried and len(frame):
            sent = sent | _sent_before(frame, settings, bootstrap_servers, batch_at)
        yield records[~records["source"].isin(sent)] if sent else records


def _sent_before(
    frame: pd.DataFrame, settings: SinkSettings, bootstrap_servers: str, since: datetime
) -> frozenset[str]:
    """The frame's source records whose output an earlier attempt of the task already sent.

    :raises KafkaError: Kafka could not tell: the task fails, and the batch is re-run from the checkpoint.
    """
    bounds = frame.groupby("partition")["offset"].agg(["min", "max"])
    ranges = {int(p): (int(row["min"]), int(row["max"]) + 1) for p, row in bounds.iterrows()}
    outputs = (settings.classified_topic, settings.dlq_topic)
    return written_sources(bootstrap_servers, str(frame["topic"].iloc[0]), ranges, outputs, since=since)
