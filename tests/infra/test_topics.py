"""The broker's topics take their names from the configuration and keep partitions and retention by role."""

from __future__ import annotations

from pathlib import Path

from core.config import load_config
from core.contract import Indices, Topics
from infra.kafka_broker import DAY_MS, topic_specs
from infra.teststack import TestStack


def test_topic_names_come_from_the_configuration() -> None:
    topics = load_config(env={"TOPICS_LOGS": "team.raw", "TOPICS_ALERTS_DLQ": "team.pages.bad"}).topics
    specs = {spec.name: spec for spec in topic_specs(topics)}
    assert set(specs) == {"team.raw", "logs.classified", "logs.dlq", "alerts", "team.pages.bad"}
    assert (specs["team.raw"].partitions, specs["team.raw"].retention_ms) == (3, 7 * DAY_MS)
    assert (specs["team.pages.bad"].partitions, specs["team.pages.bad"].retention_ms) == (1, 7 * DAY_MS)


def test_partitions_and_retention_follow_the_role_not_the_name() -> None:
    default = [(s.partitions, s.retention_ms) for s in topic_specs(Topics())]
    renamed = Topics(logs="a", classified="b", dlq="c", alerts="d", alerts_dlq="e")
    assert [(s.partitions, s.retention_ms) for s in topic_specs(renamed)] == default
    assert [s.name for s in topic_specs(renamed)] == ["a", "b", "c", "d", "e"]


def test_a_test_stack_hands_its_names_to_the_services_it_starts(tmp_path: Path) -> None:
    stack = TestStack(tmp_path / "var", topics=Topics(alerts="t.pages"), indices=Indices(logs="t_docs"))
    env = stack.names_env()
    assert env["TOPICS_ALERTS"] == "t.pages" and env["INDICES_LOGS"] == "t_docs"
    # Each variable is the one the configuration reads: a child process sees the same names.
    config = load_config(env=env)
    assert config.topics == stack.topics and config.indices == stack.indices
