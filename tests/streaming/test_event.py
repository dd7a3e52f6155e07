from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from core.contract import LEVEL_ALIASES, normalise_level
from streaming.event import event_id, parse_record


def encode(obj: Any) -> bytes:
    return json.dumps(obj).encode()


VALID = {
    "timestamp": "2026-11-23T10:00:00.123+02:00",
    "level": "warning",
    "service": "search",
    "message": "slow query ✓",
    "host": "h1",
    "attributes": {"ms": 1200, "nested": {"a": [1]}},
    "exception": {"type": "ValueError", "message": "bad", "stacktrace": "Traceback..."},
}


def test_valid_event_is_normalised() -> None:
    parsed = parse_record(encode(VALID))
    assert parsed.error is None and parsed.format == "json"
    assert parsed.fields["timestamp"] == datetime(2026, 11, 23, 8, 0, 0, 123000, tzinfo=UTC)
    assert parsed.fields["level"] == "WARN"
    assert parsed.fields["message"] == "slow query ✓"
    assert parsed.fields["attributes"]["nested"] == {"a": [1]}
    assert parsed.fields["exception"]["type"] == "ValueError"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b'\xff\xfe{"a":1}', "not valid UTF-8"),
        (b'{"timestamp": ', "invalid JSON"),
        (b"[1, 2]", "raw line has no timestamp"),
        (b"   ", "empty"),
        (b"{}", "empty JSON object"),
        (encode({**VALID, "level": 3}), "'level' must be a string"),
        (encode({**VALID, "level": "LOUD"}), "unknown value"),
        (encode({**VALID, "timestamp": "yesterday"}), "not an RFC 3339 time"),
        (encode({**VALID, "attributes": [1]}), "'attributes' must be an object"),
        (encode({**VALID, "host": {"a": 1}}), "'host' must be a string"),
        (encode({**VALID, "service": "  "}), "'service' is empty"),
        (b"{" * 100000, "invalid JSON"),
    ],
)
def test_bad_records_get_a_reason(value: bytes, reason: str) -> None:
    parsed = parse_record(value)
    assert parsed.error is not None and reason in parsed.error


def test_our_event_keeps_exactly_the_fields_it_always_had() -> None:
    # Our producers' events take the strict path: the same fields as before JSON of other schemas was read.
    assert parse_record(encode(VALID), b"other", datetime(2026, 1, 1, tzinfo=UTC)).fields == {
        "timestamp": datetime(2026, 11, 23, 8, 0, 0, 123000, tzinfo=UTC),
        "level": "WARN",
        "service": "search",
        "message": "slow query ✓",
        "host": "h1",
        "exception": {"type": "ValueError", "message": "bad", "stacktrace": "Traceback..."},
        "attributes": {"ms": 1200, "nested": {"a": [1]}},
    }


def test_an_object_without_one_of_our_fields_is_read_as_a_log_of_another_schema() -> None:
    # It used to be dead-lettered ("required field 'service' is missing"); now the Kafka key names the service.
    no_service = {k: v for k, v in VALID.items() if k != "service"}
    parsed = parse_record(encode(no_service), b"search-api", datetime(2026, 1, 1, tzinfo=UTC))
    assert parsed.error is None and parsed.format == "json"
    assert parsed.fields["service"] == "search-api" and parsed.fields["level"] == "WARN"
    assert parsed.fields["timestamp"] == datetime(2026, 11, 23, 8, 0, 0, 123000, tzinfo=UTC)
    assert parsed.fields["attributes"] == {"ms": 1200, "nested.a": [1]}


def test_a_too_long_integer_or_nan_never_raises() -> None:
    assert "invalid JSON" in (parse_record(b'{"n": ' + b"1" * 5000 + b"}").error or "")
    parsed = parse_record(b'{"msg": "x", "ratio": NaN}', kafka_timestamp=datetime(2026, 1, 1, tzinfo=UTC))
    assert parsed.fields["attributes"] == {"ratio": "NaN"}


def test_level_aliases() -> None:
    assert [normalise_level(x) for x in ("fatal", "ERR", "notice", "Severe", "bogus")] == [
        "CRITICAL",
        "ERROR",
        "INFO",
        "ERROR",
        None,
    ]


def test_a_json_event_with_a_one_letter_level_is_indexed_at_the_level_it_stands_for() -> None:
    # Issue 11: the producer's emit("E", ...) and a raw JSON "E" must agree; both read core.contract's table.
    assert parse_record(encode({**VALID, "level": "E"})).fields["level"] == "ERROR"
    for alias, level in LEVEL_ALIASES.items():
        assert parse_record(encode({**VALID, "level": alias.lower()})).fields["level"] == level, alias


def test_event_id_is_deterministic_and_distinct() -> None:
    assert event_id("logs", 0, 5) == event_id("logs", 0, 5)
    assert len({event_id("logs", p, o) for p in range(3) for o in range(1000)}) == 3000
    # Audit M8.1: a new cluster (or a re-created topic) starts its offsets at 0 again; its documents must not
    # overwrite the old ones.
    assert event_id("logs", 0, 5, "cluster-a") != event_id("logs", 0, 5, "cluster-b") != event_id("logs", 0, 5)


def test_raw_line_takes_service_from_key_and_time_from_kafka() -> None:
    kafka_ts = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    parsed = parse_record(b"worker finished the nightly job", key=b"batch", kafka_timestamp=kafka_ts)
    assert parsed.error is None and parsed.format == "plain"
    assert parsed.fields["service"] == "batch" and parsed.fields["timestamp"] == kafka_ts
    assert parsed.fields["level"] == "INFO" and parsed.fields["message"] == "worker finished the nightly job"


def test_raw_syslog_line_names_its_own_service() -> None:
    line = b"<38>Nov 23 08:15:02 web-01 sshd[4242]: Failed password for invalid user admin from 203.0.113.9"
    parsed = parse_record(line, key=b"Linux", kafka_timestamp=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    assert parsed.error is None and parsed.format == "syslog3164"
    assert parsed.fields["service"] == "sshd" and parsed.fields["host"] == "web-01"


def test_a_kubernetes_container_log_line_is_read_as_the_line_inside_it() -> None:
    kafka_ts = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    written = datetime(2026, 11, 23, 8, 15, 2, 123456, tzinfo=UTC)
    cri = b"2026-11-23T08:15:02.123456789Z "
    parsed = parse_record(cri + b'stdout F {"level":"warn","msg":"slow query","ms":900}', b"api", kafka_ts)
    assert (parsed.format, parsed.fields["level"], parsed.fields["message"]) == ("json", "WARN", "slow query")
    assert parsed.fields["timestamp"] == written and parsed.fields["attributes"] == {"ms": 900, "stream": "stdout"}
    parsed = parse_record(cri + b"stderr F 2026-11-23 08:15:01,500 ERROR [main] c.e.App - db down", b"api", kafka_ts)
    assert (parsed.format, parsed.fields["level"], parsed.fields["message"]) == ("log4j", "ERROR", "db down")
    assert parsed.fields["timestamp"] == written  # the runtime's, over the header's (which names no zone)
    parsed = parse_record(cri + b"stdout P the first 16 KiB of a long line", b"api", kafka_ts)
    assert parsed.fields["message"] == "the first 16 KiB of a long line"
    assert parsed.fields["attributes"] == {"stream": "stdout", "partial": "true"}
    assert parse_record(cri + b"stdout F ", b"api", kafka_ts).error == "container log line has no text after its header"
    # A long line's pieces joined into one record by the shipper, a line each: the line again, whole.
    pieces = b"\n".join([cri + b"stdout P 2026-11-23 08:15:01,500 WARN [main] c.e.App - a lo", cri + b"stdout P ng li"])
    parsed = parse_record(pieces + b"\n" + cri + b"stdout F ne ends here", b"api", kafka_ts)
    assert (parsed.fields["level"], parsed.fields["message"]) == ("WARN", "a long line ends here")
    assert parsed.fields["attributes"] == {"thread": "main", "stream": "stdout"}
    # Only the runtime's exact header: a line that merely starts with a time and a word stays as it is.
    assert parse_record(cri + b"stdout Fixed the bug", b"api", kafka_ts).fields["message"] == "stdout Fixed the bug"


@pytest.mark.parametrize(
    "value",
    [
        rb'{"timestamp":"2026-12-03T00:00:00Z","level":"INFO","service":"a","message":"x\ud800 y",'
        rb'"attributes":{"k\udc00":["v\uDFFF"]}}',
        rb'{"time":"2026-12-03T00:00:00Z","msg":"x\ud800 y","k\udc00":"v\uDFFF"}',  # foreign JSON
    ],
)
def test_lone_surrogate_escapes_become_replacement_characters_so_the_document_encodes(value: bytes) -> None:
    parsed = parse_record(value, b"svc")
    assert parsed.error is None
    assert parsed.fields["message"] == "x\ufffd y"
    assert "k\ufffd" in json.dumps(parsed.fields["attributes"], ensure_ascii=False)
    json.dumps(parsed.fields, ensure_ascii=False, default=str).encode("utf-8")  # raised before
    # A real pair is one character, kept as it is.
    pair = parse_record(rb'{"timestamp":"2026-12-03T00:00:00Z","level":"INFO","service":"a","message":"\ud83d\ude00"}')
    assert pair.fields["message"] == "\U0001f600"
