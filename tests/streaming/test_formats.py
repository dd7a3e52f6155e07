"""Raw line parsing: the project's fixture lines, hostile input, and the Loghub samples.

Loghub (github.com/logpai/loghub; Zhu et al., ISSRE 2023) lines are read from ../shared/data/loghub at
test time and never copied into the repository.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import streaming.formats
from streaming.event import parse_timestamp
from streaming.formats import FORMATS, RawEvent, parse_line
from streaming.formats.detect import detect

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
# The shared Loghub samples next to the checkout; LOGWATCH_LOGHUB points elsewhere.
LOGHUB = Path(os.environ.get("LOGWATCH_LOGHUB", Path(__file__).resolve().parents[3] / "shared" / "data" / "loghub"))
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LOGHUB_FORMATS = {
    "Android": "logcat",
    "Apache": "apache_error",
    "BGL": "bgl",
    "HDFS": "hdfs",
    "HPC": "hpc",
    "Linux": "syslog3164",
    "Spark": "log4j",
    "Zookeeper": "log4j",
}


def fixture_lines(fmt: str) -> list[str]:
    return (FIXTURES / f"{fmt}.log").read_text(encoding="utf-8").splitlines()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


ALL_FIXTURE_LINES = [line for fmt in FORMATS for line in fixture_lines(fmt)]

# Fields that selected fixture lines must parse to: {"format", "line" (index in its file), "fields"}.
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def test_public_names_have_not_drifted() -> None:
    assert streaming.formats.__all__ == ["FORMATS", "RawEvent", "parse_line"]
    assert set(FORMATS) == {"syslog5424", "syslog3164", "apache_access", "apache_error", "log4j", "python",
                            "logcat", "hdfs", "bgl", "hpc", "plain"}  # fmt: skip


@pytest.mark.parametrize("first", ["streaming.formats", "streaming.event"])
def test_imports_in_either_order(first: str) -> None:
    # streaming.event imports this package, and both take their levels from core.contract.
    code = f"import {first}, streaming.formats, streaming.event; print(streaming.formats.parse_line('INFO:a:b').level)"
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert (done.returncode, done.stdout.strip()) == (0, "INFO"), done.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_fixture_line_is_detected_as_its_files_format(fmt: str) -> None:
    lines = fixture_lines(fmt)
    assert lines
    for line in lines:
        parsed = parse_line(line, now=NOW)
        assert parsed.format == fmt, line
        assert parsed.message.strip()
        assert parsed.timestamp is None or parsed.timestamp.tzinfo is UTC


@pytest.mark.parametrize("case", EXPECTED, ids=[f"{c['format']}-{c['line']}" for c in EXPECTED])
def test_fixture_line_fields(case: dict[str, Any]) -> None:
    parsed = parse_line(fixture_lines(case["format"])[case["line"]], now=NOW)
    assert parsed.format == case["format"]
    for name, value in case["fields"].items():
        if name == "timestamp" and value is not None:
            value = parse_timestamp(value)
        assert getattr(parsed, name) == value, name


def test_access_log_message_is_the_whole_line() -> None:
    line = fixture_lines("apache_access")[2]
    assert parse_line(line, now=NOW).message == line


def test_year_less_time_rolls_back_only_when_more_than_a_day_ahead() -> None:
    assert parse_line("Nov 24 11:00:00 h app: x", now=NOW).timestamp == at(2026, 11, 24, 11)
    assert parse_line("Nov 24 12:00:01 h app: x", now=NOW).timestamp == at(2025, 11, 24, 12, 0, 1)
    assert parse_line("01-01 00:00:00.000  1  1 I Tag: x", now=NOW).timestamp == at(2026, 1, 1)
    # 29 February goes back to the last leap year.
    assert parse_line("Feb 29 10:00:00 h app: x", now=NOW).timestamp == at(2024, 2, 29, 10)


def test_default_now_is_the_current_time() -> None:
    parsed = parse_line("Jan  1 00:00:00 h app: x")
    assert parsed.timestamp is not None
    assert parsed.timestamp.year in (datetime.now(UTC).year, datetime.now(UTC).year - 1)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2026-11-23T10:00:00+05:30 ERROR x", at(2026, 11, 23, 4, 30)),
        ("2026-11-23T10:00:00-0800 ERROR x", at(2026, 11, 23, 18)),
        ("2026-11-23 10:00:00.123456789Z ERROR x", at(2026, 11, 23, 10, 0, 0, 123456)),
        ('192.0.2.1 - - [23/Nov/2026:10:00:00 +1400] "GET / HTTP/1.1" 200 1', at(2026, 11, 22, 20)),
        ("<13>1 2026-11-23T10:00:00.000001+01:00 h app - - - x", at(2026, 11, 23, 9, 0, 0, 1)),
    ],
)
def test_time_zones_in_the_line_are_honoured(line: str, expected: datetime) -> None:
    assert parse_line(line, now=NOW).timestamp == expected


@pytest.mark.parametrize(
    "line",
    [
        "2026-13-45 10:00:00,000 INFO x: y",  # impossible date: the line is kept, the time is not
        "2026-11-23T10:00:00+25:00 INFO x: y",
        "<13>1 2026-02-30T10:00:00Z h app - - - x",
        "Nov 31 10:00:00 h app: x",
    ],
)
def test_impossible_times_become_none(line: str) -> None:
    parsed = parse_line(line, now=NOW)
    assert parsed.timestamp is None
    assert parsed.message


def test_multi_line_record_reads_its_header_from_the_first_line() -> None:
    record = (
        "2026-11-23 08:40:09,012 ERROR [main] com.example.Boot: unrecoverable configuration error\n"
        "java.lang.IllegalStateException: missing key\n\tat com.example.Boot.main(Boot.java:17)\n"
    )
    parsed = parse_line(record, now=NOW)
    assert (parsed.format, parsed.level, parsed.logger) == ("log4j", "ERROR", "com.example.Boot")
    assert parsed.message == "unrecoverable configuration error" and parsed.exception is not None
    assert parsed.exception["stacktrace"] == record.split("\n", 1)[1].strip()
    kafka = "[2026-11-23 08:40:07,890] ERROR boom (kafka.Foo)\njava.lang.Error: x\n\tat a.b(C.java:1)"
    parsed = parse_line(kafka, now=NOW)
    assert (parsed.logger, parsed.message) == ("kafka.Foo", "boom")
    assert parsed.exception == {"type": "java.lang.Error", "message": "x", "stacktrace": kafka.split("\n", 1)[1]}


def test_header_without_message_falls_back_to_the_whole_line() -> None:
    for line in ("Nov 23 08:12:01 web-01 cron[1]:", "WARNING:root:", "26/11/23 08:40:00 INFO a.B:"):
        assert parse_line(line, now=NOW).message == line


def test_surrounding_whitespace_crlf_and_bom_are_ignored() -> None:
    parsed = parse_line("\ufeffNov 23 08:12:01 web-01 cron[1]: run\r\n", now=NOW)
    assert (parsed.format, parsed.message) == ("syslog3164", "run")


@pytest.mark.parametrize("text", ["", " ", "\r\n", "\x00", "\ufeff"])
def test_blank_input_is_plain(text: str) -> None:
    parsed = parse_line(text, now=NOW)
    assert parsed.format == "plain"
    assert parsed == RawEvent(format="plain", message=parsed.message)


def check_never_raises(text: str) -> None:
    parsed = parse_line(text, now=NOW)
    assert isinstance(parsed, RawEvent) and parsed.format in FORMATS
    assert isinstance(parsed.message, str)
    if text.strip():
        assert parsed.message
    for key, value in parsed.attributes.items():
        assert isinstance(key, str) and isinstance(value, str | int | float)
    stripped = text.strip().lstrip("\ufeff")
    if stripped:
        detect(stripped, NOW)  # the unguarded detectors: a bug here must fail the test, not hide


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_parse_line_never_raises_on_any_text(text: str) -> None:
    check_never_raises(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(), st.sampled_from(["replace", "surrogateescape"]))
def test_parse_line_never_raises_on_any_bytes(data: bytes, errors: str) -> None:
    check_never_raises(data.decode("utf-8", errors=errors))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_FIXTURE_LINES), st.integers(0, 400), st.integers(0, 400), st.text(max_size=20))
def test_parse_line_never_raises_on_damaged_real_shapes(line: str, cut: int, resume: int, junk: str) -> None:
    check_never_raises(line[:cut] + junk + line[cut + resume % 8 :])
    check_never_raises(line[:cut])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ALL_FIXTURE_LINES), st.binary(max_size=40))
def test_parse_line_never_raises_with_undecodable_bytes_inside(line: str, data: bytes) -> None:
    middle = len(line) // 2
    check_never_raises(line[:middle] + data.decode("utf-8", "surrogateescape") + line[middle:])


PATHOLOGICAL = [
    "<" * 100_000,
    "<13>1 " + "[a " * 40_000,
    "<13>1 2026-11-23T10:00:00Z h a p m " + '[x a="' + "\\" * 100_000,
    "Nov 23 08:12:01 " + "a" * 100_000,
    "Nov 23 08:12:01 h " + "[" * 100_000,
    "2026-11-23 10:00:00,000 - INFO  [" + ":a" * 50_000,
    "2026-11-23 10:00:00,000 - " + "x - " * 25_000,
    "2026-11-23 10:00:00,000 INFO " + "[" * 100_000,
    '1.2.3.4 - - [23/Nov/2026:10:00:00 +0000] "' + '\\"' * 50_000,
    '1.2.3.4 - - [23/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "' + "a" * 100_000,
    "a " * 50_000 + '] "',
    "[" + "Mon Nov 23 08:30:00 2026] [" * 4_000,
    "11-23 08:55:01.123 1 1 I " + "a" * 100_000,
    "- 1795424400 2026.11.23 " + "x" * 100_000,
    "1 " * 50_000,
    "9" * 100_000,
    "INFO:" + "a" * 100_000,
    "\x00\x1b[31m" * 20_000,
    "\udcff" * 100_000,
]


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_pathological_lines_are_fast(text: str) -> None:
    started = time.perf_counter()
    check_never_raises(text)
    # Catastrophic backtracking on 100 KB takes minutes; the bound is loose so a loaded CI machine never flakes.
    assert time.perf_counter() - started < 5.0


def test_one_megabyte_line_is_parsed_quickly() -> None:
    line = fixture_lines("log4j")[3] + " " + "x" * 1_000_000
    started = time.perf_counter()
    parsed = parse_line(line, now=NOW)
    assert time.perf_counter() - started < 5.0
    assert parsed.format == "log4j" and len(parsed.message) > 1_000_000


def loghub_lines(system: str) -> list[str]:
    path = LOGHUB / system / f"{system}_2k.log"
    if not path.exists():
        pytest.skip(f"Loghub sample not found at {path}")
    return path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()


@pytest.mark.parametrize(("system", "fmt"), sorted(LOGHUB_FORMATS.items()))
def test_loghub_system_is_detected(system: str, fmt: str) -> None:
    lines = loghub_lines(system)
    counts: Counter[str] = Counter()
    with_time = 0
    for line in lines:
        parsed = parse_line(line, now=NOW)
        assert parsed.message.strip(), line
        counts[parsed.format] += 1
        with_time += parsed.timestamp is not None
    assert counts[fmt] / len(lines) >= 0.95, counts
    assert with_time / len(lines) >= 0.9


def test_a_stack_trace_after_the_first_line_becomes_the_exception() -> None:
    java = (
        "2026-12-04 10:00:00,123 ERROR [main] com.shop.App - payment failed for order 42\n"
        "java.lang.IllegalStateException: gateway closed\n"
        "\tat com.shop.Gateway.charge(Gateway.java:88)\n"
        "\tat com.shop.App.main(App.java:12)\n"
        "Caused by: java.io.IOException: connection reset\n"
        "\t... 2 more"
    )
    event = parse_line(java)
    assert (event.level, event.logger, event.message) == ("ERROR", "com.shop.App", "payment failed for order 42")
    assert event.exception is not None
    assert (event.exception["type"], event.exception["message"]) == (
        "java.lang.IllegalStateException",
        "gateway closed",
    )
    assert event.exception["stacktrace"] == java.split("\n", 1)[1]
    python = (
        "2026-12-04 10:00:00,123 - billing - ERROR - charge failed\n"
        "Traceback (most recent call last):\n"
        '  File "billing.py", line 3, in charge\n'
        "    raise ValueError('card expired')\n"
        "ValueError: card expired"
    )
    event = parse_line(python)
    assert event.message == "charge failed" and event.exception is not None
    assert (event.exception["type"], event.exception["message"]) == ("ValueError", "card expired")
    assert (
        event.exception["stacktrace"].startswith("Traceback")
        and event.fields(datetime(2026, 12, 4, tzinfo=UTC), None)["exception"]["type"]
    )


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-04 10:00:00 INFO report follows\nline two\nRuntimeError: a word in prose, no frames after it",
        "2026-12-04 10:00:00 INFO single line with java.lang.IllegalStateException: in it",
    ],
)
def test_lines_that_are_not_a_stack_trace_stay_in_the_message(text: str) -> None:
    event = parse_line(text)
    assert event.exception is None and event.message.endswith(text.rsplit(" ", 3)[-1])
