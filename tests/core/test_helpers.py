"""The one duration parser, the one back-off and the one YAML validator."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from core.durations import parse_duration_ms, parse_duration_s
from core.errors import ConfigError
from core.retry import Backoff, backoff_s
from core.yamlfile import key_path, read_yaml, validate


@pytest.mark.parametrize(
    ("text", "ms"),
    [("90", 90_000), (90, 90_000), ("500ms", 500), ("1.5m", 90_000), (" 2h ", 7_200_000), ("1d", 86_400_000)],
)
def test_durations(text: str | int, ms: int) -> None:
    assert parse_duration_ms(text) == ms
    assert parse_duration_s(text) == ms / 1000


@pytest.mark.parametrize("bad", ["", "0s", "-5s", "5 minutes", "1w", True, None, "0.0001ms"])
def test_what_is_not_a_positive_duration_is_refused_with_an_example(bad: object) -> None:
    with pytest.raises(ValueError, match=r"duration"):
        parse_duration_ms(bad)


def test_backoff_doubles_to_its_cap_stays_within_jitter_and_resets() -> None:
    rng = random.Random(7)
    waits = [backoff_s(n, 0.5, 4.0, 0.2, rng) for n in range(1, 8)]
    bases = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]
    assert all(0.8 * b <= w <= b for w, b in zip(waits, bases, strict=True))
    backoff = Backoff(initial_s=1.0, max_s=8.0, jitter=0.0)
    assert [backoff.next_s() for _ in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    backoff.reset()
    assert backoff.next_s() == 1.0


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    size: int = 1


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[_Item]


def test_validation_errors_name_the_file_and_the_key_path() -> None:
    assert key_path(("items", 2, "size")) == "items[2].size"
    with pytest.raises(ConfigError, match=r"^f\.yaml: items\[1\]\.size: input should be a valid integer.*got 'big'"):
        validate(_File, {"items": [{"name": "a"}, {"name": "b", "size": "big"}]}, "f.yaml")
    with pytest.raises(ConfigError, match=r"^f\.yaml: items\[0\]\.name is required; add it\.$"):
        validate(_File, {"items": [{}]}, "f.yaml")
    with pytest.raises(ConfigError, match=r"^f\.yaml: unknown key items\[0\]\.colour; remove or rename it\.$"):
        validate(_File, {"items": [{"name": "a", "colour": "red"}]}, "f.yaml")


def test_read_yaml_errors_are_one_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"^The rules file .*r\.yaml is not valid YAML at line \d+: fix its syntax\.$"
    ):
        read_yaml(bad, "rules file")


class _Receivers(BaseModel):
    model_config = ConfigDict(extra="forbid")
    receivers: dict[str, _Item | list[_Item]]


def test_the_key_path_keeps_the_users_keys_and_drops_pydantics_own_names() -> None:
    with pytest.raises(ConfigError, match=r"^f\.yaml: receivers\.Oncall\.size: "):
        validate(_Receivers, {"receivers": {"Oncall": {"name": "a", "size": "x"}}}, "f.yaml")
