"""`python -m streaming`: run the streaming job with the configuration from logwatch.yaml and the environment."""

from __future__ import annotations

import logging
import os
import time

from core.config import load_config
from streaming.job import run
from streaming.session import spark_session


def main() -> None:
    # Spark hands Python naive datetimes in the process's zone: make that zone UTC for driver and workers.
    os.environ["TZ"] = "UTC"
    time.tzset()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for noisy in ("kafka", "py4j", "elastic_transport"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    config = load_config()
    spark = spark_session(config)
    spark.sparkContext.setLogLevel("WARN")
    # A batch longer than the trigger interval logs a warning: with a 500 ms interval that is most batches, and
    # the progress line already gives every batch's duration.
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    jvm.org.apache.logging.log4j.core.config.Configurator.setLevel(
        "org.apache.spark.sql.execution.streaming.runtime.ProcessingTimeExecutor",
        jvm.org.apache.logging.log4j.Level.ERROR,
    )
    try:
        run(spark, config)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
