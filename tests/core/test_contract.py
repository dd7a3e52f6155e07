"""The shared names: one level table (the producer's copy agrees), times, links, status files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from core.contract import (
    LEVEL_ALIASES,
    LEVELS,
    dashboard_url,
    normalise_level,
    rfc3339,
    rfc3339_ms,
    status_path,
)
from producers.event import normalize_level as producer_level
from streaming.event import parse_record


def test_every_alias_names_a_level_and_every_level_is_its_own_alias() -> None:
    assert set(LEVEL_ALIASES.values()) == set(LEVELS)
    assert all(LEVEL_ALIASES[level] == level for level in LEVELS)


@pytest.mark.parametrize("alias", sorted(LEVEL_ALIASES))
def test_the_producer_and_the_job_give_one_level_for_every_alias(alias: str) -> None:
    for spelling in (alias, alias.lower(), alias.title()):
        record = json.dumps(
            {"timestamp": "2026-12-02T10:00:00Z", "level": spelling, "service": "s", "message": "m"}
        ).encode()
        indexed = parse_record(record).fields["level"]
        assert producer_level(spelling) == indexed == LEVEL_ALIASES[alias], spelling


def test_normalise_level_is_none_for_what_is_not_a_level() -> None:
    assert normalise_level(" warning ") == "WARN"
    assert normalise_level("loud") is None


def test_rfc3339_is_utc_with_milliseconds_and_z() -> None:
    moment = datetime(2026, 12, 2, 12, 30, 1, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert rfc3339(moment) == "2026-12-02T10:30:01.123Z"
    assert rfc3339(datetime(2026, 12, 2, 10, 0)) == "2026-12-02T10:00:00.000Z"  # naive: taken as UTC
    assert rfc3339_ms(0) == "1970-01-01T00:00:00.000Z"
    assert rfc3339_ms(int(moment.timestamp() * 1000)) == "2026-12-02T10:30:01.123Z"


def test_dashboard_url_opens_exactly_the_search_it_was_given() -> None:
    start = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    url = dashboard_url(
        "https://logs.example.com/",
        q='message:"a b" & c',
        service=["api", "web"],
        category="security",
        start=start,
        end="now",
        doc="e1",
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "logs.example.com", "/")
    assert parse_qs(parts.query) == {
        "q": ['message:"a b" & c'],
        "service": ["api,web"],
        "category": ["security"],
        "from": ["2026-12-02T10:00:00.000Z"],
        "to": ["now"],
        "doc": ["e1"],
    }
    assert dashboard_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000/"


def test_status_files_live_under_var_dir(tmp_path: Path) -> None:
    assert status_path(tmp_path, "streaming") == tmp_path / "streaming" / "status.json"
    assert status_path(tmp_path, "alerting") != status_path(tmp_path, "streaming")
