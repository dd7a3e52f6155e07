"""Rules files: the default set loads, and every mistake is one sentence naming the file and the key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import streaming.rules
from streaming.errors import StreamingError
from streaming.rules import (
    DEFAULT_RULES_FILE,
    RULE_TYPES,
    Match,
    RatioRule,
    RulesError,
    SilenceRule,
    SpikeRule,
    ThresholdRule,
    load_rules,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(RulesError) as info:
        load_rules(path)
    message = str(info.value)
    assert str(path) in message, message
    assert message.count(". ") == 0 or "e.g." in message, f"not one sentence: {message}"
    return message


THRESHOLD = """
rules:
  - name: burst
    type: threshold
    severity: high
    window: 1m
    threshold: 20
"""


def test_public_names_have_not_drifted() -> None:
    assert sorted(streaming.rules.__all__) == [
        "BatchProcessor",
        "DEFAULT_RULES_FILE",
        "Match",
        "RULE_TYPES",
        "RatioRule",
        "Rule",
        "RulesError",
        "SilenceRule",
        "SpikeRule",
        "ThresholdRule",
        "load_rules",
    ]
    assert issubclass(RulesError, StreamingError)


def test_default_rules_load_and_cover_every_type() -> None:
    rules = load_rules(DEFAULT_RULES_FILE)
    assert {type(r) for r in rules} == set(RULE_TYPES.values())
    by_name = {r.name: r for r in rules}
    burst = by_name["security-errors-burst"]
    assert isinstance(burst, ThresholdRule)
    assert burst.match == Match(categories=("security",), min_level="ERROR")
    assert (burst.window_ms, burst.slide_ms, burst.threshold, burst.lateness_ms) == (60_000, 10_000, 20, 30_000)
    assert burst.step_ms == 10_000
    payment = by_name["payment-error-ratio"]
    assert isinstance(payment, RatioRule) and payment.ratio == 0.05 and payment.match.services == ("payment",)
    assert by_name["error-ratio"].match.exclude_services == ("payment",)


def test_a_minimal_rule_gets_the_documented_defaults(tmp_path: Path) -> None:
    (rule,) = load_rules(write(tmp_path, THRESHOLD))
    assert rule == ThresholdRule(name="burst", severity="HIGH", window_ms=60_000, threshold=20)
    assert rule.group_by == ("service",) and rule.lateness_ms == 30_000 and rule.match == Match()


def test_defaults_apply_to_rules_whose_type_accepts_them(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        defaults: {lateness: 5s, min_events: 7, group_by: [service, host]}
        rules:
          - {name: quiet, type: silence, severity: LOW, silent_for: 90}
          - {name: burst, type: threshold, severity: LOW, window: 30s, threshold: 3, lateness: 1s}
          - {name: muted, type: threshold, severity: LOW, window: 30s, threshold: 3, enabled: false}
          - name: jump
            type: spike
            severity: MEDIUM
            window: 2s
            factor: 2.5
            baseline_windows: 6
            match: {service: [a, b], min_level: warning, category: performance}
        """,
    )
    quiet, burst, jump = load_rules(path)
    assert isinstance(quiet, SilenceRule) and quiet.min_events == 7 and quiet.silent_for_ms == 90_000
    assert quiet.lateness_ms == 5000 and quiet.group_by == ("service", "host")
    assert isinstance(burst, ThresholdRule) and burst.lateness_ms == 1000
    assert isinstance(jump, SpikeRule) and jump.window_ms == 2000 and jump.factor == 2.5 and jump.min_events == 7
    assert jump.match == Match(services=("a", "b"), categories=("performance",), min_level="WARN")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("300ms", 300),
        ("90", 90_000),
        ("1.5s", 1500),
        ("5m", 300_000),
        ("2h", 7_200_000),
        ("1d", 86_400_000),
        (30, 30_000),
    ],
)
def test_durations_are_read_by_the_core_parser(tmp_path: Path, text: str | int, expected: int) -> None:
    (rule,) = load_rules(write(tmp_path, THRESHOLD + f"    lateness: {text}\n"))
    assert rule.lateness_ms == expected


@pytest.mark.parametrize(
    ("replace", "fragments"),
    [
        (
            "window: 1m",
            ["rules[0].window", "'burst'", "duration", "'1 minute'"],
        ),
        ("threshold: 20", ["rules[0].threshold", "whole number", "0"]),
        ("severity: high", ["rules[0].severity", "LOW, MEDIUM, HIGH, CRITICAL", "'urgent'"]),
        ("type: threshold", ["rules[0].type", "threshold, ratio, spike, silence", "'treshold'"]),
        ("name: burst", ["rules[0].name", "'two words'"]),
    ],
)
def test_a_bad_value_names_file_key_and_rule(tmp_path: Path, replace: str, fragments: list[str]) -> None:
    bad = {
        "window: 1m": "window: 1 minute",
        "threshold: 20": "threshold: 0",
        "severity: high": "severity: urgent",
        "type: threshold": "type: treshold",
        "name: burst": "name: two words",
    }[replace]
    message = error_of(tmp_path, THRESHOLD.replace(replace, bad))
    for fragment in fragments:
        assert fragment in message, message


def test_missing_required_keys_are_all_listed(tmp_path: Path) -> None:
    message = error_of(tmp_path, "rules:\n  - {name: r, type: ratio, severity: LOW, window: 5m}\n")
    assert "rules[0] (rule 'r') is missing required keys numerator, ratio, min_events" in message


def test_an_unknown_key_is_named_with_the_keys_the_type_accepts(tmp_path: Path) -> None:
    message = error_of(tmp_path, THRESHOLD + "    treshold: 3\n")
    assert "rules[0].treshold (rule 'burst') is not an option of threshold rules" in message
    assert "threshold" in message.split("use one of")[1]


@pytest.mark.parametrize(
    ("extra", "key", "fragment"),
    [
        ("match: {level: ERROR}", "rules[0].match", "unknown key 'level'"),
        (
            "match: {min_level: LOUD}",
            "rules[0].match.min_level",
            "must be a level, one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL or an alias such as warning, got 'LOUD'",
        ),
        ("match: {category: secrets}", "rules[0].match", "'secrets'"),
        ("match: [a]", "rules[0].match", "mapping"),
        ("group_by: [service, service]", "rules[0].group_by", "twice"),
        ("group_by: user", "rules[0].group_by", "'user'"),
        ("enabled: 'no'", "rules[0].enabled", "true or false"),
        ("lateness: -1s", "rules[0].lateness", "duration"),
    ],
)
def test_common_options_are_validated(tmp_path: Path, extra: str, key: str, fragment: str) -> None:
    message = error_of(tmp_path, THRESHOLD + f"    {extra}\n")
    assert key in message and fragment in message, message


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("{name: r, type: ratio, severity: LOW, window: 1m, numerator: {}, ratio: 5, min_events: 1}", "ratio"),
        ("{name: r, type: ratio, severity: LOW, window: 1m, numerator: {}, ratio: 'x%', min_events: 1}", "'x%'"),
        ("{name: r, type: spike, severity: LOW, window: 1m, factor: 1, baseline_windows: 3, min_events: 1}", "above 1"),
        ("{name: r, type: silence, severity: LOW, silent_for: 1h, forget_after: 30m}", "forget_after"),
        ("{name: r, type: threshold, severity: LOW, window: 1m, slide: 7s, threshold: 1}", "slide"),
        (
            "{name: r, type: threshold, severity: LOW, window: 1500ms, threshold: 1}",
            "window (rule 'r') must be a whole",
        ),
        ("{name: r, type: threshold, severity: LOW, window: 1m, slide: 2m, threshold: 1}", "divide"),
        (
            "{name: r, type: spike, severity: LOW, window: 1m, slide: 10s, factor: 2, baseline_windows: 3, "
            "min_events: 1}",
            "rules[0].slide (rule 'r') is not an option of spike rules",
        ),
    ],
)
def test_type_options_are_validated(tmp_path: Path, rule: str, fragment: str) -> None:
    message = error_of(tmp_path, f"rules:\n  - {rule}\n")
    assert "rules[0]" in message and fragment in message, message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("rules: [\n  {name: a\n", "is not valid YAML at line 3"),
        ("- just a list\n", "top level must be a mapping"),
        ("rule: []\n", "the top level: has an unknown key 'rule' (allowed: rules, defaults)"),
        ("rules: {a: 1}\n", "rules: input should be a valid list"),
        ("rules: [3]\n", "rules[0] must be a mapping"),
        ("defaults: {window: 1m, colour: red}\nrules: []\n", "defaults.colour"),
        (THRESHOLD + THRESHOLD.split("rules:")[1], "rules[1].name 'burst' is used by an earlier rule"),
    ],
)
def test_file_level_mistakes(tmp_path: Path, text: str, fragment: str) -> None:
    assert fragment in error_of(tmp_path, text)


def test_an_unreadable_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(
        RulesError,
        match=r"Cannot read the rules file .*missing\.yaml \(No such file or directory\): create it or fix the path\.$",
    ):
        load_rules(tmp_path / "missing.yaml")
