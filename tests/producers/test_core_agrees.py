"""producers/ installs alone, so it keeps copies of core's level table, duration syntax and logs topic: they agree."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.contract import LEVEL_ALIASES, LEVELS, Topics, normalise_level
from core.durations import parse_duration_s
from producers import LogProducer
from producers import event as producer_event
from producers.config import DEFAULT_TOPIC, ProducerConfig
from producers.demo.incidents import parse_duration
from tests.producers.doubles import FakeBroker


def test_the_producer_knows_the_same_levels() -> None:
    assert producer_event.LEVELS == LEVELS


@pytest.mark.parametrize("alias", sorted(LEVEL_ALIASES))
def test_every_core_alias_ships_the_level_core_gives_it(alias: str) -> None:
    for spelling in (alias, alias.lower(), f" {alias.title()} "):
        assert producer_event.normalize_level(spelling) == LEVEL_ALIASES[alias], spelling


def test_the_producer_has_no_alias_core_lacks() -> None:
    # Its table is private; the one it reads from must be exactly core's, no more.
    assert producer_event._ALIASES == LEVEL_ALIASES


@pytest.mark.parametrize("level", ["E", "e", "W", "F", "D", "I", "failure"])
def test_emit_ships_the_level_the_streaming_path_indexes(level: str, fake_broker: FakeBroker) -> None:
    # The same text in a raw JSON event is indexed as core's normalise_level(text): the two paths agree.
    producer = LogProducer("svc", transport_factory=fake_broker.factory)
    try:
        assert producer.emit(level, "disk full")
        assert producer.flush(5) == 0
    finally:
        producer.close(1)
    [value] = fake_broker.values()
    assert json.loads(value)["level"] == normalise_level(level)


def test_emit_e_ships_error(fake_broker: FakeBroker) -> None:
    producer = LogProducer("svc", transport_factory=fake_broker.factory)
    try:
        producer.emit("E", "payment refused")
        assert producer.flush(5) == 0
    finally:
        producer.close(1)
    assert json.loads(fake_broker.values()[0])["level"] == "ERROR"


def test_the_default_topic_is_core_s_logs_topic(monkeypatch: pytest.MonkeyPatch) -> None:
    assert DEFAULT_TOPIC == Topics().logs
    monkeypatch.delenv("TOPICS_LOGS", raising=False)
    assert ProducerConfig(service="svc").topic == Topics().logs


def test_the_variable_that_moves_the_logs_topic_moves_the_producer_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOPICS_LOGS", "team-a.logs")
    assert ProducerConfig(service="svc").topic == "team-a.logs"


@pytest.mark.parametrize(
    "text", ["90", "90s", "2m", "1h", "1d", "500ms", "1.5h", "0.25s", " 30s ", "3 m", "1.001s", "7d"]
)
def test_incident_durations_read_as_core_reads_them(text: str) -> None:
    assert parse_duration(text) == pytest.approx(parse_duration_s(text), abs=1e-9)


@given(
    st.integers(min_value=1, max_value=10**7),
    st.sampled_from(["", "ms", "s", "m", "h", "d"]),
    st.sampled_from(["", " "]),
)
def test_every_positive_duration_agrees(amount: int, unit: str, gap: str) -> None:
    text = f"{amount / 1000 if unit not in ('', 'ms') else amount}{gap}{unit}"
    assert parse_duration(text) == pytest.approx(parse_duration_s(text), rel=1e-9)


@pytest.mark.parametrize("text", ["", "soon", "5 minutes", "-5s", "1w", "s"])
def test_both_refuse_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)
    with pytest.raises(ValueError):
        parse_duration_s(text)
