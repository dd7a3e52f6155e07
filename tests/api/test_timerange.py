"""Time expressions and histogram intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.errors import BadRequestError
from api.timerange import choose_interval_ms, format_interval, parse_time, resolve_range

NOW = datetime(2024, 5, 1, 12, 30, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("now-15m", NOW - timedelta(minutes=15)),
        ("now-2h", NOW - timedelta(hours=2)),
        ("now+1d", NOW + timedelta(days=1)),
        ("now/d", datetime(2024, 5, 1, tzinfo=UTC)),
        ("now-1d/h", datetime(2024, 4, 30, 12, tzinfo=UTC)),
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T12:00:00+02:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("1714557600000", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ],
)
def test_timerange_parse_time_forms(text: str, expected: datetime) -> None:
    assert parse_time(text, NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "now-15x", "2024-13-01", "999999999999999", "now-"])
def test_timerange_bad_time_is_a_sentence(text: str) -> None:
    with pytest.raises(BadRequestError, match="must be a time like now-15m"):
        parse_time(text, NOW, "from")


def test_timerange_from_after_to_is_refused() -> None:
    with pytest.raises(BadRequestError, match="must be before"):
        resolve_range("now", "now-1h", now=NOW)


def test_timerange_defaults_to_last_15_minutes() -> None:
    rng = resolve_range(None, None, now=NOW)
    assert rng.end == NOW and rng.start == NOW - timedelta(minutes=15)


@pytest.mark.parametrize(
    ("span", "step"),
    [
        (timedelta(minutes=15), 15_000),
        (timedelta(hours=1), 60_000),
        (timedelta(hours=24), 30 * 60_000),
        (timedelta(days=7), 3 * 3_600_000),
        (timedelta(days=365), 7 * 86_400_000),
    ],
)
def test_timerange_interval_keeps_bars_under_target(span: timedelta, step: int) -> None:
    ms = int(span.total_seconds() * 1000)
    assert choose_interval_ms(ms) == step
    assert ms / step <= 80


def test_timerange_format() -> None:
    assert format_interval(30_000) == "30s"
    assert format_interval(3 * 3_600_000) == "3h"
    assert format_interval(1500) == "1500ms"
