"""A music recommender: serves personalised playlists, refreshes models, leans on a feature store."""

from __future__ import annotations

import logging

from producers.demo.base import TRACE, Ctx, LogLine, Simulator, Template, capture

__all__ = ["Recommender"]

_MOODS = ("focus", "chill", "workout", "sleep", "party", "roadtrip", "rainy day", "deep work")
_GENRES = ("lofi", "jazz", "synthwave", "indie folk", "techno", "classical", "hip hop", "ambient", "k-pop")
_MODELS = ("als-v12", "two-tower-v7", "session-gru-v3")


class FeatureStoreTimeout(TimeoutError):
    """The feature store did not answer in time."""


class EmbeddingMissing(KeyError):
    """No embedding exists for the user yet."""


def _fetch_features(user: str, timeout_ms: int) -> None:
    raise FeatureStoreTimeout(f"feature store did not answer for user {user} within {timeout_ms} ms")


def _lookup_embedding(user: str) -> None:
    raise EmbeddingMissing(f"no embedding for {user}")


def _served(c: Ctx) -> LogLine:
    n = c.pick((10, 20, 25, 50))
    ms = c.latency_ms(45, storm_factor=25)
    return LogLine(
        logging.INFO,
        f"Served {n} recommendations to user {c.user_id()} for mood '{c.pick(_MOODS)}' "
        f"in {ms} ms (model={c.pick(_MODELS)})",
        "api",
        "business",
        {"count": n, "latency_ms": ms, "endpoint": "/v1/recommendations"},
    )


def _playlist(c: Ctx) -> LogLine:
    tracks = c.rng.randint(15, 60)
    return LogLine(
        logging.INFO,
        f"Generated daily mix '{c.pick(_GENRES).title()} Mix' with {tracks} tracks for user {c.user_id()}",
        "playlists",
        "business",
        {"tracks": tracks},
    )


def _feedback(c: Ctx) -> LogLine:
    action = c.pick(("skipped", "liked", "saved", "replayed", "skipped"))
    return LogLine(
        logging.INFO,
        f"User {c.user_id()} {action} track trk_{c.hex(8)} after {c.rng.randint(3, 240)} s",
        "feedback",
        "business",
        {"action": action},
    )


def _cold_start(c: Ctx) -> LogLine:
    user = c.user_id()
    return LogLine(
        logging.WARNING,
        f"Cold-start user {user}: no listening history, falling back to popular tracks in {c.region()}",
        "ranking",
        "business",
        {"fallback": "popular"},
        exception=capture(_lookup_embedding, user) if c.rng.random() < 0.3 else None,
    )


def _cache(c: Ctx) -> LogLine:
    hit = c.rng.random() < 0.85
    return LogLine(
        logging.DEBUG,
        f"Embedding cache {'hit' if hit else 'miss'} for user {c.user_id()} (shard {c.rng.randint(0, 15)})",
        "cache",
        "general",
        {"hit": hit},
    )


def _scores(c: Ctx) -> LogLine:
    return LogLine(
        TRACE,
        f"Candidate scores top5={[round(c.rng.random(), 3) for _ in range(5)]} request_id=req_{c.hex(10)}",
        "ranking",
        "general",
    )


def _slow_features(c: Ctx) -> LogLine:
    ms = c.latency_ms(180, storm_factor=12)
    return LogLine(
        logging.WARNING,
        f"Feature store lookup took {ms} ms (p99 budget 150 ms) for batch of {c.rng.randint(8, 64)} users",
        "features",
        "performance",
        {"duration_ms": ms},
    )


def _feature_timeout(c: Ctx) -> LogLine:
    user = c.user_id()
    return LogLine(
        logging.ERROR,
        f"Recommendation request for {user} failed: feature store timeout after 250 ms",
        "api",
        "performance",
        {"timeout_ms": 250},
        exception=capture(_fetch_features, user, 250),
    )


def _model_refresh(c: Ctx) -> LogLine:
    model = c.pick(_MODELS)
    return LogLine(
        logging.INFO,
        f"Loaded model {model} from s3://models/{model}/latest ({c.rng.randint(180, 900)} MB) and swapped it in",
        "models",
        "general",
        {"model": model},
    )


def _gc(c: Ctx) -> LogLine:
    pause = c.latency_ms(40, storm_factor=20)
    level = logging.WARNING if pause > 200 else logging.DEBUG
    return LogLine(
        level,
        f"GC pause of {pause} ms, heap {c.rng.randint(55, 97)}% of 4 GiB used",
        "runtime",
        "performance",
        {"pause_ms": pause},
    )


def _health(c: Ctx) -> LogLine:
    return LogLine(
        logging.DEBUG,
        "Health check OK: model loaded, feature store reachable",
        "health",
        "general",
        trace=False,
    )


def _ab(c: Ctx) -> LogLine:
    return LogLine(
        logging.INFO,
        f"User {c.user_id()} assigned to experiment 'diversity-boost' arm {c.pick(('control', 'treatment'))}",
        "experiments",
        "business",
    )


def _storm_timeouts(c: Ctx) -> LogLine:
    ms = c.rng.randint(2000, 9000)
    return LogLine(
        logging.ERROR,
        f"Upstream ranking service timed out after {ms} ms; serving cached recommendations",
        "api",
        "performance",
        {"duration_ms": ms},
    )


def _storm_pool(c: Ctx) -> LogLine:
    busy = c.rng.randint(190, 200)
    return LogLine(
        logging.WARNING,
        f"Thread pool saturated: {busy}/200 workers busy, {c.rng.randint(50, 900)} requests queued",
        "runtime",
        "performance",
        {"busy": busy},
    )


class Recommender(Simulator):
    name = "recommender"
    weight = 0.30
    version = "4.12.0"
    templates: tuple[Template, ...] = (
        (30, _served),
        (10, _playlist),
        (14, _feedback),
        (3, _cold_start),
        (14, _cache),
        (4, _scores),
        (4, _slow_features),
        (1.2, _feature_timeout),
        (1, _model_refresh),
        (4, _gc),
        (3, _health),
        (3, _ab),
    )
    incident_templates = {"latency_storm": ((5, _storm_timeouts), (3, _storm_pool), (3, _slow_features), (2, _gc))}
