"""The routes file: receivers (where messages go) and routes (which alerts go where, grouped and paced how).

Modelled on Alertmanager's route tree flattened into a list, with ElastAlert-style validation: every error
names the file and the key. Every route whose matchers fit an alert receives it, in file order, until a
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from alerting.errors import RoutesError
from alerting.model import CATEGORIES, SEVERITIES, Alert
from alerting.senders import SENDERS, LogSender, Secret, Sender

__all__ = ["Route", "Routing", "load_routes", "parse_routes"]

logger = logging.getLogger(__name__)

_ROUTE_KEYS = {
    "name",
    "receiver",
    "severity",
    "min_severity",
    "category",
    "service",
    "rule",
    "group_wait_s",
    "group_by",
    "repeat_interval_s",
    "send_resolved",
    "stop",
}
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


def _strings(value: Any, where: str, allowed: Sequence[str] | None = None) -> frozenset[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise RoutesError(f"{where} must be a string or a list of strings.")
    if allowed is not None:
        bad = [v for v in items if v not in allowed]
        if bad:
            raise RoutesError(f"{where} has {bad[0]!r}; use one of {', '.join(allowed)}.")
    return frozenset(items)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise RoutesError(f"{where} must be a number of seconds, 0 or more.")
    return float(value)


def _route(raw: Any, where: str, receivers: Mapping[str, Any]) -> Route:
    if not isinstance(raw, dict):
        raise RoutesError(f"{where} must be a mapping with at least name and receiver.")
    unknown = sorted(set(raw) - _ROUTE_KEYS)
    if unknown:
        raise RoutesError(f"{where} has unknown key {unknown[0]!r}; allowed: {', '.join(sorted(_ROUTE_KEYS))}.")
    missing = [k for k in ("name", "receiver") if not raw.get(k)]
    if missing:
        raise RoutesError(f"{where} is missing {', '.join(missing)}; add it.")
    if raw["receiver"] not in receivers:
        raise RoutesError(f"{where}.receiver names {raw['receiver']!r}, which is not under receivers; define it.")
    severities = _strings(raw.get("severity", []), f"{where}.severity", SEVERITIES)
    if "min_severity" in raw:
        floor = _strings(raw["min_severity"], f"{where}.min_severity", SEVERITIES)
        if len(floor) != 1:
            raise RoutesError(f"{where}.min_severity must be one severity.")
        at_least = set(SEVERITIES[SEVERITIES.index(next(iter(floor))) :])
        severities = frozenset(at_least & severities) if severities else frozenset(at_least)
    for flag in ("send_resolved", "stop"):
        if flag in raw and not isinstance(raw[flag], bool):
            raise RoutesError(f"{where}.{flag} must be true or false.")
    return Route(
        name=str(raw["name"]),
        receiver=str(raw["receiver"]),
        severities=severities,
        categories=_strings(raw.get("category", []), f"{where}.category", CATEGORIES),
        services=_strings(raw.get("service", []), f"{where}.service"),
        rules=_strings(raw.get("rule", []), f"{where}.rule"),
        group_wait_s=_number(raw.get("group_wait_s", 0), f"{where}.group_wait_s"),
        group_by=tuple(sorted(_strings(raw.get("group_by", []), f"{where}.group_by", _GROUP_BY))),
        repeat_interval_s=_number(raw.get("repeat_interval_s", 3600), f"{where}.repeat_interval_s"),
        send_resolved=bool(raw.get("send_resolved", True)),
        stop=bool(raw.get("stop", False)),
    )


def _expand(value: Any, env: Mapping[str, str], unset: list[str]) -> Any:
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        if not env.get(match.group(1)):
            unset.append(match.group(1))
            return ""
        return env[match.group(1)]

    return _VAR.sub(one, value)


def _receiver(name: str, raw: Any, where: str, env: Mapping[str, str], timeout_s: float) -> Sender:
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise RoutesError(f"{where} must be a mapping with a type ({', '.join(sorted(SENDERS))}).")
    cls = SENDERS.get(raw["type"])
    if cls is None:
        raise RoutesError(f"{where}.type {raw['type']!r} is unknown; use one of {', '.join(sorted(SENDERS))}.")
    env_keys = {f"{c}_env" for c in cls.credentials}
    allowed = {"type", *cls.required_options, *cls.optional_options, *env_keys}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise RoutesError(
            f"{where} has unknown key {unknown[0]!r} for type {cls.type_name}; allowed: {', '.join(sorted(allowed))}."
        )
    unset: list[str] = []
    options = {k: _expand(v, env, unset) for k, v in raw.items() if k != "type" and k not in env_keys}
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
    if not isinstance(raw, dict):
        raise RoutesError(f"{source}: the top level must be a mapping with receivers and routes.")
    unknown = sorted(set(raw) - {"receivers", "routes"})
    if unknown:
        raise RoutesError(f"{source}: unknown key {unknown[0]!r}; only receivers and routes are allowed.")
    receivers_raw = raw.get("receivers")
    routes_raw = raw.get("routes")
    if not isinstance(receivers_raw, dict) or not receivers_raw:
        raise RoutesError(f"{source}: receivers must be a non-empty mapping of name to receiver.")
    if not isinstance(routes_raw, list) or not routes_raw:
        raise RoutesError(f"{source}: routes must be a non-empty list.")
    routes = tuple(_route(r, f"{source}: routes[{i}]", receivers_raw) for i, r in enumerate(routes_raw))
    names = [r.name for r in routes]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RoutesError(f"{source}: route name {duplicates[0]!r} is used twice; names must be unique.")
    used = {r.receiver for r in routes}
    receivers = {
        name: _receiver(name, spec, f"{source}: receivers.{name}", env, timeout_s)
        for name, spec in receivers_raw.items()
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
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RoutesError(
            f"Cannot read routes file {path} ({exc.strerror}); create it or set ALERTING_ROUTES_FILE."
        ) from None
    except yaml.YAMLError as exc:
        raise RoutesError(f"Routes file {path} is not valid YAML ({exc}); fix it.") from None
    return parse_routes(raw, str(path), env, timeout_s)
