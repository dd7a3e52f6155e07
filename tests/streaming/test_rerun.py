"""What a re-run batch must not send again: the uncommitted batch in a checkpoint, and its records on Kafka."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from kafka import KafkaProducer

from streaming.rerun import uncommitted_batch, written_sources

META = '{"batchWatermarkMs":0,"batchTimestampMs":1795471040353,"conf":{}}'


def checkpoint(tmp_path: Path, offsets: dict[int, dict[str, int]], commits: list[int]) -> Path:
    """A checkpoint folder laid out as Spark writes it (offset log, commit log, the source's start)."""
    (tmp_path / "offsets").mkdir()
    (tmp_path / "commits").mkdir()
    (tmp_path / "sources" / "0").mkdir(parents=True)
    (tmp_path / "sources" / "0" / "0").write_bytes(b'\x00v1\n{"logs":{"0":5,"1":0}}')
    for batch, ends in offsets.items():
        (tmp_path / "offsets" / str(batch)).write_text(f"v1\n{META}\n{json.dumps({'logs': ends})}")
        (tmp_path / "offsets" / f".{batch}.crc").write_bytes(b"crc")
    for batch in commits:
        (tmp_path / "commits" / str(batch)).write_text('v1\n{"nextBatchWatermarkMs":0}')
    return tmp_path


def test_no_checkpoint_or_every_batch_committed_means_nothing_to_re_run(tmp_path: Path) -> None:
    assert uncommitted_batch(tmp_path / "missing", "logs") is None
    assert uncommitted_batch(checkpoint(tmp_path, {0: {"0": 9, "1": 4}}, [0]), "logs") is None


def test_the_last_logged_batch_without_a_commit_is_re_run_from_the_previous_batch_end(tmp_path: Path) -> None:
    path = checkpoint(tmp_path, {0: {"0": 9, "1": 4}, 1: {"0": 20, "1": 4, "2": 3}}, [0])
    # Partition 1 has nothing new; partition 2 appeared in this batch, so it starts at 0.
    assert uncommitted_batch(path, "logs") == (1, {0: (9, 20), 2: (0, 3)})


def test_an_interrupted_first_batch_starts_where_the_source_started(tmp_path: Path) -> None:
    path = checkpoint(tmp_path, {0: {"0": 9, "1": 4}}, [])
    assert uncommitted_batch(path, "logs") == (0, {0: (5, 9), 1: (0, 4)})


@pytest.mark.integration
def test_written_sources_finds_the_batch_records_already_on_both_topics(
    kafka_bootstrap: str, topic_factory: Callable[..., str]
) -> None:
    classified, dlq = topic_factory(partitions=3), topic_factory()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    # Earlier batches' records, then part of the interrupted batch (logs partition 0, offsets 100-109).
    for offset in range(90, 106):
        doc = {"event_id": f"e{offset}", "kafka": {"topic": "logs", "partition": 0, "offset": offset}}
        producer.send(classified, key=f"svc{offset % 4}".encode(), value=json.dumps(doc).encode())
    for offset in (95, 107):
        producer.send(
            dlq, value=b"{not json", headers=[("reason", b"invalid JSON"), ("source", f"logs/0/{offset}".encode())]
        )
    # Records the job did not write are passed over.
    producer.send(classified, key=b"svc0", value=b"not json")
    producer.send(classified, key=b"svc1", value=b'{"message": "no kafka position"}')
    producer.send(classified, key=b"svc2", value=None)
    # Another partition's record at an offset inside the range is a different source.
    other = {"event_id": "x", "kafka": {"topic": "logs", "partition": 1, "offset": 101}}
    producer.send(classified, value=json.dumps(other).encode())
    producer.flush(30)
    producer.close()

    sent = written_sources(kafka_bootstrap, "logs", {0: (100, 110)}, (classified, dlq))
    assert sent == {f"logs/0/{offset}" for offset in (100, 101, 102, 103, 104, 105, 107)}
    assert written_sources(kafka_bootstrap, "logs", {0: (200, 210)}, (classified, dlq)) == frozenset()
