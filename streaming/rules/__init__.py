"""Windowed alert rules over the classified log stream: load them from YAML, evaluate them in each index batch.

``load_rules(path)`` validates a rules file (streaming/rules.yaml is the default set);
``BatchProcessor.from_config(config, rules, folder)`` is the step the index query runs on each batch's classified
documents, writing alerts to ``topics.alerts``.
"""

from __future__ import annotations

from pathlib import Path

from streaming.rules.errors import RulesError
from streaming.rules.evaluate import BatchProcessor
from streaming.rules.loader import load_rules
from streaming.rules.model import RULE_TYPES, Match, RatioRule, Rule, SilenceRule, SpikeRule, ThresholdRule

# The rules the job runs unless told otherwise.
DEFAULT_RULES_FILE = Path(__file__).resolve().parent.parent / "rules.yaml"

__all__ = [
    "BatchProcessor",
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
]
