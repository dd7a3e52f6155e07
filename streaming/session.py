"""The SparkSession every stage and the job use (Kafka connector from var/jars, not Ivy), and its Kafka source."""

from __future__ import annotations

import os
import sys

from pyspark.sql import DataFrame, SparkSession

from core.config import Config
from core.jvm import HEAP_RETURNED_WHEN_IDLE
from streaming.errors import SetupError

__all__ = ["read_topic", "spark_session"]


def spark_session(config: Config, app_name: str = "logwatch-streaming") -> SparkSession:
    """Build (or reuse) the SparkSession for ``config``.

    :param config: master, memory and the var folder holding the connector jars.
    :param app_name: shown in Spark's UI and logs.
    """
    jars = sorted((config.var_dir / "jars" / "spark").glob("*.jar"))
    if not jars:
        raise SetupError(f"No Spark Kafka connector jars in {config.var_dir / 'jars' / 'spark'}; run `make setup`.")
    # Python workers must run in this interpreter's environment (pandas, pyarrow, the model);
    # pyspark reads only the environment variable for that.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # Hadoop loads its file systems before spark.jars are on the class path: this one goes on the driver's own.
    local_fs = [str(j) for j in jars if j.name.startswith("hadoop-bare-naked-local-fs")]
    builder = SparkSession.builder.appName(app_name).master(config.spark.master)
    # On a cluster, executors start with their worker's environment: they get the driver's configuration (the
    # corrections index, ...) and its zone. The model is not read there (streaming.shipped_model).
    for name, value in {**config.as_env(), "TZ": "UTC"}.items():
        builder = builder.config(f"spark.executorEnv.{name}", value)
    return (
        builder.config("spark.jars", ",".join(str(j) for j in jars))
        .config("spark.driver.host", config.spark.driver_host)
        .config("spark.driver.bindAddress", config.spark.driver_host)
        .config("spark.driver.memory", f"{config.spark.driver_memory_mb}m")
        # The driver plans every micro-batch anew (Catalyst, codegen, scheduling): thousands of methods, each run a
        # few times a batch, that C2 kept compiling for ten minutes after each start (0.43 of a core after two,
        # bursts at 6,000-7,000 events/s after three minutes against 8,100-8,400 with C1 alone). Ten minutes in,
        # both run bursts at 8,600-9,300 events/s: C2 buys nothing here (2026-12-04, bench_pipeline's events).
        # Without tiers the JVM reserves 48 MB for compiled code (240 MB with them), and C1 alone filled it five
        # minutes into 300 events/s: "CodeCache is full. Compiler has been disabled", the rest left interpreted.
        # Only what is used is resident. Executors on a cluster are other JVMs, with their own defaults. An idle
        # driver gives back heap (core.jvm).
        .config(
            "spark.driver.extraJavaOptions",
            " ".join(("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=240m", *HEAP_RETURNED_WHEN_IDLE)),
        )
        .config("spark.sql.shuffle.partitions", str(config.spark.shuffle_partitions))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # Workers forked from our daemon skip PySpark's per-task re-read of its zip archives (300+ ms a task).
        .config("spark.python.daemon.module", "streaming.worker_daemon")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.local.dir", str(config.var_dir / "spark" / "tmp"))
        .config("spark.sql.streaming.stopGracefullyOnShutdown", "true")
        # Checkpoint files through a local file system of plain Java calls (infra/spark/pom.xml): Hadoop's own
        # started about 5 `chmod` and `readlink` processes a micro-batch (strace), and walCommit plus
        # commitOffsets took 0.2-0.3 s (0.02 s now). The file-context manager would go through Hadoop's own again.
        .config("spark.driver.extraClassPath", ":".join(local_fs))
        .config("spark.hadoop.fs.file.impl", "com.globalmentor.apache.hadoop.fs.BareLocalFileSystem")
        .config(
            "spark.sql.streaming.checkpointFileManagerClass",
            "org.apache.spark.sql.execution.streaming.checkpointing.FileSystemBasedCheckpointFileManager",
        )
        # A retried task would send its partition's records to Kafka again within the batch's first run, which
        # the re-run filter does not cover (audit M8.3; cluster masters retry 4 times by default): a failed task
        # fails the batch instead, and the re-run leaves out what was already sent. (A lost executor's tasks run
        # again whatever this says: streaming.batch leaves out what their first attempt sent.)
        .config("spark.task.maxFailures", "1")
        .getOrCreate()
    )


def read_topic(spark: SparkSession, config: Config, topic: str) -> DataFrame:
    """A streaming DataFrame of ``topic`` from its start, in micro-batches of at most ``max_offsets_per_trigger``.

    :param spark: the session.
    :param config: the broker address and the batch bound.
    :param topic: the topic to read.
    """
    return (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", config.kafka.bootstrap_servers)
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .option("maxOffsetsPerTrigger", config.spark.max_offsets_per_trigger)
        # Retention may delete offsets we have not read during a long outage: go on, don't die.
        .option("failOnDataLoss", "false")
        # A task's pooled consumer has a fetch parked at the broker from its last task, which the broker holds
        # until data comes or this wait ends (500 ms by default): a small batch's task waited 0.5 s for its first
        # record (0.02 s with 10 ms; bench.bench_pipeline's profile).
        .option("kafka.fetch.max.wait.ms", "10")
        .load()
    )
