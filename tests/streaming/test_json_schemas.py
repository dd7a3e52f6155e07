"""JSON log lines of schemas other than ours (streaming.jsonlog through streaming.event.parse_record).

Each sample is a synthetic line written from its logger's documentation (field names and value shapes), not
copied from a data set.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.contract import LEVELS
from streaming.bounds import MAX_DEPTH
from streaming.event import parse_record
from streaming.jsonlog import MAX_ATTRIBUTES

ARRIVED = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
T0 = datetime(2026, 11, 23, 10, 0, 0, 123000, tzinfo=UTC)  # 1795428000.123 s since the epoch


def read(obj: Any, key: bytes | None = b"shipper-key", arrived: datetime | None = ARRIVED) -> dict[str, Any]:
    parsed = parse_record(json.dumps(obj).encode(), key, arrived)
    assert parsed.error is None, parsed.error
    assert parsed.format == "json"
    return parsed.fields


def test_bunyan_names_its_service_and_its_numeric_level_is_bunyans() -> None:
    fields = read(
        {
            "name": "billing",
            "hostname": "web-1",
            "pid": 4242,
            "level": 50,
            "msg": "invoice run failed",
            "time": "2026-11-23T10:00:00.123Z",
            "v": 0,
            "err": {"message": "boom", "name": "TypeError", "stack": "TypeError: boom\n    at run (/app/run.js:1:1)"},
        }
    )
    assert fields["service"] == "billing" and fields["host"] == "web-1" and fields["level"] == "ERROR"
    assert fields["timestamp"] == T0 and fields["message"] == "invoice run failed"
    assert fields["exception"] == {
        "type": "TypeError",
        "message": "boom",
        "stacktrace": fields["exception"]["stacktrace"],
    }
    assert fields["attributes"] == {"pid": 4242, "v": 0}


def test_pino_epoch_milliseconds_and_nested_request_become_dotted_attributes() -> None:
    fields = read(
        {
            "level": 30,
            "time": 1795428000123,
            "pid": 657,
            "hostname": "api-2",
            "req": {"id": 7, "method": "GET", "url": "/cart", "headers": {"accept": "*/*"}},
            "responseTime": 12,
            "msg": "request completed",
        }
    )
    assert fields["level"] == "INFO" and fields["timestamp"] == T0 and fields["service"] == "shipper-key"
    assert fields["attributes"] == {
        "pid": 657,
        "req.id": 7,
        "req.method": "GET",
        "req.url": "/cart",
        "req.headers.accept": "*/*",
        "responseTime": 12,
    }


def test_zap_production_line() -> None:
    fields = read(
        {
            "level": "error",
            "ts": 1795428000.123,
            "logger": "payments",
            "caller": "gateway/client.go:88",
            "msg": "upstream call failed",
            "error": "context deadline exceeded",
            "stacktrace": "main.charge\n\t/src/gateway/client.go:88",
            "attempt": 3,
        }
    )
    assert fields["level"] == "ERROR" and abs((fields["timestamp"] - T0).total_seconds()) < 1e-3
    assert fields["logger"] == "payments"
    assert fields["exception"]["message"] == "context deadline exceeded"
    assert fields["exception"]["stacktrace"].startswith("main.charge")
    assert fields["attributes"] == {"caller": "gateway/client.go:88", "attempt": 3}


def test_zerolog_default_fields() -> None:
    fields = read({"level": "warn", "service": "cache", "time": "2026-11-23T10:00:00.123Z", "message": "evicting"})
    assert (fields["level"], fields["service"], fields["message"], fields["timestamp"]) == (
        "WARN",
        "cache",
        "evicting",
        T0,
    )
    assert "attributes" not in fields


def test_structlog_event_key_and_string_exception() -> None:
    fields = read(
        {
            "event": "login failed",
            "level": "warning",
            "logger": "auth.views",
            "timestamp": "2026-11-23T10:00:00.123000Z",
            "user": "bob",
            "exception": "Traceback (most recent call last):\n  File \"v.py\", line 3, in login\nKeyError: 'bob'",
        }
    )
    assert fields["message"] == "login failed" and fields["level"] == "WARN" and fields["logger"] == "auth.views"
    assert fields["exception"]["type"] == "KeyError" and fields["exception"]["message"] == "'bob'"
    assert fields["attributes"] == {"user": "bob"}


def test_python_json_logger_names_its_logger_not_its_service() -> None:
    fields = read(
        {
            "asctime": "2026-11-23 10:00:00,123",
            "name": "app.db",
            "levelname": "ERROR",
            "message": "query failed",
            "exc_info": 'Traceback (most recent call last):\n  File "db.py", line 9\nTimeoutError: 30 s',
        }
    )
    assert fields["logger"] == "app.db" and fields["service"] == "shipper-key" and fields["level"] == "ERROR"
    assert fields["timestamp"] == T0 and fields["exception"]["type"] == "TimeoutError"


def test_ecs_reads_dotted_and_nested_keys_alike() -> None:
    fields = read(
        {
            "@timestamp": "2026-11-23T10:00:00.123Z",
            "log.level": "warn",
            "message": "slow checkout",
            "ecs.version": "1.6.0",
            "service": {"name": "checkout", "version": "2.4.1", "environment": "prod"},
            "log": {"logger": "co.Checkout", "origin": {"file": {"name": "Checkout.java", "line": 120}}},
            "host": {"hostname": "node-7"},
            "trace.id": "4bf92f3577b34da6a3ce929d0e0e4736",
            "span": {"id": "00f067aa0ba902b7"},
            "error": {"type": "java.io.IOException", "message": "reset", "stack_trace": "java.io.IOException: reset"},
        }
    )
    assert fields["service"] == "checkout" and fields["version"] == "2.4.1" and fields["level"] == "WARN"
    assert fields["logger"] == "co.Checkout" and fields["host"] == "node-7"
    assert fields["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736" and fields["span_id"] == "00f067aa0ba902b7"
    assert fields["exception"] == {
        "type": "java.io.IOException",
        "message": "reset",
        "stacktrace": "java.io.IOException: reset",
    }
    assert fields["attributes"] == {
        "ecs.version": "1.6.0",
        "service.environment": "prod",
        "log.origin.file.name": "Checkout.java",
        "log.origin.file.line": 120,
    }


def test_journald_json_priority_is_a_syslog_severity() -> None:
    fields = read(
        {
            "__CURSOR": "s=6e1c;i=2a;b=0f;m=1c;t=5;x=9",
            "__REALTIME_TIMESTAMP": "1795428000123000",
            "__MONOTONIC_TIMESTAMP": "8123456",
            "PRIORITY": "3",
            "SYSLOG_FACILITY": "4",
            "SYSLOG_IDENTIFIER": "sshd",
            "_PID": "812",
            "_HOSTNAME": "bastion",
            "_SYSTEMD_UNIT": "ssh.service",
            "MESSAGE": "error: maximum authentication attempts exceeded for root",
        }
    )
    assert fields["service"] == "sshd" and fields["host"] == "bastion" and fields["level"] == "ERROR"
    assert fields["timestamp"] == T0 and fields["message"].startswith("error: maximum")
    assert fields["attributes"]["_PID"] == "812" and "__REALTIME_TIMESTAMP" not in fields["attributes"]


def test_journald_message_that_is_not_utf8_comes_as_bytes() -> None:
    fields = read({"MESSAGE": [104, 105, 255], "PRIORITY": "6", "__REALTIME_TIMESTAMP": "1795428000123000"})
    assert fields["message"] == "hi\ufffd" and fields["level"] == "INFO"


def test_opentelemetry_log_record_of_the_data_model() -> None:
    fields = read(
        {
            "timeUnixNano": "1795428000123000000",
            "observedTimeUnixNano": "1795428000200000000",
            "severityNumber": 17,
            "severityText": "Error",
            "body": "card declined",
            "traceId": "5b8efff798038103d269b633813fc60c",
            "spanId": "eee19b7ec3c1b174",
            "resource": {"attributes": {"service.name": "cart", "host.name": "pod-3"}},
            "attributes": {"http.status_code": 402},
        }
    )
    assert fields["level"] == "ERROR" and fields["timestamp"] == T0 and fields["service"] == "cart"
    assert fields["host"] == "pod-3" and fields["message"] == "card declined"
    assert fields["trace_id"] == "5b8efff798038103d269b633813fc60c" and fields["span_id"] == "eee19b7ec3c1b174"
    assert fields["attributes"]["http.status_code"] == 402


def test_opentelemetry_otlp_json_export_of_one_record_is_unwrapped() -> None:
    fields = read(
        {
            "resourceLogs": [
                {
                    "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "cart"}}]},
                    "scopeLogs": [
                        {
                            "scope": {"name": "cart.payments"},
                            "logRecords": [
                                {
                                    "timeUnixNano": "1795428000123000000",
                                    "severityNumber": 13,
                                    "body": {"stringValue": "retrying charge"},
                                    "attributes": [{"key": "attempt", "value": {"intValue": "2"}}],
                                }
                            ],
                        }
                    ],
                }
            ]
        }
    )
    assert (fields["service"], fields["logger"], fields["level"], fields["message"]) == (
        "cart",
        "cart.payments",
        "WARN",
        "retrying charge",
    )
    assert fields["attributes"] == {"attempt": 2}


def test_an_otlp_export_of_several_records_is_dead_lettered_with_why() -> None:
    record = {"body": {"stringValue": "x"}}
    value = json.dumps({"resourceLogs": [{"scopeLogs": [{"logRecords": [record, record]}]}]}).encode()
    parsed = parse_record(value, None, ARRIVED)
    assert parsed.error is not None and "2 log records" in parsed.error


def test_keys_match_whatever_their_case_and_underscores() -> None:
    # OpenTelemetry's fields as snake_case (protobuf names) and as camelCase (OTLP/JSON) read alike.
    fields = read({"time_unix_nano": 1795428000123000000, "SEVERITY_NUMBER": 13, "Body": "b", "trace_id": "t1"})
    assert (fields["timestamp"], fields["level"], fields["message"], fields["trace_id"]) == (T0, "WARN", "b", "t1")


def test_rust_tracing_json_message_and_target() -> None:
    fields = read(
        {
            "timestamp": "2026-11-23T10:00:00.123Z",
            "level": "DEBUG",
            "fields": {"message": "shaving yaks", "yak_count": 3},
            "target": "barber::shave",
            "span": {"name": "shave_all"},
        }
    )
    assert (fields["message"], fields["logger"], fields["level"]) == ("shaving yaks", "barber::shave", "DEBUG")
    assert fields["attributes"] == {"fields.yak_count": 3, "span.name": "shave_all"}


def test_docker_json_file_reads_the_line_it_wraps() -> None:
    fields = read(
        {
            "log": "2026-11-23 10:00:00.100 ERROR [main] com.shop.App - failed to bind port 8080\n",
            "stream": "stderr",
            "time": "2026-11-23T10:00:00.123456789Z",
        }
    )
    assert fields["level"] == "ERROR" and fields["logger"] == "com.shop.App"
    assert fields["message"] == "failed to bind port 8080"
    # The runtime's time is exact and zoned; the header's would be read in the default zone.
    assert fields["timestamp"] == datetime(2026, 11, 23, 10, 0, 0, 123456, tzinfo=UTC)
    assert fields["attributes"]["stream"] == "stderr"


def test_docker_json_file_wrapping_a_json_log_reads_the_inner_object() -> None:
    inner = {"level": "warn", "msg": "queue deep", "depth": 900, "time": "2026-11-23T10:00:00.123Z"}
    fields = read({"log": json.dumps(inner) + "\n", "stream": "stdout", "time": "2026-11-23T10:00:01Z"})
    assert (fields["level"], fields["message"], fields["timestamp"]) == ("WARN", "queue deep", T0)
    assert fields["attributes"] == {"stream": "stdout", "depth": 900}


def test_a_shippers_envelope_takes_the_raw_line_it_carries_apart() -> None:
    # Filebeat's event: the line as read under "message", the shipper's own fields around it, no level.
    fields = read(
        {
            "@timestamp": "2026-11-23T10:00:04.500Z",
            "message": "2026-11-23 10:00:00,123 ERROR [main] com.shop.App - payment failed for order 42",
            "host": {"name": "web-1"},
            "log": {"file": {"path": "/var/log/shop/app.log"}, "offset": 1234},
            "agent": {"type": "filebeat"},
        }
    )
    assert (fields["level"], fields["logger"], fields["host"]) == ("ERROR", "com.shop.App", "web-1")
    assert fields["message"] == "payment failed for order 42"
    assert fields["timestamp"] == T0  # the line's time, not when the shipper read it
    assert fields["attributes"]["log.file.path"] == "/var/log/shop/app.log"
    assert fields["attributes"]["thread"] == "main"


@pytest.mark.parametrize(
    "envelope",
    [
        {"@timestamp": 1795428009.5, "log": "{line}"},  # Fluent Bit tailing a file (its default key: log)
        {"timestamp": "2026-11-23T10:00:09.5Z", "message": "{line}", "host": "web-1", "source_type": "file"},  # Vector
    ],
)
def test_other_shippers_envelopes_give_the_lines_own_time(envelope: dict[str, Any]) -> None:
    line = "2026-11-23 10:00:00,123 WARN [main] com.shop.App - stock low for sku 42"
    fields = read({k: line if v == "{line}" else v for k, v in envelope.items()})
    assert (fields["level"], fields["logger"], fields["message"]) == ("WARN", "com.shop.App", "stock low for sku 42")
    assert fields["timestamp"] == T0  # read 9 s later: the shipper's time is not the event's


def test_a_shippers_envelope_carrying_a_json_line_reads_the_inner_object() -> None:
    inner = {"level": "warn", "msg": "slow query", "ms": 900, "time": "2026-11-23T10:00:00.123Z"}
    fields = read({"@timestamp": "2026-11-23T10:00:05Z", "message": json.dumps(inner), "host": {"name": "db-1"}})
    assert (fields["level"], fields["message"], fields["timestamp"]) == ("WARN", "slow query", T0)
    assert fields["host"] == "db-1" and fields["attributes"] == {"ms": 900}


@pytest.mark.parametrize("field", ["log", "message"])
def test_a_container_log_line_inside_a_shippers_json_is_unwrapped(field: str) -> None:
    # Fluent Bit or Vector tailing /var/log/containers/*.log without a CRI parser ships the runtime's line whole.
    line = '2026-11-23T10:00:00.123Z stderr F {"level":"error","msg":"db down","pool":"main"}'
    fields = read({"@timestamp": "2026-11-23T10:00:07Z", field: line})
    assert (fields["level"], fields["message"], fields["timestamp"]) == ("ERROR", "db down", T0)
    assert fields["attributes"] == {"stream": "stderr", "pool": "main"}
    fields = read({field: "2026-11-23T10:00:00.123Z stdout P 2026-11-23 10:00:00 WARN cache cold"})
    assert (fields["level"], fields["message"], fields["timestamp"]) == ("WARN", "cache cold", T0)
    assert fields["attributes"] == {"stream": "stdout", "partial": "true"}


@pytest.mark.parametrize(
    "obj",
    [
        {"@timestamp": "2026-11-23T10:00:00.123Z", "message": "user 42 logged in from the mobile app"},
        {"@timestamp": "2026-11-23T10:00:00.123Z", "level": "info", "message": "2026-11-23 09:00:00 ERROR x"},
    ],
)
def test_a_message_without_a_header_or_beside_a_level_is_kept_whole(obj: dict[str, Any]) -> None:
    fields = read(obj)
    assert fields["message"] == obj["message"] and fields["timestamp"] == T0


def test_gelf_level_is_syslog_and_additional_fields_lose_their_underscore() -> None:
    fields = read(
        {
            "version": "1.1",
            "host": "example.org",
            "short_message": "Disk quota exceeded",
            "full_message": "Disk quota exceeded\nuser=alice used=10.2GB",
            "timestamp": 1795428000.123,
            "level": 4,
            "_user_id": 9001,
            "_facility_name": "storage",
        }
    )
    assert fields["level"] == "WARN" and fields["host"] == "example.org" and fields["message"] == "Disk quota exceeded"
    assert abs((fields["timestamp"] - T0).total_seconds()) < 1e-3
    assert fields["attributes"]["user_id"] == 9001 and fields["attributes"]["facility_name"] == "storage"
    assert fields["attributes"]["full_message"].startswith("Disk quota")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1795428000.123, T0),
        (1795428000123, T0),
        (1795428000123000, T0),
        (1795428000123000000, T0),
        ("1795428000123", T0),
        ("2026-11-23T11:00:00.123+01:00", T0),
        ("2026-11-23 10:00:00,123", T0),
    ],
)
def test_times_are_read_by_magnitude_or_as_rfc3339(value: Any, expected: datetime) -> None:
    assert abs((read({"ts": value, "msg": "m"})["timestamp"] - expected).total_seconds()) < 1e-3


def test_a_number_that_is_not_a_plausible_time_is_an_attribute_and_the_kafka_time_is_used() -> None:
    fields = read({"t": 42, "msg": "tick"})
    assert fields["timestamp"] == ARRIVED and fields["attributes"] == {"t": 42}


@pytest.mark.parametrize(
    ("obj", "level"),
    [
        ({"level": 10}, "TRACE"),
        ({"level": 20}, "DEBUG"),
        ({"level": 35}, "INFO"),
        ({"level": 60}, "CRITICAL"),
        ({"PRIORITY": "0"}, "CRITICAL"),
        ({"PRIORITY": 4}, "WARN"),
        ({"PRIORITY": "5"}, "INFO"),
        ({"PRIORITY": "7"}, "DEBUG"),
        ({"severityNumber": 1}, "TRACE"),
        ({"severityNumber": 8}, "DEBUG"),
        ({"severityNumber": 24}, "CRITICAL"),
        ({"severity": "NOTICE"}, "INFO"),
        ({"lvl": "Fatal"}, "CRITICAL"),
        ({"level": "LOUD"}, "INFO"),  # unknown: INFO, and the value stays in attributes
    ],
)
def test_levels_by_key_and_scale(obj: dict[str, Any], level: str) -> None:
    assert read({**obj, "msg": "m"})["level"] == level


def test_a_line_without_a_level_key_takes_the_level_its_message_names() -> None:
    assert read({"message": "ERROR could not open /data"})["level"] == "ERROR"
    assert read({"message": "user signed in"})["level"] == "INFO"


def test_an_object_without_a_message_is_indexed_with_its_json_as_the_message() -> None:
    fields = read({"user": "bob", "action": "login"}, key=None)
    assert fields["message"] == '{"user":"bob","action":"login"}' and fields["service"] == "unknown"
    assert fields["attributes"] == {"user": "bob", "action": "login"}


def test_attributes_are_bounded_in_count_and_depth() -> None:
    fields = read({"msg": "wide", **{f"k{i}": i for i in range(MAX_ATTRIBUTES + 50)}})
    assert len(fields["attributes"]) == MAX_ATTRIBUTES + 1
    assert fields["attributes"]["dropped_attributes_count"] == 50
    deep: Any = "leaf"
    for _ in range(MAX_DEPTH + 5):
        deep = {"d": deep}
    (key, value), *_ = read({"msg": "deep", "x": deep})["attributes"].items()
    assert key.count(".") == MAX_DEPTH and isinstance(value, str) and value.endswith('"leaf"}}}}}')


def test_keys_elasticsearch_would_refuse_are_repaired() -> None:
    assert read({"msg": "m", "": 1, "a.": 2, ".b": 3, "c..d": 4})["attributes"] == {
        "_": 1,
        "a._": 2,
        "_.b": 3,
        "c._.d": 4,
    }


def test_no_time_anywhere_is_dead_lettered() -> None:
    parsed = parse_record(b'{"msg": "m"}', None, None)
    assert parsed.error is not None and "no readable time" in parsed.error


@pytest.mark.parametrize("depth", [950, 990, 2000])
def test_an_object_nested_near_or_past_pythons_limit_is_bounded_or_dead_lettered(depth: int) -> None:
    parsed = parse_record(b'{"a":' * depth + b"1" + b"}" * depth, None, ARRIVED)
    if parsed.error is None:
        (key, value), *_ = parsed.fields["attributes"].items()
        assert key.count(".") == MAX_DEPTH and isinstance(value, str)
    else:
        assert "nested too deeply" in parsed.error


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)
# Keys the reader looks at, so generated objects often hit them with every kind of value.
interesting_keys = st.sampled_from(
    [
        "msg",
        "message",
        "log",
        "level",
        "PRIORITY",
        "severityNumber",
        "time",
        "ts",
        "t",
        "name",
        "service",
        "host",
        "err",
        "error",
        "exception",
        "short_message",
        "resourceLogs",
        "attributes",
        "body",
        "@timestamp",
    ]
)
json_objects = st.dictionaries(interesting_keys | st.text(max_size=12), json_values, max_size=8)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(obj=json_objects, key=st.none() | st.binary(max_size=8), arrived=st.sampled_from([ARRIVED, None]))
def test_any_json_object_gives_an_event_or_a_reason_and_never_raises(
    obj: dict[str, Any], key: bytes | None, arrived: datetime | None
) -> None:
    parsed = parse_record(json.dumps(obj).encode(), key, arrived)
    if parsed.error is not None:
        assert parsed.error and parsed.format == "invalid" and not parsed.fields
        return
    fields = parsed.fields
    assert fields["level"] in LEVELS and isinstance(fields["message"], str)
    assert isinstance(fields["service"], str) and fields["service"]
    assert fields["timestamp"].tzinfo is not None
    json.dumps({k: v for k, v in fields.items() if k != "timestamp"}, allow_nan=False)
    for name in ("host", "logger", "trace_id", "span_id", "env", "version"):
        assert name not in fields or isinstance(fields[name], str)
    attributes = fields.get("attributes", {})
    if not all(name in obj for name in ("timestamp", "level", "service", "message")):  # ours keep theirs as sent
        assert len(attributes) <= MAX_ATTRIBUTES + 1
        for name, value in attributes.items():
            assert name and not name.startswith(".") and not name.endswith(".") and ".." not in name
            assert not isinstance(value, dict)
            assert not isinstance(value, float) or math.isfinite(value)
