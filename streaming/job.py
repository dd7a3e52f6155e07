"""Wires the stages into the streaming query and keeps it running: a failed batch is re-run from the checkpoint."""

from __future__ import annotations

import functools
import logging
import signal
import time
from types import FrameType

from elasticsearch import ApiError, Elasticsearch, TransportError
from pyspark.errors import StreamingQueryException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.streaming.query import StreamingQuery

from infra.config import Config
from nlp import NlpError, default_model_path
from nlp.artifact import read_metadata
from streaming.classify import classify
from streaming.errors import StreamingError
from streaming.es_index import ensure_template
from streaming.parse import parse
from streaming.progress import ProgressWriter
from streaming.sink import WRITE_RESULT_SCHEMA, SinkSettings, write_frames

__all__ = ["start_index_query", "run"]

logger = logging.getLogger(__name__)

SOURCE_TOPIC = "logs"


def _read_logs(spark: SparkSession, config: Config) -> DataFrame:
    return (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", config.kafka.bootstrap_servers)
        .option("subscribe", SOURCE_TOPIC)
        .option("startingOffsets", "earliest")
        .option("maxOffsetsPerTrigger", config.spark.max_offsets_per_trigger)
        # Retention may delete offsets we have not read during a long outage: go on, don't die.
        .option("failOnDataLoss", "false")
        .load()
    )


def start_index_query(spark: SparkSession, config: Config) -> StreamingQuery:
    """Start the query that parses ``logs`` and writes Elasticsearch, ``logs.classified`` and ``logs.dlq``.

    :param spark: the session (see streaming.session).
    :param config: services, batch bounds, and the var folder for checkpoints.
    """
    settings = SinkSettings(
        es_url=config.es.url,
        es_timeout_s=config.es.request_timeout_s,
        bulk_timeout_s=config.es.bulk_timeout_s,
        index_prefix=config.es.index_prefix,
        chunk_size=config.es.bulk_chunk_size,
        max_retries=config.es.bulk_max_retries,
        bootstrap_servers=config.kafka.bootstrap_servers,
    )
    write = functools.partial(write_frames, settings=settings)

    def write_batch(batch: DataFrame, batch_id: int) -> None:
        started = time.monotonic()
        # One small row per partition comes back: no shuffle, and the batch is computed exactly once.
        counts = batch.mapInPandas(write, WRITE_RESULT_SCHEMA).collect()
        logger.info(
            "batch=%d indexed=%d dead_lettered=%d elapsed_ms=%.0f",
            batch_id,
            sum(row["indexed"] for row in counts),
            sum(row["dead_lettered"] for row in counts),
            (time.monotonic() - started) * 1000,
        )

    return (
        classify(parse(_read_logs(spark, config)))
        .writeStream.queryName("index")
        .foreachBatch(write_batch)
        .option("checkpointLocation", str(config.var_dir / "checkpoints" / "index"))
        .trigger(processingTime=f"{config.spark.trigger_interval_ms} milliseconds")
        .start()
    )


def run(spark: SparkSession, config: Config) -> None:
    """Run the streaming job until SIGTERM/SIGINT; a failed query restarts from its checkpoint after a pause.

    :param spark: the session.
    :param config: the system's configuration.
    """
    _install_template(config)
    stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    spark.streams.addListener(ProgressWriter(config.var_dir / "streaming" / "status.json", _model_version))
    pause_s = 1.0
    while not stopping:
        query = start_index_query(spark, config)
        logger.info('query started name="index" id="%s"', query.id)
        started = time.monotonic()
        try:
            while not stopping and query.isActive:
                query.awaitTermination(1)
        except StreamingQueryException:
            pass  # reported below, then the query is restarted
        if stopping:
            query.stop()
            break
        error = query.exception()
        logger.warning(
            'query stopped, restarting from checkpoint in %.0f s error="%s"',
            pause_s,
            str(error).splitlines()[0] if error else None,
        )
        time.sleep(pause_s)
        pause_s = 1.0 if time.monotonic() - started > 120 else min(pause_s * 2, 30.0)


def _model_version() -> str | None:
    """The version of the model on disk, which the workers pick up within seconds."""
    try:
        return str(read_metadata(default_model_path())["version"])
    except NlpError:
        return None


def _install_template(config: Config) -> None:
    """Install the index template before the first batch, waiting for Elasticsearch if it is not up yet."""
    es = Elasticsearch(config.es.url, request_timeout=config.es.request_timeout_s)
    for attempt in range(60):
        try:
            ensure_template(es, config.es.index_prefix)
            return
        except (TransportError, ApiError) as exc:
            if attempt == 0:
                logger.warning('waiting for elasticsearch url="%s" error="%s"', config.es.url, exc)
            time.sleep(2)
    raise StreamingError(
        f"Elasticsearch at {config.es.url} did not accept the index template for 2 minutes; "
        "check that it is running (make run starts it)."
    )
