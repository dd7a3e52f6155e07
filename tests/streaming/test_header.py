"""The general header reader on synthetic lines of shapes it was not written around, and on hostile input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streaming.formats import RawEvent, parse_line
from streaming.formats.header import parse_header

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
T = datetime(2026, 11, 20, 7, 8, 9, tzinfo=UTC)


def header(line: str) -> RawEvent:
    return parse_header(line, NOW)


@pytest.mark.parametrize(
    "line",
    [
        "2026-11-20T07:08:09Z worker started",
        "2026-11-20 07:08:09 worker started",
        "2026-11-20T09:08:09+02:00 worker started",
        "2026-11-20 02:08:09 -0500 worker started",
        "2026/11/20 07:08:09 worker started",
        "20261120-07:08:09:000 worker started",
        "20261120T070809Z worker started",
        "26/11/20 07:08:09 worker started",
        "261120 070809 worker started",
        "20/Nov/2026:08:08:09 +0100 worker started",
        "20-Nov-2026 07:08:09.000 worker started",
        "Fri Nov 20 07:08:09 2026 worker started",
        "Nov 20 07:08:09 worker started",
        "[11.20 07:08:09] worker started",
        "11-20 07:08:09.000 worker started",
        "11/20/2026 07:08:09 AM worker started",
        "20.11.2026 07:08:09 worker started",
        "1795158489 worker started",
        "1795158489000 worker started",
        "node-3 | 2026-11-20 07:08:09 | worker started",
    ],
)
def test_timestamp_shapes_are_read(line: str) -> None:
    parsed = header(line)
    assert parsed.timestamp == T, line
    assert parsed.message.endswith("worker started")


def test_year_less_stamp_goes_back_a_year_only_when_more_than_a_day_ahead() -> None:
    assert header("Nov 24 11:00:00 x").timestamp == datetime(2026, 11, 24, 11, tzinfo=UTC)
    assert header("Nov 25 12:00:00 x").timestamp == datetime(2025, 11, 25, 12, tzinfo=UTC)


def test_zone_less_stamps_are_read_in_the_given_zone() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert parse_header("2026-11-20 09:08:09 x", NOW, plus_two).timestamp == T
    assert parse_header("2026-11-20 07:08:09Z x", NOW, plus_two).timestamp == T  # a named zone wins
    assert parse_line("2026-11-20 09:08:09 hello there", now=NOW, zone=plus_two).timestamp == T


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("2026-11-20 07:08:09 Info worker started", "INFO"),
        ("2026-11-20 07:08:09 Error worker died", "ERROR"),
        ("2026-11-20 07:08:09 WARNING disk low", "WARN"),
        ("2026-11-20 07:08:09 [warn] disk low", "WARN"),
        ("2026-11-20 07:08:09 debug: tick", "DEBUG"),
        ("2026-11-20 07:08:09 1234 5678 W Battery: low", "WARN"),
        ("2026-11-20 07:08:09 1234 5678 E Battery: dead", "ERROR"),
        ("<11>Nov 20 07:08:09 host app: failed", "ERROR"),
        ("time=2026-11-20T07:08:09Z level=50 msg=boom", "ERROR"),
        ("ts=1795158489 lvl=30 msg=ok", "INFO"),
        ("FATAL out of memory", "CRITICAL"),
    ],
)
def test_levels_in_any_case_and_spelling(line: str, level: str) -> None:
    assert header(line).level == level


@pytest.mark.parametrize(
    "line",
    ["I think it works", "2026-11-20 07:08:09 I think it works", "info about the thing", "level=30 unkeyed 40"],
)
def test_words_that_only_look_like_levels_are_not_levels(line: str) -> None:
    parsed = header(line)
    assert parsed.level in (None, "INFO") if "level=30" in line else parsed.level is None


def test_syslog_program_pid_and_host() -> None:
    parsed = header("Nov 20 07:08:09 web-7 cron[42]: job done")
    assert (parsed.host, parsed.service, parsed.attributes["pid"], parsed.message) == ("web-7", "cron", 42, "job done")


def test_program_names_with_spaces_and_a_second_pid() -> None:
    parsed = header("Nov 20 07:08:09 Johns-Laptop Microsoft Word[123]: document saved")
    assert (parsed.host, parsed.service, parsed.message) == ("Johns-Laptop", "Microsoft Word", "document saved")
    parsed = header("Nov 20 07:08:09 laptop sandboxd[129] ([456]): Sandbox: deny read")
    assert (parsed.service, parsed.attributes["pid"], parsed.message) == ("sandboxd", 129, "Sandbox: deny read")


def test_java_logger_thread_and_component() -> None:
    parsed = header("2026-11-20 07:08:09.000 [pool-2-thread-1] Warn com.acme.billing.Invoice - total mismatch")
    assert (parsed.level, parsed.logger, parsed.attributes["thread"]) == ("WARN", "com.acme.billing.Invoice",
                                                                         "pool-2-thread-1")  # fmt: skip
    assert parsed.message == "total mismatch"
    parsed = header("2026-11-20 07:08:09 [INFO] [scheduler] next run in 5s")
    assert (parsed.level, parsed.logger, parsed.message) == ("INFO", "scheduler", "next run in 5s")


def test_machine_codes_between_a_stamp_and_a_level_are_header() -> None:
    parsed = header("2026-11-20 07:08:09 NODE-R7:J12-U01 SYS SCHED WARN slot 4 took 300 ms")
    assert (parsed.timestamp, parsed.level, parsed.message) == (T, "WARN", "slot 4 took 300 ms")
    # Capitals a time or a level does not follow are the message, as every weak field.
    for message in ("GET /index.html 200", "USER LOGIN FAILED for bob", "NODE-R7 DOWN"):
        parsed = header(f"2026-11-20 07:08:09 {message}")
        assert (parsed.message, parsed.level) == (message, None)


@pytest.mark.parametrize(
    ("line", "level", "logger"),
    [
        ("I1120 07:08:09.000000      42 worker.go:17] worker started", "INFO", "worker.go"),  # klog
        ("W20261120 07:08:09.000000 42 worker.cc:17] worker started", "WARN", "worker.cc"),  # glog
        ("E [20/Nov/2026:07:08:09 +0000] worker started", "ERROR", None),  # CUPS
        ("W, [2026-11-20T07:08:09.000000 #42]  WARN -- app: worker started", "WARN", "app"),  # Ruby's Logger
        ("E, [2026-11-20T07:08:09.000000 #42] ERROR -- : worker started", "ERROR", None),
        ("[2026-11-20 07:08:09] production.WARNING: worker started", "WARN", "production"),  # PHP's Monolog
        ("2026-11-20 07:08:09.000|WARN|worker started", "WARN", None),
        ("2026-11-20 07:08:09, Warning   worker started", "WARN", None),
        ("2026-11-20T07:08:09.000Z\tWARN\tpool/worker.go:87\tworker started", "WARN", "pool/worker.go"),  # zap
        ("2026-11-20 07:08:09.000 42 WARN acme.pool.worker [req-7 - -] worker started", "WARN", "acme.pool.worker"),
        (
            "20-Nov-2026 07:08:09.000 WARN [main] org.acme.pool.Worker.start worker started",
            "WARN",
            "org.acme.pool.Worker.start",
        ),
        ("[2026-11-20T07:08:09.000+0000] {pool.py:87} WARNING - worker started", "WARN", "pool.py"),  # Airflow
        ("[2026-11-20 07:08:09,000: WARNING/MainProcess] worker started", "WARN", None),  # Celery
        ("<warn> 2026-11-20 07:08:09 worker started", "WARN", None),
        ("2026-11-20 07:08:09 | pool | WARNING | worker started", "WARN", None),
    ],
)
def test_level_letters_source_lines_channels_and_glued_fields(line: str, level: str, logger: str | None) -> None:
    parsed = header(line)
    assert (parsed.timestamp, parsed.level, parsed.logger, parsed.message) == (T, level, logger, "worker started")


def test_letters_and_levels_that_start_a_message_stay_in_it() -> None:
    assert header("E something happened").message == "E something happened"
    assert header("2026-11-20 07:08:09 CRITICAL critical section entered").message == "critical section entered"
    parsed = header("2026-11-20 07:08:09 I am here")
    assert (parsed.level, parsed.message) == (None, "I am here")
    parsed = header("2026-11-20 07:08:09.000 42 WARN api.example.com answered slowly")
    assert (parsed.logger, parsed.message) == (None, "api.example.com answered slowly")


def test_key_value_pairs_become_attributes_and_msg_the_message() -> None:
    parsed = header('time=2026-11-20T07:08:09Z level=warn msg="queue is full" queue=orders depth=900')
    assert (parsed.timestamp, parsed.level, parsed.message) == (T, "WARN", "queue is full")
    assert parsed.attributes["queue"] == "orders" and parsed.attributes["depth"] == "900"
    parsed = header("2026-11-20 07:08:09 INFO user=ann logged in from=10.0.0.1")
    assert parsed.message == "user=ann logged in from=10.0.0.1" and parsed.attributes["user"] == "ann"


def test_a_line_without_a_header_keeps_its_whole_text() -> None:
    for line in ("just some words here", "Connection closed by peer", "42 is the answer"):
        parsed = header(line)
        assert parsed.message == line and parsed.timestamp is None


# A stamp rendered in N shapes, placed after a random prefix of header-ish fields.
SHAPES: list[Callable[[datetime], str]] = [
    lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    lambda t: t.strftime("%Y-%m-%d %H:%M:%S,") + f"{t.microsecond // 1000:03d}",
    lambda t: t.strftime("%d/%b/%Y:%H:%M:%S +0000"),
    lambda t: t.strftime("%a %b %d %H:%M:%S.%f %Y"),
    lambda t: t.strftime("%Y%m%d-%H:%M:%S:") + f"{t.microsecond // 1000:03d}",
    lambda t: "[" + t.strftime("%Y-%m-%d %H:%M:%S.%f") + "]",
    lambda t: t.strftime("%d-%b-%Y %H:%M:%S.%f"),
    lambda t: f"{t.timestamp():.6f}",
]
PREFIXES = ["", "host-1 ", "[main] ", "<14>", "INFO ", "node7 | ", "app[12]: x "]


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(datetime(2001, 9, 10), datetime(2099, 1, 1)),  # epoch stamps are read from 10 digits on
    st.integers(0, len(SHAPES) - 1),
    st.sampled_from(PREFIXES),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=40),
)
def test_a_rendered_stamp_is_found_and_equals_the_original(
    moment: datetime, shape: int, prefix: str, tail: str
) -> None:
    moment = moment.replace(tzinfo=UTC)
    if shape in (1, 4):
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    if shape == 2:
        moment = moment.replace(microsecond=0)
    line = f"{prefix}{SHAPES[shape](moment)} hello {tail}".strip()
    if shape == 7 and prefix not in ("", "[main] ", "<14>", "INFO "):
        return  # epoch seconds count only where a header field stands
    assert header(line).timestamp == moment, line


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["Info", "Warning", "Error", "Debug", "Critical", "Notice", "Trace", "Fatal"]))
def test_title_case_levels_after_a_stamp(word: str) -> None:
    assert header(f"2026-11-20 07:08:09 {word} something happened").level is not None


def check(text: str) -> None:
    line = text.strip()
    if line:
        parsed = header(line)
        assert isinstance(parsed.message, str) and parsed.message
        assert parsed.timestamp is None or parsed.timestamp.tzinfo is not None
        for key, value in parsed.attributes.items():
            assert isinstance(key, str) and isinstance(value, str | int | float)
    assert isinstance(parse_line(text, now=NOW), RawEvent)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_never_raises_on_random_text(text: str) -> None:
    check(text)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("0123456789-:/.,TZ+[]<> =\"'\x00\x1b\t\nINFOWEDJanNov|ab_")), max_size=120)
)
def test_never_raises_on_header_like_junk(text: str) -> None:
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_never_raises_on_invalid_surrogates_and_control_chars(data: bytes) -> None:
    check(data.decode("utf-8", "surrogateescape"))
    check("2026-11-20 07:08:09 " + data.decode("latin-1"))


@pytest.mark.parametrize(
    "line",
    [
        "2026-11-20 07:08:09 INFO " + "x" * 1_000_000,
        "[" * 1_000_000,
        "a=" * 500_000,
        "1" * 1_000_000,
        "Nov 20 07:08:09 " + "host " * 200_000,
        '"' + "k=\\" * 300_000,
    ],
)
def test_one_megabyte_lines_keep_their_text(line: str) -> None:
    # How long they take is in bench.bench_parse (hostile_1mb_worst_ms), not a timed assertion.
    assert len(header(line).message) >= len(line) - 64
