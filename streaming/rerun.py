"""A re-run micro-batch sends nothing twice to Kafka.

Spark re-runs a batch whose offsets it logged but never committed: the job died, or a task failed, after some
of the batch's output was written. Elasticsearch takes the re-run harmlessly (documents have ids), but
``logs.classified`` and ``logs.dlq`` would get a second copy of what the first run wrote (the live tail would
show those events twice). So before the index query starts, we look up which source records of that batch
already have their record on those topics, and the re-run leaves them out of Kafka (the rules' state knows on
its own whether it holds the batch: streaming.rules.evaluate). The batch's time, which
picks the daily index of a document (streaming.sink), is the one Spark logged for it, the same in a re-run.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from streaming.sink import source_id

__all__ = ["batch_time", "uncommitted_batch", "written_sources"]

# Offsets of a batch: partition -> [start, end).
Ranges = dict[int, tuple[int, int]]
_CLOCK_SKEW = timedelta(minutes=1)


def _batch_offsets(path: Path, topic: str) -> dict[int, int]:
    # Spark's offset log: a version line, a metadata line, then one JSON line per source (we have one).
    # The Kafka source's initial offsets file (sources/0/0) is a version line and the JSON.
    last = path.read_text(encoding="utf-8").strip().splitlines()[-1]
    return {int(p): int(o) for p, o in json.loads(last).get(topic, {}).items()}


def batch_time(checkpoint: Path, batch_id: int) -> datetime | None:
    """The time Spark logged for batch ``batch_id`` in ``checkpoint`` (kept when it re-runs the batch); None if
    the offset log has no such batch.

    :param checkpoint: the query's checkpoint folder.
    :param batch_id: the batch, as ``foreachBatch`` names it.
    """
    # The offset log's metadata line: {"batchWatermarkMs": ..., "batchTimestampMs": ..., "conf": {...}}.
    try:
        metadata = (checkpoint / "offsets" / str(batch_id)).read_text(encoding="utf-8").splitlines()[1]
        return datetime.fromtimestamp(int(json.loads(metadata)["batchTimestampMs"]) / 1000, UTC)
    except (OSError, IndexError, ValueError, KeyError, TypeError):
        return None


def _batch_ids(folder: Path) -> list[int]:
    return sorted(int(p.name) for p in folder.glob("[0-9]*")) if folder.is_dir() else []


def uncommitted_batch(checkpoint: Path, topic: str) -> tuple[int, Ranges] | None:
    """The batch Spark will re-run from ``checkpoint``, with its offset ranges of ``topic``; None if none.

    :param checkpoint: the query's checkpoint folder.
    :param topic: the source topic.
    """
    offsets, commits = _batch_ids(checkpoint / "offsets"), _batch_ids(checkpoint / "commits")
    if not offsets or (commits and commits[-1] >= offsets[-1]):
        return None
    batch = offsets[-1]
    ends = _batch_offsets(checkpoint / "offsets" / str(batch), topic)
    previous = checkpoint / "offsets" / str(batch - 1)
    starts = _batch_offsets(previous if previous.exists() else checkpoint / "sources" / "0" / "0", topic)
    return batch, {p: (starts.get(p, 0), end) for p, end in ends.items() if end > starts.get(p, 0)}


def _source_of(headers: list[tuple[str, bytes]], value: bytes | None) -> str | None:
    # A DLQ record names its source in a header; a classified record is the document, which has its position.
    # A record the job did not write (a foreign producer) names none.
    for key, header in headers:
        if key == "source":
            return header.decode(errors="replace")
    try:
        kafka = json.loads(value or b"")["kafka"]
        return source_id(kafka["topic"], kafka["partition"], kafka["offset"])
    except (ValueError, KeyError, TypeError):
        return None


def written_sources(
    bootstrap_servers: str,
    source_topic: str,
    ranges: Ranges,
    topics: tuple[str, ...],
    timeout_s: float = 60.0,
    since: datetime | None = None,
) -> frozenset[str]:
    """The records of ``ranges`` in ``source_topic`` whose output is already on ``topics``, by :func:`source_id`.

    A batch writes one record per source record, after everything earlier: reading each partition's last
    that-many records finds all of it, unless another writer added records since. So reading also starts at
    the first record written after ``since``, when that is earlier.

    :param since: the batch's time (:func:`batch_time`): its first run wrote nothing before it.
    :raises KafkaError: Kafka did not answer, or the topics could not be read to their end within ``timeout_s``.
    """
    wanted = {source_id(source_topic, p, o) for p, (start, end) in ranges.items() for o in range(start, end)}
    # The job writes records of up to 4 MB (a dead-lettered line); the client's default 1 MB frame limit logged
    # an InvalidReceiveError for each larger one it met.
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        group_id=None,
        receive_message_max_bytes=64 * 1024 * 1024,
    )
    try:
        parts = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        consumer.assign(parts)
        ends = consumer.end_offsets(parts)
        firsts = consumer.beginning_offsets(parts)
        starts = {tp: max(firsts[tp], ends[tp] - len(wanted)) for tp in parts}
        if since is not None:
            # Less a minute: on a cluster, the executors' clocks (record times) may be behind the driver's.
            since_ms = int((since - _CLOCK_SKEW).timestamp() * 1000)
            for tp, found_at in consumer.offsets_for_times({tp: since_ms for tp in parts}).items():
                starts[tp] = min(starts[tp], ends[tp] if found_at is None else found_at.offset)
        for tp, start in starts.items():
            consumer.seek(tp, start)
        found: set[str] = set()
        deadline = time.monotonic() + timeout_s
        while any(consumer.position(tp) < ends[tp] for tp in parts):
            if time.monotonic() > deadline:
                raise KafkaError(f"could not read {', '.join(topics)} to their end within {timeout_s:.0f} s")
            for tp, records in consumer.poll(timeout_ms=500).items():
                for record in records:
                    if record.offset < ends[tp]:
                        found.add(_source_of(record.headers, record.value) or "")
        return frozenset(found & wanted)
    finally:
        consumer.close()
