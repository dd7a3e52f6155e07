"""Validation of the alert message: a bad one is refused with one sentence naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.alert import parse_alert
from core.errors import InvalidAlert
from tests.alerting.helpers import alert_dict


def test_valid_alert_parses_and_round_trips() -> None:
    raw = alert_dict(severity="critical", window_start="2025-01-01T10:00:00+02:00", extra_field=1)
    alert = parse_alert(json.dumps(raw).encode())
    assert alert.severity == "CRITICAL"
    assert alert.to_dict()["window_start"] == "2025-01-01T08:00:00.000Z"
    assert alert.key == "error-rate|payments"
    assert alert.extra == {"extra_field": 1}
    assert parse_alert(alert.to_json()) == alert


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (json.dumps({k: v for k, v in alert_dict().items() if k != "rule"}).encode(), "no 'rule' field"),
        (json.dumps(alert_dict(severity="urgent")).encode(), "'severity' must be one of LOW, MEDIUM"),
        (json.dumps(alert_dict(status="open")).encode(), "'status' must be one of firing, resolved"),
        (json.dumps(alert_dict(category="misc")).encode(), "'category' must be one of"),
        (json.dumps(alert_dict(window_end="2025-01-01T10:00:00")).encode(), "has no UTC offset"),
        (json.dumps(alert_dict(window_start="yesterday")).encode(), "RFC 3339"),
        (json.dumps(alert_dict(window_start="2099-01-01T00:00:00Z")).encode(), "before 'window_start'"),
        (json.dumps(alert_dict(value=True)).encode(), "'value' must be a number"),
        (json.dumps(alert_dict(threshold="10")).encode(), "'threshold' must be a number"),
        (json.dumps(alert_dict(samples="one line")).encode(), "'samples' must be a list of strings"),
        (json.dumps(alert_dict(alert_id="x" * 600)).encode(), "over the limit"),
        (b'{"value": NaN}', "no 'window_start' field"),
    ],
)
def test_invalid_alerts_are_refused_with_one_sentence_naming_the_problem(data: bytes, words: str) -> None:
    with pytest.raises(InvalidAlert) as info:
        parse_alert(data)
    message = str(info.value)
    assert words in message
    assert message.endswith(".") and "\n" not in message


def test_samples_beyond_three_are_dropped_and_null_service_is_allowed() -> None:
    alert = parse_alert(alert_dict(samples=["a", "b", "c", "d"], service=None, category=None))
    assert alert.samples == ("a", "b", "c")
    assert alert.service is None and alert.key == "error-rate|"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)


@given(st.dictionaries(st.sampled_from(sorted(alert_dict())), json_values, max_size=13), st.binary(max_size=40))
def test_anything_fed_to_the_parser_either_parses_or_raises_invalid_alert(fields: dict[str, Any], junk: bytes) -> None:
    for data in (json.dumps({**alert_dict(), **fields}, allow_nan=True).encode(), junk):
        try:
            parse_alert(data)
        except InvalidAlert:
            pass
