"""The one way logwatch reads its YAML files (config, rules, routes): safe YAML, then a pydantic model.

Every problem becomes one :class:`~core.errors.ConfigError` sentence naming the file, the key
(``rules[2].window``) and what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from core.errors import ConfigError

__all__ = ["read_yaml", "validate", "key_path"]

Model = TypeVar("Model", bound=BaseModel)


def read_yaml(path: Path, what: str) -> Any:
    """The parsed contents of a YAML file (None when it is empty).

    :param path: the file.
    :param what: what the file is for, named in the error ("config file", "rules file").
    :raises ConfigError: the file cannot be read or is not YAML.
    """
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot read the {what} {path} ({exc.strerror}): create it or fix the path.") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"The {what} {path} is not UTF-8 text (byte {exc.start}): save it as UTF-8.") from exc
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise ConfigError(f"The {what} {path} is not valid YAML{line}: fix its syntax.") from exc


def key_path(loc: tuple[int | str, ...]) -> str:
    """``("rules", 2, "window")`` as ``rules[2].window``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def validate(model: type[Model], data: Any, source: str, renames: Mapping[str, str] | None = None) -> Model:
    """``data`` as an instance of ``model``.

    :param model: the pydantic model of the file.
    :param data: the parsed YAML.
    :param source: the file's name, first in every message.
    :param renames: keys (as :func:`key_path` writes them) whose value came from elsewhere, mapped to the name
        the message should give instead (an environment variable, say).
    :raises ConfigError: one sentence about the first problem.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_sentence(exc, data, source, renames or {})) from None


def _user_loc(data: Any, loc: tuple[int | str, ...], kind: str) -> tuple[int | str, ...]:
    # pydantic adds the names of union members and validators to the location; people only know the keys
    # of their file, so keep the parts that lead through the data (and the name of a missing key).
    kept: list[int | str] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif kind == "missing" and part == loc[-1]:
            pass
        else:
            continue
        kept.append(part)
    return tuple(kept)


def _sentence(exc: ValidationError, data: Any, source: str, renames: Mapping[str, str]) -> str:
    error = exc.errors(include_url=False)[0]
    kind = error["type"]
    key = key_path(_user_loc(data, tuple(error["loc"]), kind)) or "the top level"
    if kind == "extra_forbidden":
        return f"{source}: unknown key {key}; remove or rename it."
    if kind == "missing":
        return f"{source}: {key} is required; add it."
    where = f"{renames[key]} (for {key})" if key in renames else f"{source}: {key}"
    got = error.get("input")
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind in ("model_type", "dict_type"):
        return f"{where} must be a mapping of keys, got {type(got).__name__}; fix its layout."
    # Our own validators (durations, say) already name the value they were given.
    got_text = "" if ", got " in message else f", got {got!r:.80}"
    return f"{where}: {message[:1].lower()}{message[1:]}{got_text}; fix the value."
