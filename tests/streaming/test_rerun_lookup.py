"""Audit 2026-12-02 M8: what an interrupted batch already sent is found, or the index query waits.

M8.2: when Kafka cannot say, the query waited for nothing and re-ran the batch whole (its records sent twice,
and the rules counted them twice). M8.4: another writer's records after the batch's hid them from the lookup.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer
from kafka.errors import KafkaError, NoBrokersAvailable

from core.config import load_config
from streaming.job import _rerun, _Restarting
from streaming.rerun import written_sources
from streaming.sink import SinkSettings


class StoppedQuery:
    """A query that has already failed, as ``spark.streams`` hands it back."""

    isActive = False
    id = "q"

    def exception(self) -> Any:
        return None


def test_a_start_that_kafka_fails_is_tried_again_after_a_pause() -> None:
    attempts: list[float] = []
    now = 0.0

    def start() -> Any:
        attempts.append(now)
        if len(attempts) < 3:
            raise NoBrokersAvailable()
        return StoppedQuery()

    supervised = _Restarting("index", start)
    supervised.check(now)
    assert supervised.query is None and supervised.restart_at == 1.0
    now = 0.5
    supervised.check(now)  # still pausing
    now = 1.0
    supervised.check(now)
    assert supervised.restart_at == 3.0
    now = 3.0
    supervised.check(now)
    assert attempts == [0.0, 1.0, 3.0] and isinstance(supervised.query, StoppedQuery)


def test_an_unanswered_lookup_of_what_a_batch_sent_fails_the_start(tmp_path: Path) -> None:
    checkpoint = tmp_path / "checkpoints" / "index"
    (checkpoint / "offsets").mkdir(parents=True)
    (checkpoint / "sources" / "0").mkdir(parents=True)
    (checkpoint / "sources" / "0" / "0").write_text('v1\n{"logs":{"0":0}}')
    meta = '{"batchWatermarkMs":0,"batchTimestampMs":1795471040353,"conf":{}}'
    (checkpoint / "offsets" / "0").write_text(f'v1\n{meta}\n{{"logs":{{"0":10}}}}')  # logged, never committed
    config = load_config(env={"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9", "LOGWATCH_VAR_DIR": str(tmp_path)})
    settings = SinkSettings("http://127.0.0.1:9", 1, 1, "logs_classified", 10, 0, 1, "logs.dlq", "logs.classified")
    with pytest.raises(KafkaError):
        _rerun(checkpoint, config, settings)


@pytest.mark.integration
def test_records_of_another_writer_after_the_batch_do_not_hide_what_it_sent(
    kafka_bootstrap: str, topic_factory: Callable[..., str]
) -> None:
    classified, dlq = topic_factory(), topic_factory()
    batch_started = datetime.now(UTC) - timedelta(seconds=5)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for offset in range(100, 105):  # what the interrupted batch (logs 0, offsets 100-109) sent before it died
        doc = {"kafka": {"topic": "logs", "partition": 0, "offset": offset}}
        producer.send(classified, value=json.dumps(doc).encode())
    for i in range(50):  # then someone else's records
        producer.send(classified, value=json.dumps({"message": f"foreign {i}"}).encode())
    producer.flush(timeout=30)
    producer.close()
    sent = written_sources(kafka_bootstrap, "logs", {0: (100, 110)}, (classified, dlq), since=batch_started)
    assert sent == {f"logs/0/{offset}" for offset in range(100, 105)}
