"""Runs the index query's batch step once, as ``foreachBatch`` does, with a task whose first attempt dies after
sending part of its records (test_cluster.py runs it in a process of its own: the local master must be
``local[1,2]``, which retries a failed task once, and this file's functions go to Spark's workers by value).

Usage: ``python tests/streaming/retried_task.py`` with the job's configuration in the environment.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import UTC, datetime

import pandas as pd
from pyspark import TaskContext

from core.config import load_config
from streaming.batch import process_partition
from streaming.job import kafka_cluster_id, send_records
from streaming.parse import KAFKA_COLUMNS
from streaming.session import spark_session
from streaming.shipped_model import ModelShipper
from streaming.sink import RECORD_SCHEMA, SinkSettings
from streaming.zones import Zones

# Frames of this many records, so that the first attempt has sent some when it dies.
FRAME = 50


def dies_once(frames: Iterator[pd.DataFrame], **kwargs: object) -> Iterator[pd.DataFrame]:
    """``process_partition``, whose first attempt fails once two frames of records are on their way to Kafka."""
    for n, records in enumerate(process_partition(frames, **kwargs)):  # type: ignore[arg-type]
        yield records
        context = TaskContext.get()
        if n == 1 and context is not None and context.attemptNumber() == 0:
            raise RuntimeError("the first attempt dies after sending two frames")


def main() -> None:
    config = load_config()
    spark = spark_session(config, app_name="logwatch-retried-task")
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(FRAME))
    settings = SinkSettings.from_config(config)
    model = ModelShipper(spark.sparkContext, config.model_path, config.var_dir / "spark" / "models")
    process = functools.partial(
        dies_once,
        settings=settings,
        zones=Zones.from_config(config.streaming),
        batch_at=datetime.now(UTC),
        cluster=kafka_cluster_id(config.kafka.bootstrap_servers),
        model=model.current(),
        bootstrap_servers=config.kafka.bootstrap_servers,
    )
    batch = (
        spark.read.format("kafka")
        .option("kafka.bootstrap.servers", config.kafka.bootstrap_servers)
        .option("subscribe", config.topics.logs)
        .load()
    )
    records = batch.coalesce(1).select(*KAFKA_COLUMNS).mapInPandas(process, RECORD_SCHEMA)
    send_records(records, config.kafka.bootstrap_servers)
    spark.stop()


if __name__ == "__main__":
    main()
