"""The rule types: what each one counts, the condition that makes it fire, and the options it declares.

Types are looked up by name in :data:`RULE_TYPES` (like ElastAlert's ``rules_mapping``); each class lists its
options with their kind and whether they are required (ElastAlert's ``required_options``), and the loader
validates a rules file against those declarations. Counting happens in Spark (streaming.rules.aggregate);
the state across windows and the firing/resolved decisions live in streaming.rules.engine.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any, ClassVar

from core.contract import LEVELS

__all__ = [
    "BUCKET_MS",
    "COMMON_OPTIONS",
    "GROUP_FIELDS",
    "Match",
    "Option",
    "Rule",
    "WindowRule",
    "ThresholdRule",
    "RatioRule",
    "SpikeRule",
    "SilenceRule",
    "Verdict",
    "RULE_TYPES",
]

logger = logging.getLogger(__name__)

# Event time is counted per second (streaming.rules.aggregate): windows and slides are whole seconds.
BUCKET_MS = 1000
# Fields of the classified document a rule may group by (missing values become "unknown"/"general").
GROUP_FIELDS = ("service", "category", "level", "host")


@dataclass(frozen=True)
class Option:
    """One key a rule type accepts: its kind (see streaming.rules.loader) and whether it must be present."""

    kind: str
    required: bool = False
    default: Any = None


@dataclass(frozen=True)
class Match:
    """Which events a rule looks at; an empty tuple or None means no restriction on that field.

    :param services: service names (exact).
    :param exclude_services: service names left out (e.g. one that has a stricter rule of its own).
    :param categories: core.contract categories; a document without one counts as ``general``.
    :param min_level: the lowest level that matches, e.g. ``ERROR`` matches ERROR and CRITICAL.
    """

    services: tuple[str, ...] = ()
    exclude_services: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    min_level: str | None = None

    @property
    def min_rank(self) -> int:
        return LEVELS.index(self.min_level) if self.min_level else 0


@dataclass(frozen=True)
class Verdict:
    """A window's outcome: whether it meets the rule's condition, its value and the threshold it is held to."""

    breach: bool
    value: float
    threshold: float


@dataclass(frozen=True, kw_only=True)
class Rule:
    """What every rule type has: a unique name, a severity, which events it looks at and how it groups them."""

    type_name: ClassVar[str] = ""
    options: ClassVar[dict[str, Option]] = {}

    name: str
    severity: str
    description: str = ""
    match: Match = field(default_factory=Match)
    group_by: tuple[str, ...] = ("service",)
    lateness_ms: int = 30_000

    def fingerprint(self) -> str:
        """Changes whenever the rule's definition changes (its saved state is then started afresh)."""
        raw = json.dumps({"type": self.type_name, **dataclasses.asdict(self)}, sort_keys=True, default=str)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def labels(self, group: tuple[str, ...]) -> tuple[str | None, str | None]:
        """The alert's ``service`` and ``category`` for a group: the group's value, else the match's only one."""
        values = dict(zip(self.group_by, group, strict=True))
        service = values.get("service") or (self.match.services[0] if len(self.match.services) == 1 else None)
        category = values.get("category") or (self.match.categories[0] if len(self.match.categories) == 1 else None)
        return service, category


COMMON_OPTIONS: dict[str, Option] = {
    "name": Option("name", required=True),
    "type": Option("type", required=True),
    "severity": Option("severity", required=True),
    "description": Option("text", default=""),
    "enabled": Option("bool", default=True),
    "match": Option("match", default=Match()),
    "group_by": Option("group_by", default=("service",)),
    "lateness": Option("duration", default=30_000),
}


@dataclass(frozen=True, kw_only=True)
class WindowRule(Rule):
    """A rule over event-time windows of ``window_ms`` starting every ``slide_ms``, evaluated on every update.

    ``slide_ms`` 0 means tumbling windows (a slide of one window). A shorter slide (hopping windows) catches a
    burst that straddles a window boundary, at the cost of counting each event in window/slide windows.
    """

    window_ms: int
    slide_ms: int = 0

    @property
    def step_ms(self) -> int:
        """The distance between two window starts."""
        return self.slide_ms or self.window_ms

    def history_windows(self) -> int:
        """How many windows before the current one the condition needs (the spike's baseline), else 0."""
        return 0

    def hits_match(self) -> Match | None:
        """The subset of matched events counted as hits (the ratio's numerator); None: every matched event."""
        return None

    def evaluate(self, hits: int, total: int, baseline: float | None) -> Verdict:
        """The verdict for a window with ``hits`` of ``total`` matched events.

        :param baseline: mean count of the previous ``history_windows`` windows, or None while the group has
            less history than that (the rule is then not evaluated).
        """
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class ThresholdRule(WindowRule):
    """``threshold`` or more matching events in one window, e.g. 20 security events at ERROR+ in 1 minute."""

    type_name: ClassVar[str] = "threshold"
    options: ClassVar[dict[str, Option]] = {
        "window": Option("duration", required=True),
        "slide": Option("duration", default=0),
        "threshold": Option("count", required=True),
    }

    threshold: int

    def evaluate(self, hits: int, total: int, baseline: float | None) -> Verdict:
        return Verdict(total >= self.threshold, float(total), float(self.threshold))


@dataclass(frozen=True, kw_only=True)
class RatioRule(WindowRule):
    """The share of ``numerator`` events among matching ones is above ``ratio``, over ``min_events`` or more."""

    type_name: ClassVar[str] = "ratio"
    options: ClassVar[dict[str, Option]] = {
        "window": Option("duration", required=True),
        "slide": Option("duration", default=0),
        "numerator": Option("match", required=True),
        "ratio": Option("ratio", required=True),
        "min_events": Option("count", required=True),
    }

    numerator: Match
    ratio: float
    min_events: int

    def hits_match(self) -> Match | None:
        return self.numerator

    def evaluate(self, hits: int, total: int, baseline: float | None) -> Verdict:
        value = hits / total if total else 0.0
        return Verdict(total >= self.min_events and value > self.ratio, round(value, 4), self.ratio)


@dataclass(frozen=True, kw_only=True)
class SpikeRule(WindowRule):
    """A window's count is ``factor`` times the mean of the group's previous ``baseline_windows`` windows.

    Windows without events count as 0 once the group has been seen; a group needs ``baseline_windows`` windows
    of history before it is evaluated, and ``min_events`` keeps tiny counts (0 -> 3) from firing.
    """

    type_name: ClassVar[str] = "spike"
    options: ClassVar[dict[str, Option]] = {
        "window": Option("duration", required=True),
        "factor": Option("factor", required=True),
        "baseline_windows": Option("count", required=True),
        "min_events": Option("count", required=True),
        "forget_after": Option("duration", default=86_400_000),
    }

    factor: float
    baseline_windows: int
    min_events: int
    forget_after_ms: int = 86_400_000

    def history_windows(self) -> int:
        return self.baseline_windows

    def evaluate(self, hits: int, total: int, baseline: float | None) -> Verdict:
        if baseline is None:
            return Verdict(False, float(total), float(self.min_events))
        threshold = max(self.factor * baseline, float(self.min_events))
        return Verdict(total >= threshold, float(total), round(threshold, 2))


@dataclass(frozen=True, kw_only=True)
class SilenceRule(Rule):
    """No event from a group that had sent ``min_events`` or more, for ``silent_for_ms`` of event time.

    Silence is judged against the watermark (the latest event time of all groups minus ``lateness``), so
    other groups' events move time forward; a group silent for ``forget_after`` is forgotten.
    """

    type_name: ClassVar[str] = "silence"
    options: ClassVar[dict[str, Option]] = {
        "silent_for": Option("duration", required=True),
        "min_events": Option("count", default=1),
        "forget_after": Option("duration", default=86_400_000),
    }

    silent_for_ms: int
    min_events: int = 1
    forget_after_ms: int = 86_400_000


RULE_TYPES: dict[str, type[Rule]] = {cls.type_name: cls for cls in (ThresholdRule, RatioRule, SpikeRule, SilenceRule)}
