"""Demo services: a varied realistic mix, incidents on schedule, and a CLI that runs and stops cleanly."""

from __future__ import annotations

import io
import json
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from producers.demo import INCIDENTS, SERVICES, build_simulators, parse_incident
from producers.demo.__main__ import main
from producers.demo.base import LogLine
from tests.producers.helpers import assert_event_schema
from tests.producers.kafka_helpers import consume

REPO = Path(__file__).resolve().parents[2]


def _sample(n: int, incidents: frozenset[str] = frozenset(), seed: int = 7) -> list[tuple[str, LogLine]]:
    sims = build_simulators(rng=random.Random(seed))
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sim = rng.choices(sims, weights=[s.weight for s in sims])[0]
        out.append((sim.name, sim.next(incidents)))
    return out


def test_the_mix_covers_every_service_category_and_level() -> None:
    lines = _sample(6000)
    assert {name for name, _ in lines} == set(SERVICES) == {"recommender", "search", "auth", "payment", "inventory"}
    categories = Counter(line.category for _, line in lines)
    assert set(categories) == {"security", "performance", "business", "general"}
    assert all(count / len(lines) > 0.05 for count in categories.values()), categories
    levels = Counter(logging.getLevelName(line.level) if line.level >= 10 else "TRACE" for _, line in lines)
    assert set(levels) == {"TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
    assert levels["INFO"] > levels["WARNING"] > levels["ERROR"] > levels["CRITICAL"] > 0
    assert any(line.exception is not None for _, line in lines)
    assert len({line.message for _, line in lines}) > 5000, "messages should vary, not repeat a few strings"


def test_incidents_change_what_the_services_log() -> None:
    sims = {s.name: s for s in build_simulators(rng=random.Random(3))}
    burst = [sims["auth"].incident("brute_force", frozenset({"brute_force"})) for _ in range(300)]
    assert all(line is not None and line.category == "security" for line in burst)
    ips = Counter(line.attributes.get("source_ip") for line in burst if line is not None)
    assert len([ip for ip in ips if ip]) <= 3, "a brute-force burst comes from a few addresses"

    outage = [sims["payment"].incident("payment_outage", frozenset({"payment_outage"})) for _ in range(200)]
    assert all(line is not None and line.level >= logging.ERROR for line in outage)
    assert any(line is not None and line.exception is not None for line in outage)

    def search_latency(incidents: frozenset[str]) -> float:
        values = [
            line.attributes["latency_ms"]
            for _ in range(3000)
            if "latency_ms" in (line := sims["search"].next(incidents)).attributes
        ]
        return statistics.median(values)

    assert search_latency(frozenset({"latency_storm"})) > 5 * search_latency(frozenset())
    assert sims["payment"].incident("brute_force", frozenset({"brute_force"})) is None


def test_incident_specs_parse_and_bad_ones_say_what_to_do() -> None:
    assert parse_incident("brute_force@60s").start_s == 60 and parse_incident("brute_force@60s").duration_s == 60
    storm = parse_incident("latency_storm@2m+90s")
    assert (storm.start_s, storm.duration_s) == (120, 90) and storm.active(150) and not storm.active(210)
    with pytest.raises(ValueError, match="Unknown incident 'meteor'; choose one of"):
        parse_incident("meteor@1s")
    with pytest.raises(ValueError, match="not a duration"):
        parse_incident("payment_outage@soon")
    assert set(INCIDENTS) == {"brute_force", "latency_storm", "payment_outage"}


def test_cli_dry_run_prints_valid_events_with_the_incident(capsys: pytest.CaptureFixture[str]) -> None:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(
            [
                "--dry-run",
                "--rate",
                "40",
                "--duration",
                "2",
                "--incident",
                "brute_force@0s+2s",
                "--seed",
                "11",
                "--label",
            ]
        )
    assert code == 0
    events = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert len(events) > 40
    for event in events:
        assert_event_schema(event)
        assert event["env"] == "demo" and event["attributes"]["expected_category"]
    assert sum("Failed login" in e["message"] or "Invalid user" in e["message"] for e in events) > 10
    err = capsys.readouterr().err
    assert "incident brute_force started" in err and "demo: stopped after" in err


def test_cli_rejects_bad_arguments_with_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--incident", "meteor@1s"])
    assert exited.value.code == 2
    assert "Unknown incident 'meteor'; choose one of brute_force" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--services", "search,billing"])
    assert "Unknown demo service billing" in capsys.readouterr().err


@pytest.mark.integration
def test_demo_runs_against_kafka_and_stops_cleanly_on_sigterm(
    kafka_bootstrap: str, topic_factory: Callable[..., str]
) -> None:
    topic = topic_factory(partitions=3)
    proc = subprocess.Popen(
        [sys.executable, "-m", "producers.demo", "--bootstrap", kafka_bootstrap, "--topic", topic, "--rate", "30"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        time.sleep(4)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    summary = [line for line in err.splitlines() if "stopped after" in line][-1]
    emitted = int(summary.split("emitted ")[1].split(",")[0])
    assert ", undelivered 0" in summary and emitted > 30
    records = consume(kafka_bootstrap, topic, emitted, 30)
    assert len(records) == emitted
    assert {r.key for r in records} <= {s.encode() for s in SERVICES} and len({r.key for r in records}) >= 4
