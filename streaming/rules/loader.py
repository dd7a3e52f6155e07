"""Reads a rules YAML file and validates it against the declared options of each rule type.

The file is a mapping with ``rules`` (a list) and optional ``defaults`` (keys applied to every rule whose type
accepts them, like ElastAlert's global config). Every problem raises :class:`RulesError` with one sentence
naming the file, the key (``rules[2].window``) and the rule, like ElastAlert's schema validation.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from streaming.levels import normalise_level
from streaming.rules.errors import RulesError
from streaming.rules.model import (
    BUCKET_MS,
    CATEGORIES,
    COMMON_OPTIONS,
    GROUP_FIELDS,
    RULE_TYPES,
    SEVERITIES,
    Match,
    Option,
    Rule,
    SilenceRule,
    SpikeRule,
    WindowRule,
)

__all__ = ["load_rules", "parse_rules", "parse_duration_ms"]

logger = logging.getLogger(__name__)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, None: 1000}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")
_TOP_KEYS = ("rules", "defaults")
_MATCH_KEYS = ("service", "exclude_service", "category", "min_level")


class _Invalid(ValueError):
    """A value is wrong; the message completes 'KEY ...' into one sentence."""


def parse_duration_ms(value: Any) -> int:
    """Milliseconds in ``90`` (seconds), ``90s``, ``5m``, ``1h``, ``1d`` or ``500ms``.

    :raises ValueError: the value is not a positive duration.
    """
    if isinstance(value, bool):
        raise _Invalid(f"must be a duration such as 30s, 5m or 1h, got {value!r}")
    match = _DURATION.match(str(value))
    if not match:
        raise _Invalid(f"must be a duration such as 30s, 5m or 1h, got {value!r}")
    ms = round(float(match.group(1)) * _UNIT_MS[match.group(2)])
    if ms <= 0:
        raise _Invalid(f"must be a positive duration, got {value!r}")
    return ms


def _name(value: Any) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise _Invalid(f"must be 1-100 letters, digits or _.:- starting with a letter or digit, got {value!r}")
    return value


def _type(value: Any) -> str:
    if value not in RULE_TYPES:
        raise _Invalid(f"must be one of {', '.join(RULE_TYPES)}, got {value!r}")
    return str(value)


def _severity(value: Any) -> str:
    if not isinstance(value, str) or value.upper() not in SEVERITIES:
        raise _Invalid(f"must be one of {', '.join(SEVERITIES)}, got {value!r}")
    return value.upper()


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"must be text, got {value!r}")
    return value.strip()


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"must be true or false, got {value!r}")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Invalid(f"must be a whole number of 1 or more, got {value!r}")
    return value


def _factor(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 1:
        raise _Invalid(f"must be a number above 1 (how many times the baseline), got {value!r}")
    return float(value)


def _ratio(value: Any) -> float:
    number: Any = value
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = float(value.strip()[:-1]) / 100
        except ValueError:
            number = value
    if isinstance(number, bool) or not isinstance(number, int | float) or not 0 < number < 1:
        raise _Invalid(f"must be a share between 0 and 1 or a percentage such as 5%, got {value!r}")
    return float(number)


def _strings(value: Any, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise _Invalid(f"must be a name or a non-empty list of names, got {value!r}")
    items = [v.strip() for v in items]
    if allowed is not None:
        bad = [v for v in items if v not in allowed]
        if bad:
            raise _Invalid(f"must name only {', '.join(allowed)}, got {bad[0]!r}")
    return tuple(dict.fromkeys(items))


def _match(value: Any) -> Match:
    if value is None:
        return Match()
    if not isinstance(value, dict):
        raise _Invalid(f"must be a mapping with keys among {', '.join(_MATCH_KEYS)}, got {value!r}")
    unknown = sorted(set(value) - set(_MATCH_KEYS))
    if unknown:
        raise _Invalid(f"has unknown key {unknown[0]!r}; use {', '.join(_MATCH_KEYS)}")
    level = None
    if value.get("min_level") is not None:
        level = normalise_level(str(value["min_level"]))
        if level is None:
            raise _Invalid(f"has an unknown min_level {value['min_level']!r}; use e.g. WARN or ERROR")
    return Match(
        services=_strings(value["service"]) if "service" in value else (),
        exclude_services=_strings(value["exclude_service"]) if "exclude_service" in value else (),
        categories=_strings(value["category"], CATEGORIES) if "category" in value else (),
        min_level=level,
    )


def _group_by(value: Any) -> tuple[str, ...]:
    fields = _strings(value, GROUP_FIELDS)
    if len(fields) != len([value] if isinstance(value, str) else value):
        raise _Invalid(f"names a field twice: {value!r}")
    return fields


_KINDS: dict[str, Callable[[Any], Any]] = {
    "name": _name,
    "type": _type,
    "severity": _severity,
    "text": _text,
    "bool": _bool,
    "duration": parse_duration_ms,
    "count": _count,
    "factor": _factor,
    "ratio": _ratio,
    "match": _match,
    "group_by": _group_by,
}


def _field_name(key: str, option: Option) -> str:
    # Durations carry their unit in the field name: `window` in YAML is `window_ms` on the rule.
    return f"{key}_ms" if option.kind == "duration" else key


def _parse_rule(raw: Any, where: str) -> tuple[Rule, bool]:
    if not isinstance(raw, dict):
        raise RulesError(f"{where} must be a mapping of rule options, got {type(raw).__name__}.")
    label = f" (rule {raw['name']!r})" if isinstance(raw.get("name"), str) else ""
    kind = raw.get("type")
    if kind not in RULE_TYPES:
        problem = _Invalid(f"must be one of {', '.join(RULE_TYPES)}, got {kind!r}")
        raise RulesError(f"{where}.type{label} {problem}.")
    cls = RULE_TYPES[kind]
    options = {**COMMON_OPTIONS, **cls.options}
    unknown = sorted(set(raw) - set(options))
    if unknown:
        raise RulesError(
            f"{where}.{unknown[0]}{label} is not an option of {kind} rules; use one of {', '.join(sorted(options))}."
        )
    missing = [key for key, option in options.items() if option.required and key not in raw]
    if missing:
        raise RulesError(f"{where}{label} is missing required key{'s' * (len(missing) > 1)} {', '.join(missing)}.")
    values: dict[str, Any] = {}
    for key, option in options.items():
        if key not in raw:
            values[_field_name(key, option)] = option.default
            continue
        try:
            values[_field_name(key, option)] = _KINDS[option.kind](raw[key])
        except _Invalid as exc:
            raise RulesError(f"{where}.{key}{label} {exc}.") from None
    enabled = bool(values.pop("enabled"))
    values.pop("type")
    rule = cls(**values)
    if isinstance(rule, WindowRule) and (rule.window_ms % BUCKET_MS or rule.slide_ms % BUCKET_MS):
        key = "window" if rule.window_ms % BUCKET_MS else "slide"
        raise RulesError(f"{where}.{key}{label} must be a whole number of seconds.")
    if (
        isinstance(rule, WindowRule)
        and rule.slide_ms
        and (rule.slide_ms > rule.window_ms or rule.window_ms % rule.slide_ms)
    ):
        raise RulesError(f"{where}.slide{label} must divide the window evenly (e.g. window 1m, slide 10s).")
    if isinstance(rule, SilenceRule | SpikeRule):
        floor_ms = rule.silent_for_ms if isinstance(rule, SilenceRule) else rule.window_ms * (rule.baseline_windows + 1)
        if rule.forget_after_ms <= floor_ms:
            raise RulesError(f"{where}.forget_after{label} must be longer than the time the rule looks back.")
    return rule, enabled


def parse_rules(raw: Any, source: str) -> list[Rule]:
    """Validate already-parsed YAML content into rules (disabled ones left out).

    :param raw: the file's content as YAML data.
    :param source: the file name errors mention.
    :raises RulesError: one sentence naming file and key.
    """
    if not isinstance(raw, dict):
        raise RulesError(f"{source}: the top level must be a mapping with a 'rules' list.")
    unknown = sorted(set(raw) - set(_TOP_KEYS))
    if unknown:
        raise RulesError(f"{source}: unknown top-level key {unknown[0]!r}; use {' or '.join(_TOP_KEYS)}.")
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise RulesError(f"{source}: defaults must be a mapping of rule options.")
    accepted = set(COMMON_OPTIONS).union(*(cls.options for cls in RULE_TYPES.values())) - {"name", "type"}
    stray = sorted(set(defaults) - accepted)
    if stray:
        raise RulesError(f"{source}: defaults.{stray[0]} is not an option of any rule type; remove it.")
    items = raw.get("rules")
    if not isinstance(items, list):
        raise RulesError(f"{source}: rules must be a list of rules.")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"{source}: rules[{i}]"
        if isinstance(item, dict) and item.get("type") in RULE_TYPES:
            own = {**COMMON_OPTIONS, **RULE_TYPES[item["type"]].options}
            item = {**{k: v for k, v in defaults.items() if k in own}, **item}
        rule, enabled = _parse_rule(item, where)
        if rule.name in seen:
            raise RulesError(f"{where}.name {rule.name!r} is used by an earlier rule; rule names must be unique.")
        seen.add(rule.name)
        if enabled:
            rules.append(rule)
    return rules


def load_rules(path: Path) -> list[Rule]:
    """Load and validate the rules file at ``path``; disabled rules are left out.

    :param path: a YAML file (see streaming/rules.yaml for the format).
    :raises RulesError: the file cannot be read, is not YAML, or a rule is invalid (naming file and key).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"Cannot read rules file {path}: {exc}; check the path.") from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid syntax"
        raise RulesError(f"{path}: invalid YAML{at} ({problem}); fix the syntax.") from exc
    rules = parse_rules(raw, str(path))
    logger.info('rules loaded file="%s" rules=%d names="%s"', path, len(rules), ",".join(r.name for r in rules))
    return rules
