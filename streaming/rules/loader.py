"""Reads a rules YAML file and validates it against the declared options of each rule type.

The file is a mapping with ``rules`` (a list) and optional ``defaults`` (keys applied to every rule whose type
accepts them, like ElastAlert's global config). The values are validated by pydantic models that
:mod:`core.yamlfile` runs, one per rule type, built from the options the type declares (its kind, whether it
is required, its default); which keys a type takes and requires is checked first, from the same declarations,
so a message can list every missing key and the keys that are allowed. Every problem raises
:class:`RulesError` with one sentence naming the file, the key (``rules[2].window``) and the rule, like
ElastAlert's schema validation.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    create_model,
    model_validator,
)

from core.contract import CATEGORIES, LEVELS, SEVERITIES, normalise_level
from core.durations import parse_duration_ms
from core.errors import ConfigError
from core.yamlfile import read_yaml, validate
from streaming.rules.errors import RulesError
from streaming.rules.model import (
    BUCKET_MS,
    COMMON_OPTIONS,
    GROUP_FIELDS,
    RULE_TYPES,
    Match,
    Option,
    Rule,
    SilenceRule,
    SpikeRule,
    WindowRule,
)

__all__ = ["load_rules", "parse_rules"]

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")


def _known_keys(value: Any, allowed: tuple[str, ...]) -> Any:
    # pydantic's own message for an unknown key does not say which keys are allowed.
    if isinstance(value, dict):
        unknown = [key for key in value if key not in allowed]
        if unknown:
            raise ValueError(f"has an unknown key {unknown[0]!r} (allowed: {', '.join(allowed)})")
    return value


def _name(value: Any) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValueError("must be 1-100 letters, digits or _.:- starting with a letter or digit")
    return value


def _type(value: Any) -> str:
    if value not in RULE_TYPES:
        raise ValueError(f"must be one of {', '.join(RULE_TYPES)}")
    return str(value)


def _severity(value: Any) -> str:
    if not isinstance(value, str) or value.upper() not in SEVERITIES:
        raise ValueError(f"must be one of {', '.join(SEVERITIES)}")
    return value.upper()


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text")
    return value.strip()


def _bool(value: Any) -> bool:
    # Not pydantic's bool, which also takes 'no', 'off' and 0.
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _duration(value: Any) -> int:
    return parse_duration_ms(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be a whole number of 1 or more")
    return value


def _factor(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 1:
        raise ValueError("must be a number above 1 (how many times the baseline)")
    return float(value)


def _ratio(value: Any) -> float:
    number: Any = value
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = float(value.strip()[:-1]) / 100
        except ValueError:
            number = value
    if isinstance(number, bool) or not isinstance(number, int | float) or not 0 < number < 1:
        raise ValueError("must be a share between 0 and 1 or a percentage such as 5%")
    return float(number)


def _names(allowed: tuple[str, ...] | None = None) -> Callable[[Any], tuple[str, ...]]:
    def check(value: Any) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(v, str) and v.strip() for v in items):
            raise ValueError("must be a name or a non-empty list of names")
        items = [v.strip() for v in items]
        if allowed is not None and any(v not in allowed for v in items):
            raise ValueError(f"must name only {', '.join(allowed)}")
        return tuple(dict.fromkeys(items))

    return check


def _level(value: Any) -> str:
    level = normalise_level(value) if isinstance(value, str) else None
    if level is None:
        raise ValueError(f"must be a level, one of {', '.join(LEVELS)} or an alias such as warning")
    return level


def _group_by(value: Any) -> tuple[str, ...]:
    fields = _names(GROUP_FIELDS)(value)
    if len(fields) != len([value] if isinstance(value, str) else value):
        raise ValueError("names a field twice")
    return fields


_Names = Annotated[tuple[str, ...], BeforeValidator(_names())]
_MATCH_KEYS = ("service", "exclude_service", "category", "min_level")


class _MatchSpec(BaseModel):
    """The ``match`` (or ``numerator``) mapping of a rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    service: _Names = ()
    exclude_service: _Names = ()
    category: Annotated[tuple[str, ...], BeforeValidator(_names(CATEGORIES))] = ()
    min_level: Annotated[str, BeforeValidator(_level)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, value: Any) -> Any:
        return _known_keys(value, _MATCH_KEYS)

    def to_match(self) -> Match:
        return Match(self.service, self.exclude_service, self.category, self.min_level)


def _to_match(spec: _MatchSpec | None) -> Match:
    return spec.to_match() if spec is not None else Match()


# What each option kind of streaming.rules.model is in YAML, and what it becomes on the rule.
_KINDS: dict[str, Any] = {
    "name": Annotated[str, BeforeValidator(_name)],
    "type": Annotated[str, BeforeValidator(_type)],
    "severity": Annotated[str, BeforeValidator(_severity)],
    "text": Annotated[str, BeforeValidator(_text)],
    "bool": Annotated[bool, BeforeValidator(_bool)],
    "duration": Annotated[int, BeforeValidator(_duration)],
    "count": Annotated[int, BeforeValidator(_count)],
    "factor": Annotated[float, BeforeValidator(_factor)],
    "ratio": Annotated[float, BeforeValidator(_ratio)],
    "match": Annotated[_MatchSpec | None, AfterValidator(_to_match)],
    "group_by": Annotated[tuple[str, ...], BeforeValidator(_group_by)],
}


def _options(cls: type[Rule]) -> dict[str, Option]:
    return {**COMMON_OPTIONS, **cls.options}


def _spec(cls: type[Rule]) -> type[BaseModel]:
    """The pydantic model of one rule type, from the options it declares."""
    fields: dict[str, Any] = {
        key: (_KINDS[option.kind], ... if option.required else Field(default=option.default))
        for key, option in _options(cls).items()
    }
    config = ConfigDict(frozen=True, extra="forbid")
    return create_model(f"{cls.__name__}Spec", __config__=config, **fields)


def _tag(value: Any) -> str | None:
    kind = value.get("type") if isinstance(value, dict) else None
    return RULE_TYPES[kind].__name__ if kind in RULE_TYPES else None


# Tags are the classes' names: core.yamlfile leaves capitalised location parts out of the key it names.
_SPECS: Any = tuple(Annotated[_spec(cls), Tag(cls.__name__)] for cls in RULE_TYPES.values())
_RULE_SPEC: Any = Annotated[Union[_SPECS], Discriminator(_tag)]  # noqa: UP007 (the members are built at runtime)


class _RulesShape(BaseModel):
    """The file's layout: a list of rule mappings and the defaults (read before the rules themselves)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: list[dict[str, Any]]
    defaults: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, value: Any) -> Any:
        return _known_keys(value, ("rules", "defaults"))


# The rules themselves, once their declared keys are checked and the defaults are merged in.
_RULES_FILE = create_model(
    "_RulesFile", __config__=ConfigDict(frozen=True, extra="forbid"), rules=(list[_RULE_SPEC], ...)
)


def _check_declared(item: dict[str, Any], where: str, label: str) -> None:
    """The keys a rule's type takes and requires (one message lists all that are missing)."""
    kind = item.get("type")
    if kind not in RULE_TYPES:
        raise RulesError(f"{where}.type{label} must be one of {', '.join(RULE_TYPES)}, got {kind!r}.")
    options = _options(RULE_TYPES[kind])
    unknown = [key for key in item if key not in options]
    if unknown:
        raise RulesError(
            f"{where}.{sorted(unknown)[0]}{label} is not an option of {kind} rules; "
            f"use one of {', '.join(sorted(options))}."
        )
    missing = [key for key, option in options.items() if option.required and key not in item]
    if missing:
        raise RulesError(f"{where}{label} is missing required key{'s' * (len(missing) > 1)} {', '.join(missing)}.")


def _label(item: Any) -> str:
    return f" (rule {item['name']!r})" if isinstance(item, dict) and isinstance(item.get("name"), str) else ""


def _labelled(message: str, source: str, items: list[dict[str, Any]]) -> str:
    """Name the rule after the key a core.yamlfile message names (``rules[2].window (rule 'burst')``)."""
    key = re.search(r"rules\[(\d+)\](?:\.\w+|\[\d+\])*", message[len(source) :])
    if key is None or int(key.group(1)) >= len(items):
        return message
    end = len(source) + key.end()
    return message[:end] + _label(items[int(key.group(1))]) + message[end:]


def _field_name(key: str, option: Option) -> str:
    # Durations carry their unit in the field name: `window` in YAML is `window_ms` on the rule.
    return f"{key}_ms" if option.kind == "duration" else key


def _rule(spec: BaseModel, where: str, label: str) -> tuple[Rule, bool]:
    """The rule a validated spec describes, after the checks that involve more than one option."""
    values = {key: getattr(spec, key) for key in type(spec).model_fields}
    cls = RULE_TYPES[values.pop("type")]
    enabled = bool(values.pop("enabled"))
    options = _options(cls)
    rule = cls(**{_field_name(key, options[key]): value for key, value in values.items()})
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


def _with_defaults(item: dict[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    if item.get("type") not in RULE_TYPES:
        return item
    own = _options(RULE_TYPES[item["type"]])
    return {**{k: v for k, v in defaults.items() if k in own}, **item}


def parse_rules(raw: Any, source: str) -> list[Rule]:
    """Validate already-parsed YAML content into rules (disabled ones left out).

    :param raw: the file's content as YAML data.
    :param source: the file name errors mention.
    :raises RulesError: one sentence naming file and key.
    """
    try:
        shape = validate(_RulesShape, raw, source)
    except ConfigError as exc:
        raise RulesError(str(exc)) from exc
    accepted = set(COMMON_OPTIONS).union(*(cls.options for cls in RULE_TYPES.values())) - {"name", "type"}
    defaults = shape.defaults or {}
    stray = sorted(set(defaults) - accepted)
    if stray:
        raise RulesError(f"{source}: defaults.{stray[0]} is not an option of any rule type; remove it.")
    items = [_with_defaults(item, defaults) for item in shape.rules]
    for i, item in enumerate(items):
        _check_declared(item, f"{source}: rules[{i}]", _label(item))
    try:
        specs: list[BaseModel] = validate(_RULES_FILE, {"rules": items}, source).rules  # type: ignore[attr-defined]
    except ConfigError as exc:
        raise RulesError(_labelled(str(exc), source, items)) from exc
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, (item, spec) in enumerate(zip(items, specs, strict=True)):
        where = f"{source}: rules[{i}]"
        rule, enabled = _rule(spec, where, _label(item))
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
        raw = read_yaml(path, "rules file")
    except ConfigError as exc:
        raise RulesError(str(exc)) from exc
    rules = parse_rules(raw, str(path))
    logger.info('rules loaded file="%s" rules=%d names="%s"', path, len(rules), ",".join(r.name for r in rules))
    return rules
