"""Zone-less timestamps are read in the configured zone: the service's own (by Kafka key), else the default."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from core.config import load_config
from core.errors import ConfigError
from streaming.event import parse_record
from streaming.zones import UTC_ONLY, Zones

ARRIVED = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
ZONES = Zones.from_config(
    load_config(
        env={"STREAMING_TIME_ZONE": "America/New_York", "STREAMING_SERVICE_TIME_ZONES": "pay=Europe/Berlin"}
    ).streaming
)


def time_of(value: str, key: str, zones: Zones = ZONES) -> datetime:
    parsed = parse_record(value.encode(), key.encode(), ARRIVED, zones)
    assert parsed.error is None, parsed.error
    return parsed.fields["timestamp"]


@pytest.mark.parametrize(
    "line",
    [
        "Nov 23 12:00:00 web1 sshd[1]: Failed password for root",  # syslog, year-less
        "2026-11-23 12:00:00,000 ERROR [main] com.example.Pay: boom",  # log4j
        "[Mon Nov 23 12:00:00.000000 2026] [core:error] [pid 1] AH00126: bad",  # Apache error log
        "26/11/23 12:00:00 INFO spark.SparkContext: started",  # Spark's short date
        "ts=2026-11-23T12:00:00 level=info msg=started",  # the general reader
        '{"time": "2026-11-23 12:00:00", "msg": "paid"}',  # JSON of another schema
    ],
)
def test_a_zone_less_time_is_read_in_the_services_zone_else_the_default(line: str) -> None:
    assert time_of(line, "pay") == datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # Berlin, UTC+1 in November
    assert time_of(line, "other") == datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # New York, UTC-5
    assert time_of(line, "other", UTC_ONLY) == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_summer_time_applies_on_the_date_of_the_stamp() -> None:
    assert time_of("2026-07-01 12:00:00 INFO up", "pay") == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "line",
    [
        "2026-11-23T12:00:00Z INFO x: with its own zone",
        "[23/Nov/2026:12:00:00 +0000] GET / 200",
        "1795435200 INFO epoch seconds",
    ],
)
def test_a_time_that_names_its_zone_ignores_the_configured_one(line: str) -> None:
    assert time_of(line, "pay") == time_of(line, "pay", UTC_ONLY)


def test_our_own_events_are_read_as_their_contract_says_not_in_a_zone() -> None:
    event = {"timestamp": "2026-11-23T12:00:00", "level": "INFO", "service": "pay", "message": "m"}
    assert time_of(json.dumps(event), "pay") == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_a_year_less_stamp_is_not_placed_in_the_future_by_its_zone() -> None:
    # 12:30 in Tokyo on the day it arrived is 03:30 UTC: in the past, so this year, not last year.
    zones = Zones.from_config(load_config(env={"STREAMING_TIME_ZONE": "Asia/Tokyo"}).streaming)
    assert time_of("Nov 23 12:30:00 h app: x", "any", zones) == datetime(2026, 11, 23, 3, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"STREAMING_TIME_ZONE": "Mars/Olympus"}, "'Mars/Olympus' is no time zone; use an IANA name"),
        ({"STREAMING_TIME_ZONE": "../../etc/passwd"}, "is no time zone"),
        ({"STREAMING_SERVICE_TIME_ZONES": "pay"}, "must be a list such as 'payment=Europe/Berlin"),
        ({"STREAMING_SERVICE_TIME_ZONES": "pay=Nowhere/City"}, "'Nowhere/City' is no time zone"),
    ],
)
def test_an_unknown_zone_is_refused_when_the_config_loads(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError, match="STREAMING_") as raised:
        load_config(env=env)
    assert says in str(raised.value)
