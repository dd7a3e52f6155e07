"""A catalogue search service: queries, autocomplete, index refreshes, slow queries."""

from __future__ import annotations

import logging

from producers.demo.base import TRACE, Ctx, LogLine, Simulator, Template, capture

__all__ = ["Search"]

_QUERIES = (
    "jazz piano",
    "lofi beats to study",
    "rain sounds",
    "80s synthpop",
    "workout hip hop",
    "acoustic covers",
    "bossa nova",
    "piano sleep",
    "techno berlin",
    "christmas songs",
    "brazilian funk",
    "movie soundtracks",
    "français chanson",
    "日本 シティポップ",
    "k-pop dance",
    "white noise",
    "classical for focus",
    "podcast true crime",
    "meditation 10 minutes",
)


class ShardUnavailable(ConnectionError):
    """A search shard refused the query."""


def _query_shard(shard: int, host: str) -> None:
    raise ShardUnavailable(f"shard {shard} on {host} refused connection (circuit open)")


def _query(c: Ctx) -> LogLine:
    q = c.pick(_QUERIES)
    ms = c.latency_ms(35, storm_factor=30)
    hits = c.rng.randint(0, 5000)
    return LogLine(
        logging.INFO,
        f"Search query '{q}' by user {c.user_id()} returned {hits} results in {ms} ms",
        "query",
        "business",
        {"query": q, "hits": hits, "latency_ms": ms},
    )


def _zero(c: Ctx) -> LogLine:
    q = c.pick(_QUERIES) + c.pick((" live", " remix", " 1987", " instrumental"))
    return LogLine(
        logging.INFO,
        f"Zero results for query '{q}'; suggested '{q.split()[0]}'",
        "query",
        "business",
        {"query": q, "hits": 0},
    )


def _autocomplete(c: Ctx) -> LogLine:
    prefix = c.pick(_QUERIES)[: c.rng.randint(2, 5)]
    return LogLine(
        logging.DEBUG,
        f"Autocomplete prefix='{prefix}' suggestions={c.rng.randint(0, 10)} took {c.latency_ms(4, storm_factor=20)} ms",
        "autocomplete",
        "business",
    )


def _slow(c: Ctx) -> LogLine:
    ms = c.latency_ms(900, storm_factor=6)
    return LogLine(
        logging.WARNING,
        f"Slow query: '{c.pick(_QUERIES)}' took {ms} ms (threshold 500 ms), scanned {c.rng.randint(3, 12)} shards",
        "query",
        "performance",
        {"duration_ms": ms},
    )


def _refresh(c: Ctx) -> LogLine:
    docs = c.rng.randint(200, 20_000)
    return LogLine(
        logging.INFO,
        f"Index refresh of catalog-v{c.rng.randint(40, 44)} completed: {docs} documents "
        f"updated in {c.latency_ms(1200)} ms",
        "indexer",
        "general",
        {"documents": docs},
    )


def _shard_error(c: Ctx) -> LogLine:
    shard = c.rng.randint(0, 11)
    host = c.internal_ip()
    return LogLine(
        logging.ERROR,
        f"Query failed on shard {shard} ({host}); returning partial results",
        "query",
        "general",
        {"shard": shard},
        exception=capture(_query_shard, shard, host),
    )


def _tokens(c: Ctx) -> LogLine:
    return LogLine(
        TRACE,
        f"Tokenized query into {c.rng.randint(1, 6)} terms, language={c.pick(('en', 'fr', 'ja'))}",
        "analyzer",
        "general",
    )


def _config(c: Ctx) -> LogLine:
    return LogLine(
        logging.INFO,
        f"Reloaded synonym dictionary ({c.rng.randint(1200, 1800)} entries) from config map search-synonyms",
        "config",
        "general",
        trace=False,
    )


def _rate_limit(c: Ctx) -> LogLine:
    return LogLine(
        logging.WARNING,
        f"Client {c.public_ip()} throttled: {c.rng.randint(101, 400)} requests in 10 s exceeds limit 100",
        "gateway",
        "performance",
        {"limit": 100},
    )


def _bot(c: Ctx) -> LogLine:
    return LogLine(
        logging.WARNING,
        f"Blocked scraping attempt from {c.public_ip()}: user agent 'python-requests/2.31' without session cookie",
        "gateway",
        "security",
    )


def _heap(c: Ctx) -> LogLine:
    used = c.rng.randint(70, 95)
    return LogLine(
        logging.WARNING if used > 88 else logging.INFO,
        f"JVM heap {used}% used on search node {c.internal_ip()}, old gen {c.rng.randint(40, 80)}%",
        "runtime",
        "performance",
        {"heap_pct": used},
    )


def _storm_timeout(c: Ctx) -> LogLine:
    return LogLine(
        logging.ERROR,
        f"Search request timed out after 5000 ms for query '{c.pick(_QUERIES)}'",
        "query",
        "performance",
        {"timeout_ms": 5000},
    )


def _storm_queue(c: Ctx) -> LogLine:
    return LogLine(
        logging.CRITICAL if c.rng.random() < 0.15 else logging.WARNING,
        f"Search thread pool queue length {c.rng.randint(500, 5000)} (rejecting new requests above 4000)",
        "runtime",
        "performance",
    )


class Search(Simulator):
    name = "search"
    weight = 0.30
    version = "2.7.3"
    templates: tuple[Template, ...] = (
        (38, _query),
        (5, _zero),
        (16, _autocomplete),
        (4, _slow),
        (2, _refresh),
        (0.8, _shard_error),
        (5, _tokens),
        (0.5, _config),
        (1.5, _rate_limit),
        (0.8, _bot),
        (3, _heap),
    )
    incident_templates = {"latency_storm": ((6, _storm_timeout), (3, _storm_queue), (4, _slow), (2, _heap))}
