"""Classified documents in, per rule, group and pane counts out: two small pure Python stages.

The index query's Python workers count the documents they index per second of event time, service, category,
level and host, keeping each bucket's earliest and latest event as samples (:func:`count_documents`), and hand
those partial counts to the driver through a Spark accumulator (:class:`BucketsParam`): no second pass over the
documents and no Spark job of its own. Spark merges a result task's accumulator update once, from its
successful attempt only, so each document of a batch is counted once. The driver then applies each rule's
match, grouping and panes to the few hundred buckets (:func:`rule_rows`), and the engine folds the rows into
the rules' state.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pyspark.accumulators import AccumulatorParam

from core.contract import CATEGORIES, LEVELS
from streaming.rules.model import BUCKET_MS, Match, Rule, WindowRule

__all__ = [
    "BUCKET_MS",
    "SAMPLE_CHARS",
    "Sample",
    "Bucket",
    "Buckets",
    "BucketsParam",
    "AggRow",
    "BatchStats",
    "count_documents",
    "buckets_of",
    "matches",
    "rule_rows",
]

logger = logging.getLogger(__name__)

# Samples are for a person glancing at a chat message; the alert consumer crops longer ones too.
SAMPLE_CHARS = 500
_INFO_RANK = LEVELS.index("INFO")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)

# (event time in ms, event_id, message): sorting these gives time order with a deterministic tie-break.
Sample = tuple[int, str, str]
# (second in ms, service, category, level, host) -> (count, latest event time in ms, earliest, latest sample).
Buckets = dict[tuple[int, str, str, str, str], tuple[int, int, Sample, Sample]]


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


def _event_ms(timestamp: object) -> int | None:
    try:
        moment = datetime.fromisoformat(str(timestamp))
    except ValueError:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return (aware - _EPOCH) // _MS


def _add(
    counted: Buckets, key: tuple[int, str, str, str, str], count: int, max_ts: int, first: Sample, last: Sample
) -> None:
    before = counted.get(key)
    counted[key] = (
        (count, max_ts, first, last)
        if before is None
        else (before[0] + count, max(before[1], max_ts), min(before[2], first), max(before[3], last))
    )


def count_documents(documents: Iterable[dict[str, Any]]) -> Buckets:
    """Count indexed documents per second, service, category, level and host, with the earliest and latest
    event (by time, then event id) as samples.

    Fields are read as the rules need them: level upper-case (INFO when missing), an empty service as
    ``unknown``, a category that is not one of ours as general, a missing host as ``unknown``. A document
    without a readable timestamp is left out (the sink writes none such).

    :param documents: the documents, as the sink wrote them (streaming.sink.document).
    """
    counted: Buckets = {}
    for doc in documents:
        ts_ms = _event_ms(doc.get("timestamp"))
        if ts_ms is None:
            continue
        level = str(doc.get("level") or "").strip().upper() or "INFO"
        category = str(doc.get("category") or "").strip().lower()
        key = (
            ts_ms // BUCKET_MS * BUCKET_MS,
            str(doc.get("service") or "").strip() or "unknown",
            category if category in CATEGORIES else "general",
            level,
            str(doc["host"]) if doc.get("host") is not None else "unknown",
        )
        sample = (ts_ms, str(doc.get("event_id") or ""), str(doc.get("message") or "")[:SAMPLE_CHARS])
        _add(counted, key, 1, ts_ms, sample, sample)
    return counted


class BucketsParam(AccumulatorParam[Buckets]):
    """Merges the workers' :func:`count_documents` results in a Spark accumulator."""

    def zero(self, value: Buckets) -> Buckets:
        return {}

    def addInPlace(self, value1: Buckets, value2: Buckets) -> Buckets:
        for key, counts in value2.items():
            _add(value1, key, *counts)
        return value1


def buckets_of(counted: Buckets) -> list[Bucket]:
    """The merged counts as buckets."""
    return [
        Bucket(second, service, category, level, host, count, max_ts, first, last)
        for (second, service, category, level, host), (count, max_ts, first, last) in counted.items()
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

    :param buckets: from :func:`buckets_of`.
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
