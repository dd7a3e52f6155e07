"""Windowed alert rules over the classified log stream: load them from YAML, run them as a streaming query.

``load_rules(path)`` validates a rules file (streaming/rules.yaml is the default set);
``start_rules_query(spark, config, rules)`` reads ``topics.classified`` and writes alerts to ``topics.alerts``.
"""

from __future__ import annotations

from pathlib import Path

from streaming.rules.errors import RulesError
from streaming.rules.loader import load_rules
from streaming.rules.model import RULE_TYPES, Match, RatioRule, Rule, SilenceRule, SpikeRule, ThresholdRule
from streaming.rules.query import start_rules_query

# The rules the job runs unless told otherwise.
DEFAULT_RULES_FILE = Path(__file__).resolve().parent.parent / "rules.yaml"

__all__ = [
    "DEFAULT_RULES_FILE",
    "RULE_TYPES",
    "Match",
    "RatioRule",
    "Rule",
    "RulesError",
    "SilenceRule",
    "SpikeRule",
    "ThresholdRule",
    "load_rules",
    "start_rules_query",
]
