"""Classify stage: the nlp model labels each event's message, inside an Arrow-vectorised pandas UDF.

The model is loaded once per Python worker and reloaded when the artifact on disk changes, so a retrained
model is picked up by the running query without a restart.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.pandas.functions import pandas_udf

from nlp import Classifier, default_model_path, load_classifier

__all__ = ["CLASSIFY_SCHEMA", "classify", "current_model"]

logger = logging.getLogger(__name__)

CLASSIFY_SCHEMA = T.StructType(
    [
        T.StructField("category", T.StringType()),
        T.StructField("category_confidence", T.DoubleType()),
        T.StructField("model_version", T.StringType()),
    ]
)

# How often a worker looks at the artifact's mtime; a new model is live within this long.
RELOAD_CHECK_S = 5.0

_lock = threading.Lock()
_loaded: dict[str, object] = {"model": None, "mtime": None, "checked_at": 0.0}


def current_model(path: Path | None = None) -> Classifier:
    """The worker's model, reloaded if the artifact changed since it was loaded.

    :param path: artifact path (``nlp.default_model_path()`` when None).
    """
    path = path or default_model_path()
    with _lock:
        model = _loaded["model"]
        now = time.monotonic()
        if model is not None and now - float(_loaded["checked_at"]) < RELOAD_CHECK_S:  # type: ignore[arg-type]
            return model  # type: ignore[return-value]
        _loaded["checked_at"] = now
        mtime = os.stat(path).st_mtime_ns
        if model is None or mtime != _loaded["mtime"]:
            model = load_classifier(path)
            _loaded.update(model=model, mtime=mtime)
            logger.info('model loaded version="%s" path="%s"', model.version, path)
        return model  # type: ignore[return-value]


@pandas_udf(CLASSIFY_SCHEMA)  # type: ignore[call-overload, untyped-decorator]
def _classify_udf(batches: Iterator[pd.Series]) -> Iterator[pd.DataFrame]:
    for messages in batches:
        model = current_model()
        labels, confidences = model.classify_batch(messages.fillna("").tolist())
        yield pd.DataFrame({"category": labels, "category_confidence": confidences, "model_version": model.version})


def classify(events: DataFrame) -> DataFrame:
    """Add ``category``, ``category_confidence`` and ``model_version`` to parsed events (null on bad records).

    :param events: the parse (and redact) stage's output.
    """
    labelled = F.when(F.col("error").isNull(), _classify_udf(F.col("message")))
    return (
        events.withColumn("_c", labelled)
        .select("*", F.col("_c.category"), F.col("_c.category_confidence"), F.col("_c.model_version"))
        .drop("_c")
    )
