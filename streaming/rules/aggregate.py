"""Classified documents in, per rule, group and pane counts out: a small Spark stage and a pure Python one.

Spark does the heavy, rule-independent part: it parses the micro-batch and counts it per second of event
time, service, category, level and host, keeping each bucket's earliest and latest event as samples
(:func:`bucket`, DataFrame -> DataFrame, unit-tested on small batch DataFrames). That plan is the same for
every rules file and stays small, so a batch costs one short Spark job however many rules there are. The
driver then applies each rule's match, grouping and panes to the few hundred buckets (:func:`rule_rows`,
pure Python), and the engine folds the rows into the rules' state.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from core.contract import CATEGORIES, LEVELS
from streaming.rules.model import BUCKET_MS, Match, Rule, WindowRule

__all__ = [
    "BUCKET_MS",
    "EVENT_SCHEMA",
    "SAMPLE_CHARS",
    "Sample",
    "Bucket",
    "AggRow",
    "BatchStats",
    "parse_classified",
    "bucket",
    "collect_buckets",
    "matches",
    "rule_rows",
]

logger = logging.getLogger(__name__)

EVENT_SCHEMA = (
    "event_id string, timestamp string, level string, service string, host string, message string, category string"
)
# Samples are for a person glancing at a chat message; the alert consumer crops longer ones too.
SAMPLE_CHARS = 500
_INFO_RANK = LEVELS.index("INFO")

# (event time in ms, event_id, message): sorting these gives time order with a deterministic tie-break.
Sample = tuple[int, str, str]


@dataclass(frozen=True)
class Bucket:
    """The batch's events of one second (``second_ms``) with one service, category, level and host."""

    second_ms: int
    service: str
    category: str
    level: str
    host: str
    count: int
    max_ts_ms: int
    first: Sample
    last: Sample

    @property
    def level_rank(self) -> int:
        return LEVELS.index(self.level) if self.level in LEVELS else _INFO_RANK

    def field(self, name: str) -> str:
        """The value of a group_by field."""
        return str(getattr(self, name))


@dataclass(frozen=True)
class AggRow:
    """Counts of one rule's events for one group in one pane (``start_ms`` is 0 for silence rules).

    :param hits: events that are hits (the ratio's numerator; every event for the other types).
    :param first: the pane's earliest three hit samples; ``last``: its latest three samples.
    """

    rule: int
    group: tuple[str, ...]
    start_ms: int
    total: int
    hits: int
    max_ts_ms: int
    first: tuple[Sample, ...]
    last: tuple[Sample, ...]


@dataclass(frozen=True)
class BatchStats:
    """The whole batch: its events, those dated too far in the future (ignored), its earliest and latest event
    time (the earliest to the second)."""

    events: int
    future: int
    max_ts_ms: int | None
    min_ts_ms: int | None = None


def parse_classified(records: DataFrame) -> DataFrame:
    """Kafka records of ``logs.classified`` -> one row per document with what the rules need.

    Columns: ts_ms (event time, epoch ms), level, service, category (missing -> general), host, message,
    event_id. Records that are not JSON or have no readable timestamp are dropped: the index query has
    already dead-lettered anything bad, so these can only be foreign writes to the topic.

    :param records: rows with a binary ``value`` column.
    """
    doc = F.from_json(F.col("value").cast("string"), EVENT_SCHEMA)
    level = F.upper(F.trim(F.col("d.level")))
    category = F.lower(F.trim(F.col("d.category")))
    return (
        records.select(doc.alias("d"))
        .select(
            F.unix_millis(F.try_to_timestamp(F.col("d.timestamp"))).alias("ts_ms"),
            F.coalesce(level, F.lit("INFO")).alias("level"),
            F.coalesce(F.nullif(F.trim(F.col("d.service")), F.lit("")), F.lit("unknown")).alias("service"),
            F.when(category.isin(*CATEGORIES), category).otherwise(F.lit("general")).alias("category"),
            F.coalesce(F.col("d.host"), F.lit("unknown")).alias("host"),
            F.coalesce(F.col("d.message"), F.lit("")).alias("message"),
            F.coalesce(F.col("d.event_id"), F.lit("")).alias("event_id"),
        )
        .where(F.col("ts_ms").isNotNull())
    )


def bucket(events: DataFrame) -> DataFrame:
    """Count events per second, service, category, level and host, with the earliest and latest as samples.

    Columns: second (epoch ms), service, category, level, host, count, max_ts, first and last
    (``struct<ts, id, msg>``; structs compare field by field, so min/max pick by time, then event id).

    :param events: the output of :func:`parse_classified`.
    """
    sample = F.struct(
        F.col("ts_ms").alias("ts"), F.col("event_id").alias("id"), F.substring("message", 1, SAMPLE_CHARS).alias("msg")
    )
    second = (F.floor(F.col("ts_ms") / F.lit(BUCKET_MS)) * F.lit(BUCKET_MS)).cast("long")
    return (
        # One task per batch and no shuffle: the buckets are few, and at the batch sizes maxOffsetsPerTrigger
        # allows a second stage costs more than it saves (bench/bench_rules.py).
        events.coalesce(1)
        .groupBy(second.alias("second"), "service", "category", "level", "host")
        .agg(
            F.count(F.lit(1)).alias("count"),
            F.max("ts_ms").alias("max_ts"),
            F.min(sample).alias("first"),
            F.max(sample).alias("last"),
        )
    )


def collect_buckets(buckets: DataFrame) -> list[Bucket]:
    """Run :func:`bucket`'s plan and bring the (small) result to the driver."""

    def sample(value: object) -> Sample:
        return (int(value["ts"]), str(value["id"]), str(value["msg"]))  # type: ignore[index]

    return [
        Bucket(
            second_ms=int(row["second"]),
            service=row["service"],
            category=row["category"],
            level=row["level"],
            host=row["host"],
            count=int(row["count"]),
            max_ts_ms=int(row["max_ts"]),
            first=sample(row["first"]),
            last=sample(row["last"]),
        )
        for row in buckets.collect()
    ]


def matches(match: Match, b: Bucket) -> bool:
    """Whether the bucket's events meet ``match``."""
    return (
        (not match.services or b.service in match.services)
        and b.service not in match.exclude_services
        and (not match.categories or b.category in match.categories)
        and b.level_rank >= match.min_rank
    )


@dataclass
class _Acc:
    total: int = 0
    hits: int = 0
    max_ts_ms: int = 0
    first: tuple[Sample, ...] = ()
    last: tuple[Sample, ...] = ()


def rule_rows(buckets: Iterable[Bucket], rules: list[Rule], cutoff_ms: int) -> tuple[list[AggRow], BatchStats]:
    """Each rule's counts per group and pane (one slide of event time; silence rules: pane 0), and batch stats.

    :param buckets: from :func:`collect_buckets`.
    :param rules: the rules; ``AggRow.rule`` is an index into this list.
    :param cutoff_ms: buckets after this (a skewed clock) are ignored, so they cannot move the watermark.
    """
    present: list[Bucket] = []
    events = future = 0
    for b in buckets:
        events += b.count
        if b.second_ms > cutoff_ms:
            future += b.count
        else:
            present.append(b)
    accs: dict[tuple[int, tuple[str, ...], int], _Acc] = {}
    for index, rule in enumerate(rules):
        numerator = rule.hits_match() if isinstance(rule, WindowRule) else None
        step = rule.step_ms if isinstance(rule, WindowRule) else 0
        for b in present:
            if not matches(rule.match, b):
                continue
            pane = b.second_ms // step * step if step else 0
            acc = accs.setdefault((index, tuple(b.field(f) for f in rule.group_by), pane), _Acc())
            acc.total += b.count
            acc.max_ts_ms = max(acc.max_ts_ms, b.max_ts_ms)
            acc.last = tuple(sorted({*acc.last, b.last})[-3:])
            if numerator is None or matches(numerator, b):
                acc.hits += b.count
                acc.first = tuple(sorted({*acc.first, b.first})[:3])
    rows = [
        AggRow(index, group, pane, a.total, a.hits, a.max_ts_ms, a.first, a.last)
        for (index, group, pane), a in sorted(accs.items())
    ]
    top = max((b.max_ts_ms for b in present), default=None)
    return rows, BatchStats(events, future, top, min((b.second_ms for b in present), default=None))
