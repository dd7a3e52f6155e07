"""The routes file: receivers (where messages go) and routes (which alerts go where, grouped and paced how).

Modelled on Alertmanager's route tree flattened into a list. The file is validated like every YAML file of
logwatch (:mod:`core.yamlfile`, pydantic models): every error is one sentence naming the file, the key and
what is allowed. Every route whose matchers fit an alert receives it, in file order, until a
matching route says ``stop: true``.

    receivers:
      oncall-telegram: {type: telegram, chat_id: "${TELEGRAM_ONCALL_CHAT_ID}"}
      team-slack: {type: slack, channel: "#alerts"}
    routes:
      - {name: oncall, receiver: oncall-telegram, min_severity: HIGH, group_wait_s: 10}
      - {name: team, receiver: team-slack, group_wait_s: 30, repeat_interval_s: 3600}

``${VAR}`` in a receiver option reads the environment. Secrets never appear in the file: a receiver names the
environment variables that hold them (``token_env``...), with defaults per sender type. A receiver whose
secrets or ``${VAR}`` values are missing is replaced by the log sender, with one warning line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from alerting.errors import RoutesError
from alerting.senders import SENDERS, LogSender, Secret, Sender
from core.alert import Alert
from core.contract import CATEGORIES, SEVERITIES
from core.errors import ConfigError
from core.yamlfile import read_yaml, validate

__all__ = ["Route", "Routing", "load_routes", "parse_routes"]

logger = logging.getLogger(__name__)

_GROUP_BY = ("rule", "service", "category", "severity")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Route:
    """One route: matchers (empty means any), its receiver, and how alerts on it are grouped and paced."""

    name: str
    receiver: str
    severities: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()
    group_wait_s: float = 0.0
    group_by: tuple[str, ...] = ()
    repeat_interval_s: float = 3600.0
    send_resolved: bool = True
    stop: bool = False

    def matches(self, alert: Alert) -> bool:
        return (
            (not self.severities or alert.severity in self.severities)
            and (not self.categories or (alert.category or "") in self.categories)
            and (not self.services or (alert.service or "") in self.services)
            and (not self.rules or alert.rule in self.rules)
        )

    def group_key(self, alert: Alert) -> tuple[str, ...]:
        return tuple(str(getattr(alert, name) or "") for name in self.group_by)


@dataclass
class Routing:
    """Routes in file order and the sender of each receiver."""

    routes: tuple[Route, ...]
    receivers: dict[str, Sender]

    def match(self, alert: Alert) -> list[Route]:
        matched = []
        for route in self.routes:
            if route.matches(alert):
                matched.append(route)
                if route.stop:
                    break
        return matched

    def route(self, name: str) -> Route:
        for route in self.routes:
            if route.name == name:
                return route
        raise RoutesError(
            f"There is no route named {name!r}; the routes are: {', '.join(r.name for r in self.routes)}."
        )

    def close(self) -> None:
        for sender in self.receivers.values():
            sender.close()


def _names(value: Any) -> Any:
    """One name, or a list of names, as a list (matchers may be written either way)."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise ValueError("must be a string or a list of strings")
    return value


def _one_of(allowed: Sequence[str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return check


def _seconds(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError("must be a number of seconds, 0 or more")
    return value


_Names = Annotated[list[str], BeforeValidator(_names)]
_Severity = Annotated[str, AfterValidator(_one_of(SEVERITIES))]
_Seconds = Annotated[float, BeforeValidator(_seconds)]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _RouteSpec(_Spec):
    name: str = Field(min_length=1)
    receiver: str = Field(min_length=1)
    severity: Annotated[list[_Severity], BeforeValidator(_names)] = []
    min_severity: _Severity | None = None
    category: Annotated[list[Annotated[str, AfterValidator(_one_of(CATEGORIES))]], BeforeValidator(_names)] = []
    service: _Names = []
    rule: _Names = []
    group_wait_s: _Seconds = 0.0
    group_by: Annotated[list[Annotated[str, AfterValidator(_one_of(_GROUP_BY))]], BeforeValidator(_names)] = []
    repeat_interval_s: _Seconds = 3600.0
    send_resolved: StrictBool = True
    stop: StrictBool = False

    def route(self) -> Route:
        severities = frozenset(self.severity)
        if self.min_severity is not None:
            at_least = frozenset(SEVERITIES[SEVERITIES.index(self.min_severity) :])
            severities = at_least & severities if severities else at_least
        return Route(
            name=self.name,
            receiver=self.receiver,
            severities=severities,
            categories=frozenset(self.category),
            services=frozenset(self.service),
            rules=frozenset(self.rule),
            group_wait_s=self.group_wait_s,
            group_by=tuple(sorted(set(self.group_by))),
            repeat_interval_s=self.repeat_interval_s,
            send_resolved=self.send_resolved,
            stop=self.stop,
        )


class _ReceiverSpec(BaseModel):
    # The keys besides ``type`` depend on the sender type; _receiver checks them against the sender's own list.
    model_config = ConfigDict(frozen=True, extra="allow")

    type: Annotated[str, AfterValidator(_one_of(sorted(SENDERS)))]


class _RoutesFile(_Spec):
    receivers: dict[str, _ReceiverSpec] = Field(min_length=1)
    routes: list[_RouteSpec] = Field(min_length=1)


def _expand(value: Any, env: Mapping[str, str], unset: list[str]) -> Any:
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        if not env.get(match.group(1)):
            unset.append(match.group(1))
            return ""
        return env[match.group(1)]

    return _VAR.sub(one, value)


def _receiver(name: str, spec: _ReceiverSpec, where: str, env: Mapping[str, str], timeout_s: float) -> Sender:
    cls = SENDERS[spec.type]
    raw = dict(spec.model_extra or {})
    env_keys = {f"{c}_env" for c in cls.credentials}
    allowed = {*cls.required_options, *cls.optional_options, *env_keys}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise RoutesError(
            f"{where} has unknown key {unknown[0]!r} for type {cls.type_name}; allowed: {', '.join(sorted(allowed))}."
        )
    unset: list[str] = []
    options = {k: _expand(v, env, unset) for k, v in raw.items() if k not in env_keys}
    secrets = {
        cred: Secret(env.get(str(raw.get(f"{cred}_env") or default), "")) for cred, default in cls.credentials.items()
    }
    missing_vars = unset + (
        [] if cls.credentials_present(secrets) else [str(raw.get(f"{c}_env") or d) for c, d in cls.credentials.items()]
    )
    if missing_vars:
        logger.warning(
            'receiver disabled, using the log sender receiver="%s" type="%s" missing_env="%s"',
            name,
            cls.type_name,
            ",".join(missing_vars),
        )
        return LogSender(name, {"stand_in_for": f"{name} ({cls.type_name})"}, {}, timeout_s)
    missing = cls.missing_options(options, secrets)
    if missing:
        raise RoutesError(f"{where} is missing {', '.join(missing)} for type {cls.type_name}; add it.")
    return cls(name, options, secrets, timeout_s)


def parse_routes(raw: Any, source: str, env: Mapping[str, str], timeout_s: float) -> Routing:
    """Validate a loaded routes document and build its senders.

    :param raw: the YAML document.
    :param source: file name for error messages.
    :param env: environment with the secrets and ``${VAR}`` values.
    :param timeout_s: timeout of each HTTP call the senders make.
    """
    try:
        spec = validate(_RoutesFile, raw, source)
    except ConfigError as exc:
        raise RoutesError(str(exc)) from None
    for i, route_spec in enumerate(spec.routes):
        if route_spec.receiver not in spec.receivers:
            raise RoutesError(
                f"{source}: routes[{i}].receiver names {route_spec.receiver!r}, which is not under receivers; "
                f"use one of {', '.join(spec.receivers)} or define it."
            )
    routes = tuple(r.route() for r in spec.routes)
    names = [r.name for r in routes]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RoutesError(f"{source}: route name {duplicates[0]!r} is used twice; names must be unique.")
    used = {r.receiver for r in routes}
    receivers = {
        name: _receiver(name, receiver, f"{source}: receivers.{name}", env, timeout_s)
        for name, receiver in spec.receivers.items()
        if name in used
    }
    return Routing(routes=routes, receivers=receivers)


def load_routes(path: Path, env: Mapping[str, str], timeout_s: float) -> Routing:
    """Read and validate the routes file.

    :param path: the YAML file (``alerting.routes_file``).
    :param env: environment with the secrets.
    :param timeout_s: timeout of each HTTP call the senders make.
    :raises RoutesError: with the file and key that are wrong.
    """
    try:
        raw = read_yaml(path, "routes file (alerting.routes_file)")
    except ConfigError as exc:
        raise RoutesError(str(exc)) from None
    return parse_routes(raw, str(path), env, timeout_s)
