"""Wires the stages into the streaming query and keeps it running: a failed batch is re-run from the checkpoint."""

from __future__ import annotations

import functools
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from elasticsearch import ApiError, Elasticsearch, TransportError
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.streaming.query import StreamingQuery

from core.config import Config
from core.contract import status_path
from core.retry import Backoff
from nlp import NlpError
from nlp.artifact import read_metadata
from streaming.batch import process_partition
from streaming.errors import StreamingError
from streaming.es_index import ensure_template
from streaming.health import HealthLimits, PipelineHealth, TopicSize
from streaming.parse import KAFKA_COLUMNS
from streaming.progress import ProgressWriter
from streaming.rerun import batch_time, uncommitted_batch, written_sources
from streaming.rules import BatchProcessor, Rule, load_rules
from streaming.rules.aggregate import BucketsParam, buckets_of
from streaming.rules.errors import RulesError
from streaming.rules.evaluate import AlertPublisher
from streaming.session import read_topic
from streaming.shipped_model import ModelShipper
from streaming.sink import DLQ_HEADERS, RECORD_SCHEMA, SinkSettings
from streaming.zones import Zones

__all__ = ["send_records", "start_index_query", "run"]

logger = logging.getLogger(__name__)

# How often the job checks its own health (streaming.health) and asks Kafka how big the DLQ has grown.
HEALTH_INTERVAL_S = 5.0
# How often the main loop reads the index query's progress (streaming.progress): a batch takes longer.
PROGRESS_POLL_S = 0.1


# A dead letter's reason and the rest as Kafka record headers, as one SQL expression: built with PySpark's column
# functions it took 36 calls into the JVM, 117-217 ms of every micro-batch.
_HEADERS = (
    "CASE WHEN reason IS NOT NULL THEN array("
    + ", ".join(f"named_struct('key', '{h}', 'value', CAST({h} AS BINARY))" for h in DLQ_HEADERS)
    + ") END AS headers"
)


def send_records(records: DataFrame, bootstrap_servers: str) -> None:
    """Write the sink's records (streaming.sink.RECORD_SCHEMA) to Kafka; DLQ reasons become record headers."""
    (
        records.selectExpr("topic", "key", "value", _HEADERS)
        .write.format("kafka")
        .option("kafka.bootstrap.servers", bootstrap_servers)
        .option("kafka.compression.type", "gzip")
        # Level 1 instead of zlib's default 6: on the job's documents 158 vs 66 MB/s of one core (4.4 vs 10.6 us a
        # document) for 5.0 vs 6.3 times smaller; readers need nothing new, as they would for lz4 or zstd.
        .option("kafka.compression.gzip.level", "1")
        .option("kafka.linger.ms", "5")
        # Above what the sink sends (documents of 1 MiB, dead letters of 256 KiB: streaming.bounds, .deadletter).
        .option("kafka.max.request.size", str(4 * 1024 * 1024))
        .save()
    )


def kafka_cluster_id(bootstrap_servers: str) -> str:
    """The Kafka cluster's id, which document ids include (streaming.event.event_id).

    :raises KafkaError: the brokers did not answer (the query is started again after a pause).
    """
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10_000)
    try:
        return str(admin.describe_cluster()["cluster_id"])
    finally:
        admin.close()


def start_index_query(
    spark: SparkSession, config: Config, rules: list[Rule], caught_up: Callable[[], bool] = lambda: True
) -> StreamingQuery:
    """Start the query that parses ``topics.logs``, writes Elasticsearch, ``topics.classified`` and ``topics.dlq``,
    and evaluates ``rules`` on each batch's classified documents, writing ``topics.alerts``.

    :param spark: the session (see streaming.session).
    :param config: services, topic and index names, batch bounds, and the var folder for checkpoints.
    :param rules: from :func:`streaming.rules.load_rules`; their state is kept in the checkpoint's ``alert_state``.
    :param caught_up: whether the query has no Kafka backlog (the job's ProgressWriter knows).
    """
    settings = SinkSettings.from_config(config)
    checkpoint = config.var_dir / "checkpoints" / "index"
    evaluate = BatchProcessor.from_config(config, rules, checkpoint / "alert_state", caught_up) if rules else None
    rerun = _rerun(checkpoint, config, settings)
    # A Python task has a fixed cost whatever its rows, and the third of logs' three partitions ran as a second
    # wave on two cores: one task per core (coalesce merges partitions without a shuffle).
    tasks = spark.sparkContext.defaultParallelism
    # An Arrow batch is 10,000 records by default: of 1 MB lines, 10 GB in one Python worker, on every re-run.
    spark.conf.set("spark.sql.execution.arrow.maxBytesPerBatch", str(64 * 1024 * 1024))
    zones = Zones.from_config(config.streaming)
    cluster = kafka_cluster_id(config.kafka.bootstrap_servers)
    # Executors may run where config.model_path does not exist: the driver ships them each version it finds.
    model = ModelShipper(spark.sparkContext, config.model_path, config.var_dir / "spark" / "models")
    # The workers count what they index for the rules; Spark merges each task's counts once, from the attempt
    # that succeeded.
    counted = spark.sparkContext.accumulator({}, BucketsParam())

    def write_batch(batch: DataFrame, batch_id: int) -> None:
        # One Python pass per task does every stage; the JVM then sends its records. A task fails if
        # Elasticsearch or Kafka does, so the batch is re-run: ids make that harmless in Elasticsearch.
        sent = rerun[1] if rerun and rerun[0] == batch_id else frozenset()
        counted.value = {}
        batch_at = batch_time(checkpoint, batch_id) or datetime.now(UTC)
        process = functools.partial(
            process_partition,
            settings=settings,
            zones=zones,
            batch_at=batch_at,
            cluster=cluster,
            model=model.current(),
            bootstrap_servers=config.kafka.bootstrap_servers,
            sent=sent,
            buckets=counted if evaluate is not None else None,
        )
        records = batch.coalesce(tasks).select(*KAFKA_COLUMNS).mapInPandas(process, RECORD_SCHEMA)
        send_records(records, config.kafka.bootstrap_servers)
        if evaluate is not None:
            evaluate(buckets_of(counted.value), batch_id)

    return (
        read_topic(spark, config, config.topics.logs)
        .writeStream.queryName("index")
        .foreachBatch(write_batch)
        .option("checkpointLocation", str(checkpoint))
        .trigger(processingTime=f"{config.spark.trigger_interval_ms} milliseconds")
        .start()
    )


def _rerun(checkpoint: Path, config: Config, settings: SinkSettings) -> tuple[int, frozenset[str]] | None:
    """The batch Spark will re-run, and the sources whose records its first run already sent to Kafka.

    :raises KafkaError: Kafka could not tell what the first run sent.
    """
    pending = uncommitted_batch(checkpoint, config.topics.logs)
    if pending is None:
        return None
    batch_id, ranges = pending
    # Raises KafkaError: the query does not start (and is started again after a pause) rather than re-run the
    # batch whole, which would send its records twice and make the rules count them twice.
    sent = written_sources(
        config.kafka.bootstrap_servers,
        config.topics.logs,
        ranges,
        (settings.classified_topic, settings.dlq_topic),
        since=batch_time(checkpoint, batch_id),
    )
    records = sum(end - start for start, end in ranges.values())
    logger.info("re-running an interrupted batch batch=%d records=%d already_sent=%d", batch_id, records, len(sent))
    return batch_id, sent


@dataclass
class _Restarting:
    """One query kept running: restarted from its checkpoint after a failure, with a growing pause."""

    name: str
    start: Callable[[], StreamingQuery]
    query: StreamingQuery | None = None
    # 1 s doubling to 30 s; no jitter, as there is one job to restart, not a crowd of clients.
    backoff: Backoff = field(default_factory=lambda: Backoff(initial_s=1.0, max_s=30.0, jitter=0.0))
    pause_s: float = 0.0
    restart_at: float = 0.0
    started_at: float = 0.0

    def check(self, now: float) -> None:
        if self.query is not None and self.query.isActive:
            return
        if self.query is not None and self.restart_at == 0.0:
            error = self.query.exception()
            if now - self.started_at > 120:
                # A query that ran for a while failed for a new reason: start the back-off again.
                self.backoff.reset()
            self.pause_s = self.backoff.next_s()
            self.restart_at = now + self.pause_s
            logger.warning(
                'query stopped, restarting from checkpoint name="%s" in_s=%.0f error="%s"',
                self.name,
                self.pause_s,
                str(error).splitlines()[0] if error else None,
            )
        if now >= self.restart_at:
            try:
                query = self.start()
            except KafkaError as exc:  # Kafka is down: as for a failed query, try again after a pause
                self.pause_s = self.backoff.next_s()
                self.restart_at = now + self.pause_s
                logger.warning(
                    'query could not start, retrying name="%s" in_s=%.0f error="%s"', self.name, self.pause_s, exc
                )
                return
            self.query, self.started_at, self.restart_at = query, now, 0.0
            logger.info('query started name="%s" id="%s"', self.name, query.id)


def run(spark: SparkSession, config: Config) -> None:
    """Run the index query (which evaluates the rules) until SIGTERM/SIGINT; a failed query restarts from its
    checkpoint.

    :param spark: the session.
    :param config: the system's configuration.
    """
    rules = load_rules(config.streaming.rules_path)  # a bad rules file stops the job before anything starts
    _install_template(config)
    stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    model_version = functools.partial(_model_version, config.model_path)
    publisher = AlertPublisher(config.kafka.bootstrap_servers, config.topics.alerts, config.kafka.request_timeout_ms)
    limits = HealthLimits(stalled_s=config.streaming.stalled_after_s)
    health_state = config.var_dir / "streaming" / "pipeline-alerts.json"
    health = PipelineHealth(publisher.publish, config.api.dashboard_base, limits, health_state)
    dead_letters = TopicSize(config.kafka.bootstrap_servers, config.topics.dlq)
    arrived = TopicSize(config.kafka.bootstrap_servers, config.topics.logs)
    progress = ProgressWriter(status_path(config.var_dir, "streaming"), model_version, health.on_batch)
    health_due = 0.0
    index = _Restarting("index", lambda: start_index_query(spark, config, rules, progress.caught_up))
    while not stopping:
        index.check(time.monotonic())
        time.sleep(PROGRESS_POLL_S)  # a failed query is restarted by check()
        progress.poll(index.query, time.monotonic())
        if time.monotonic() >= health_due:
            health_due = time.monotonic() + HEALTH_INTERVAL_S
            try:
                health.on_dead_letters(dead_letters())
                health.on_topic_size(arrived())
                health.check()
            except (KafkaError, RulesError) as exc:
                logger.warning('pipeline health not checked, Kafka did not answer error="%s"', exc)
    dead_letters.close()
    arrived.close()
    if index.query is not None:
        index.query.stop()
    logger.info("query stopped")


def _model_version(path: Path) -> str | None:
    """The version of the model at ``path`` (``config.model_path``), which the workers pick up within seconds."""
    try:
        return str(read_metadata(path)["version"])
    except NlpError:
        return None


def _install_template(config: Config) -> None:
    """Install the index template before the first batch, waiting for Elasticsearch if it is not up yet."""
    es = Elasticsearch(config.es.hosts, request_timeout=config.es.request_timeout_s)
    for attempt in range(60):
        try:
            ensure_template(es, config.indices.logs)
            return
        except (TransportError, ApiError) as exc:
            if attempt == 0:
                logger.warning('waiting for elasticsearch url="%s" error="%s"', config.es.url, exc)
            time.sleep(2)
    raise StreamingError(
        f"Elasticsearch at {config.es.url} did not accept the index template for 2 minutes; "
        "check that it is running (make run starts it)."
    )
