"""Event building: levels, timestamps, fields, stringified extras, truncation."""

from __future__ import annotations

import json
import logging
import math
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from producers.assemble import Assembler, Drop
from producers.event import fit, normalize_level, truncate_raw, utc_timestamp
from tests.producers.helpers import assert_event_schema


def _asm(limit: int = 32 * 1024) -> Assembler:
    return Assembler("svc", {"host": "h1", "env": "test"}, limit)


def _event(asm: Assembler, level: str = "INFO", message: str = "m", **fields: object) -> dict[str, object]:
    _key, payload, _cut = (
        asm.from_fields(level, message, dict(fields))
        if fields
        else (
            asm.key,
            *asm.build(utc_timestamp(0.5), level, message, asm.service_part, asm.static_part, None),
        )
    )
    return json.loads(payload)


def test_levels_and_aliases_normalise_to_the_six_design_levels() -> None:
    assert normalize_level("warning") == "WARN"
    assert normalize_level("FATAL") == "CRITICAL"
    assert normalize_level("err") == "ERROR"
    assert normalize_level("notice") == "INFO"
    assert normalize_level(" Severe ") == "ERROR"
    assert normalize_level(logging.WARNING) == "WARN"
    assert normalize_level(5) == "TRACE"
    assert normalize_level(25) == "INFO"
    assert normalize_level(99) == "CRITICAL"
    assert normalize_level("no-such-level") == "INFO"


def test_timestamp_is_rfc3339_utc_with_offset_and_microseconds() -> None:
    moment = datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=UTC)
    text = utc_timestamp(moment.timestamp())
    assert text == "2024-02-29T23:59:59.999999+00:00"
    assert datetime.fromisoformat(text) == moment
    # The cached second prefix must not leak into the next second.
    assert utc_timestamp((moment + timedelta(microseconds=1)).timestamp()).startswith("2024-03-01T00:00:00.0000")


@given(st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False))
def test_timestamp_round_trips_within_a_microsecond(epoch: float) -> None:
    parsed = datetime.fromisoformat(utc_timestamp(epoch))
    assert abs(parsed.timestamp() - epoch) < 2e-6


def test_fields_go_to_their_place_and_extras_to_attributes() -> None:
    asm = _asm()
    event = _event(
        asm,
        "ERROR",
        "boom",
        logger="app.db",
        trace_id="t1",
        span_id="s1",
        version="1.2",
        user_id=7,
        attributes={"a": 1},
        service="other",
        env="prod",
    )
    assert_event_schema(event)
    assert event["logger"] == "app.db" and event["trace_id"] == "t1" and event["span_id"] == "s1"
    assert event["service"] == "other" and event["env"] == "prod" and event["host"] == "h1"
    assert event["attributes"] == {"a": 1, "user_id": 7}
    key, _payload, _ = asm.from_fields("INFO", "x", {"service": "other"})
    assert key == b"other"


def test_plain_fast_path_event_matches_the_contract() -> None:
    event = _event(_asm(), "WARN", 'quote " backslash \\ newline \n tab \t ünïcødé 🎵 \x00')
    assert_event_schema(event)
    assert event["message"].endswith("🎵 \x00")


def test_non_serialisable_extras_are_stringified_not_fatal() -> None:
    class Weird:
        def __str__(self) -> str:
            return "weird-thing"

    class Hostile:
        def __str__(self) -> str:
            raise RuntimeError("no")

    cyclic: dict[str, object] = {}
    cyclic["self"] = cyclic
    event = _event(
        _asm(),
        obj=Weird(),
        hostile=Hostile(),
        nan=math.nan,
        when=datetime(2024, 1, 1),
        raw=b"\xffbytes",
        cyc=cyclic,
        tup=(1, 2),
        keys={(1, 2): "tuple key"},
        huge=10**5000,  # audit L8: dropped the whole event as serialize_error
    )
    attrs = event["attributes"]
    assert attrs["obj"] == "weird-thing"
    assert attrs["hostile"] == "<unserialisable Hostile>"
    assert attrs["nan"] == "nan"
    assert attrs["when"] == "2024-01-01T00:00:00"
    assert attrs["raw"] == "\ufffdbytes"
    assert "cyclic" in attrs["cyc"]["self"]
    assert attrs["tup"] == [1, 2]
    assert attrs["keys"] == {"(1, 2)": "tuple key"}
    assert attrs["huge"] == "<int of 16610 bits omitted>"


def test_exception_instances_become_type_message_stacktrace() -> None:
    try:
        raise KeyError("missing-key")
    except KeyError as exc:
        event = _event(_asm(), "ERROR", "failed", exception=exc)
    assert event["exception"]["type"] == "KeyError"
    assert event["exception"]["message"] == "'missing-key'"
    assert "Traceback (most recent call last)" in event["exception"]["stacktrace"]
    assert "test_exception_instances_become_type_message_stacktrace" in event["exception"]["stacktrace"]


def test_oversize_message_is_truncated_with_a_visible_marker_and_fits() -> None:
    asm = _asm(limit=4096)
    _key, payload, cut = asm.from_fields("INFO", "x" * 100_000, {"user": "u1"})
    assert cut and len(payload) <= 4096
    event = json.loads(payload)
    assert_event_schema(event)
    assert "…[truncated " in event["message"]
    assert event["attributes"]["user"] == "u1"
    assert event["attributes"]["truncated_from_bytes"] > 100_000


def test_oversize_attributes_and_stacktrace_are_cut_largest_first() -> None:
    asm = _asm(limit=2048)
    big = {"blob": "y" * 50_000, "nested": {"list": list(range(5000))}, "small": "keep"}
    _key, payload, cut = asm.from_fields(
        "ERROR",
        "short message",
        {"attributes": big, "exception": {"type": "E", "message": "m", "stacktrace": "z" * 20_000}},
    )
    assert cut and len(payload) <= 2048
    event = json.loads(payload)
    assert event["message"] == "short message"
    assert event["attributes"]["small"] == "keep"


def test_an_event_that_cannot_fit_is_dropped_as_oversize() -> None:
    asm = Assembler("s" * 3000, {"host": "h"}, 1024)
    try:
        asm.build(utc_timestamp(0), "INFO", "m", asm.service_part, asm.static_part, None)
    except Drop as drop:
        assert drop.reason == "oversize"
    else:
        raise AssertionError("expected a Drop")


@settings(max_examples=150, deadline=None)
@given(
    message=st.text(max_size=6000),
    attrs=st.dictionaries(
        st.text(max_size=20),
        st.one_of(
            st.text(max_size=3000),
            st.integers(),
            st.floats(allow_nan=True),
            st.none(),
            st.lists(st.text(max_size=50), max_size=50),
        ),
        max_size=8,
    ),
    limit=st.integers(min_value=1024, max_value=8192),
)
def test_any_event_is_valid_json_within_the_limit(message: str, attrs: dict[str, object], limit: int) -> None:
    asm = _asm(limit)
    try:
        _key, payload, cut = asm.from_fields("INFO", message, {"attributes": attrs})
    except Drop as drop:
        assert drop.reason == "oversize"
        return
    assert len(payload) <= limit
    event = json.loads(payload.decode("utf-8"))
    assert_event_schema(event)
    if not cut:
        assert event["message"] == message.encode("utf-8", "replace").decode("utf-8")


def test_fit_keeps_identity_fields_when_attributes_must_go() -> None:
    event = {
        "timestamp": "t",
        "level": "INFO",
        "service": "s",
        "message": "m",
        "attributes": {str(i): i for i in range(3000)},
    }
    payload = json.dumps(event).encode()
    fitted = fit(event, payload, 1024)
    assert fitted is not None and len(fitted) <= 1024
    out = json.loads(fitted)
    assert out["attributes"]["attributes_dropped"] is True and out["service"] == "s"


def test_raw_lines_are_cut_on_a_character_boundary_with_a_marker() -> None:
    line = ("é" * 3000).encode("utf-8")
    cut = truncate_raw(line, 1024)
    assert len(cut) <= 1024
    text = cut.decode("utf-8")
    assert text.endswith("bytes]") and "…[truncated " in text
    assert truncate_raw(b"short", 1024) == b"short"
