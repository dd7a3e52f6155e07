"""The parse and classify stages on small batch DataFrames, in a local SparkSession (no Kafka needed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import pytest
from pyspark.sql import DataFrame, SparkSession

from infra.config import REPO_ROOT, load_config
from streaming.classify import classify
from streaming.parse import parse
from streaming.session import spark_session
from tests.services import TestStack

# pyspark's collect() leaves its local result socket for the garbage collector to close.
pytestmark = [
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    var_dir = TestStack(tmp_path_factory.mktemp("spark-var")).var_dir
    from infra.jars import fetch_jars
    from infra.stack import SPARK_POM

    fetch_jars(SPARK_POM, REPO_ROOT / "var" / "jars" / "spark")
    config = load_config(env={"LOGWATCH_VAR_DIR": str(var_dir), "SPARK_MASTER": "local[1]"})
    session = spark_session(config, app_name="logwatch-stage-tests")
    yield session
    session.stop()


def records(spark: SparkSession, values: list[bytes], key: bytes | None = b"checkout") -> DataFrame:
    ts = datetime(2026, 11, 23, 10, 0, 0)
    rows = [(key, value, "logs", 0, offset, ts) for offset, value in enumerate(values)]
    return spark.createDataFrame(
        rows, "key binary, value binary, topic string, partition int, offset long, timestamp timestamp"
    )


def test_parse_stage_mixes_json_raw_and_bad_records(spark: SparkSession) -> None:
    event = {
        "timestamp": "2026-11-23T09:59:58Z",
        "level": "ERR",
        "service": "payment",
        "message": "card declined password=hunter2 for user bob",
        "attributes": {"api_key": "abc123", "n": 1},
    }
    values = [
        json.dumps(event).encode(),
        b'127.0.0.1 - - [23/Nov/2026:10:00:00 +0000] "GET /cart HTTP/1.1" 503 12',
        b"\xff\xfe not utf-8",
    ]
    rows = {r["offset"]: r.asDict() for r in parse(records(spark, values)).collect()}
    assert rows[0]["error"] is None and rows[0]["format"] == "json" and rows[0]["level"] == "ERROR"
    assert "hunter2" not in rows[0]["message"] and "user bob" in rows[0]["message"]
    assert "abc123" not in rows[0]["attributes"] and json.loads(rows[0]["attributes"])["n"] == 1
    assert rows[0]["redactions"] == 2
    assert rows[1]["format"] == "apache_access" and rows[1]["level"] == "ERROR" and rows[1]["service"] == "checkout"
    assert rows[2]["error"].startswith("value is not valid UTF-8") and rows[2]["value"] == values[2]
    assert len({r["event_id"] for r in rows.values()}) == 3


def test_classify_stage_labels_good_rows_only(spark: SparkSession, monkeypatch: pytest.MonkeyPatch) -> None:
    values = [
        json.dumps(
            {
                "timestamp": "2026-11-23T10:00:00Z",
                "level": "WARN",
                "service": "auth",
                "message": "Failed password for invalid user admin from 203.0.113.9 port 22 ssh2",
            }
        ).encode(),
        b"{not json",
    ]
    rows = {r["offset"]: r.asDict() for r in classify(parse(records(spark, values))).collect()}
    assert rows[0]["category"] == "security" and 0 < rows[0]["category_confidence"] <= 1
    assert rows[0]["model_version"]
    assert rows[1]["category"] is None and rows[1]["error"].startswith("invalid JSON")
