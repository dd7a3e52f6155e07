"""The Spark stage: classified documents in, per rule, group and event-time window counts out.

Both functions are pure DataFrame -> DataFrame, so they are unit-tested on small batch DataFrames. One
micro-batch becomes one small aggregate (a row per rule, group and window touched by the batch, plus one
stats row) that the driver folds into the rules' state (streaming.rules.engine).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from streaming.levels import LEVELS
from streaming.rules.model import CATEGORIES, Match, Rule, WindowRule

__all__ = [
    "EVENT_SCHEMA",
    "SAMPLE_CHARS",
    "Sample",
    "AggRow",
    "BatchStats",
    "parse_classified",
    "match_column",
    "aggregate",
    "collect",
]

logger = logging.getLogger(__name__)

EVENT_SCHEMA = (
    "event_id string, timestamp string, level string, service string, host string, message string, category string"
)
# Samples are for a person glancing at a chat message; the alert consumer crops longer ones too.
SAMPLE_CHARS = 500
_STATS_RULE = -1
_INFO_RANK = LEVELS.index("INFO")

# (event time in ms, event_id, message): sorting these gives time order with a deterministic tie-break.
Sample = tuple[int, str, str]


@dataclass(frozen=True)
class AggRow:
    """Counts of one rule's events for one group in one pane (``start_ms`` is 0 for silence rules).

    :param hits: events that are hits (the ratio's numerator; every event for the other types).
    :param first: the window's earliest three hit samples; ``last``: the latest three.
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
    """The whole batch: its events, those dated too far in the future (ignored), the latest event time."""

    events: int
    future: int
    max_ts_ms: int | None


def parse_classified(records: DataFrame) -> DataFrame:
    """Kafka records of ``logs.classified`` -> one row per document with what the rules need.

    Columns: ts_ms (event time, epoch ms), level, level_rank, service, category (missing -> general), host,
    message, event_id. Records that are not JSON or have no readable timestamp are dropped: the index query
    has already dead-lettered anything bad, so these can only be foreign writes to the topic.

    :param records: rows with a binary ``value`` column.
    """
    doc = F.from_json(F.col("value").cast("string"), EVENT_SCHEMA)
    ranks = F.create_map(*[part for i, name in enumerate(LEVELS) for part in (F.lit(name), F.lit(i))])
    level = F.upper(F.trim(F.col("d.level")))
    category = F.lower(F.trim(F.col("d.category")))
    return (
        records.select(doc.alias("d"))
        .select(
            F.unix_millis(F.try_to_timestamp(F.col("d.timestamp"))).alias("ts_ms"),
            F.coalesce(level, F.lit("INFO")).alias("level"),
            F.coalesce(ranks[level], F.lit(_INFO_RANK)).alias("level_rank"),
            F.coalesce(F.nullif(F.trim(F.col("d.service")), F.lit("")), F.lit("unknown")).alias("service"),
            F.when(category.isin(*CATEGORIES), category).otherwise(F.lit("general")).alias("category"),
            F.coalesce(F.col("d.host"), F.lit("unknown")).alias("host"),
            F.coalesce(F.col("d.message"), F.lit("")).alias("message"),
            F.coalesce(F.col("d.event_id"), F.lit("")).alias("event_id"),
        )
        .where(F.col("ts_ms").isNotNull())
    )


def match_column(match: Match) -> Column:
    """The condition an event must meet for ``match``."""
    condition = F.lit(True)
    if match.services:
        condition = condition & F.col("service").isin(*match.services)
    if match.exclude_services:
        condition = condition & ~F.col("service").isin(*match.exclude_services)
    if match.categories:
        condition = condition & F.col("category").isin(*match.categories)
    if match.min_level:
        condition = condition & (F.col("level_rank") >= F.lit(match.min_rank))
    return condition


def _entry(index: int, rule: Rule, cutoff_ms: int) -> Column:
    """The event's pane of the rule (one slide of event time, a whole window when tumbling), null if no match."""
    start, hit = F.lit(0).cast("long"), F.lit(True)
    if isinstance(rule, WindowRule):
        start = (F.floor(F.col("ts_ms") / F.lit(rule.step_ms)) * F.lit(rule.step_ms)).cast("long")
        numerator = rule.hits_match()
        hit = match_column(numerator) if numerator is not None else F.lit(True)
    group = F.array(*[F.col(name).cast("string") for name in rule.group_by])
    entry = F.struct(F.lit(index).alias("rule"), group.alias("group"), start.alias("start"), hit.alias("hit"))
    return F.when(match_column(rule.match) & (F.col("ts_ms") <= F.lit(cutoff_ms)), entry)


def aggregate(events: DataFrame, rules: list[Rule], cutoff_ms: int) -> DataFrame:
    """Count each rule's events per group and pane; one extra row (rule -1) describes the whole batch.

    A pane is one slide of event time (the whole window for tumbling windows): every event falls in exactly
    one pane per rule, and the engine sums panes into (hopping) windows. Columns: rule (index into ``rules``),
    group (array of the rule's group_by values), start (pane start, epoch ms; 0 for silence rules), total,
    hits, max_ts, first and last (up to three samples as ``struct<ts, id, msg>``, earliest and latest).
    In the stats row, ``hits`` counts future events and ``max_ts`` is the latest event time not in the future.

    :param events: the output of :func:`parse_classified`.
    :param rules: the rules, in the order their indices refer to.
    :param cutoff_ms: events dated after this (a skewed clock) are ignored, so they cannot move the watermark.
    """
    entries = [_entry(i, rule, cutoff_ms) for i, rule in enumerate(rules)]
    stats = F.struct(
        F.lit(_STATS_RULE).alias("rule"),
        F.array().cast("array<string>").alias("group"),
        F.lit(0).cast("long").alias("start"),
        (F.col("ts_ms") > F.lit(cutoff_ms)).alias("hit"),
    )
    is_rule, hit = F.col("e.rule") >= F.lit(0), F.col("e.hit")
    sample = F.struct(
        F.col("ts_ms").alias("ts"), F.col("event_id").alias("id"), F.substring("message", 1, SAMPLE_CHARS).alias("msg")
    )
    ordered = F.array_sort(F.collect_list(F.when(is_rule & hit, sample)))
    return (
        events.select(F.explode(F.array(*entries, stats)).alias("e"), "ts_ms", "event_id", "message")
        .where(F.col("e").isNotNull())
        .groupBy(F.col("e.rule").alias("rule"), F.col("e.group").alias("group"), F.col("e.start").alias("start"))
        .agg(
            F.count(F.lit(1)).alias("total"),
            F.sum(hit.cast("long")).alias("hits"),
            F.max(F.when(is_rule | ~hit, F.col("ts_ms"))).alias("max_ts"),
            ordered.alias("samples"),
        )
        .select(
            "rule",
            "group",
            "start",
            "total",
            "hits",
            "max_ts",
            F.slice("samples", 1, 3).alias("first"),
            F.reverse(F.slice(F.reverse("samples"), 1, 3)).alias("last"),
        )
    )


def collect(aggregated: DataFrame) -> tuple[list[AggRow], BatchStats]:
    """Run the aggregation and bring its (small) result to the driver."""
    rows: list[AggRow] = []
    stats = BatchStats(0, 0, None)
    for row in aggregated.collect():
        if row["rule"] == _STATS_RULE:
            stats = BatchStats(int(row["total"]), int(row["hits"]), row["max_ts"])
            continue
        rows.append(
            AggRow(
                rule=int(row["rule"]),
                group=tuple(row["group"]),
                start_ms=int(row["start"]),
                total=int(row["total"]),
                hits=int(row["hits"]),
                max_ts_ms=int(row["max_ts"]),
                first=tuple((int(s["ts"]), s["id"], s["msg"]) for s in row["first"]),
                last=tuple((int(s["ts"]), s["id"], s["msg"]) for s in row["last"]),
            )
        )
    rows.sort(key=lambda r: (r.rule, r.group, r.start_ms))
    return rows, stats
