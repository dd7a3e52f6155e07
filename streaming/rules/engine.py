"""Folds each micro-batch's counts into the rules' state and decides what fires and what resolves.

Pure Python on the driver (unit-tested without Spark). Time is event time: the watermark of a rule is the
latest event time seen minus the rule's ``lateness``; a window is closed once the watermark passes its end,
and counts for closed windows are dropped as late, like Spark's own watermark.

Windowed rules (threshold, ratio, spike), per rule and group:
- firing: on the batch in which an open window first meets the condition, without waiting for it to close;
  ``alert_id`` derives from that window's start. Later (or overlapping, with a slide) windows that also meet
  it extend the same episode.
- resolved: once, when the window one slide after the episode's last breaching window has closed without
  meeting the condition; same ``alert_id`` and ``window_start`` as the firing, ``window_end`` is the end of
  that clearing window, ``value`` its value.
Silence: firing once the watermark is ``silent_for`` past the group's last event (``alert_id`` derives from
that event's time); resolved on the batch in which the group is heard from again. Silence counts only from
``State.live_since_ms``: while the pipeline is behind (its queries have a Kafka backlog) that mark follows the
watermark, and after a gap in which no group sent anything for ``silent_for`` or longer (the job, Kafka or
every producer was down) it restarts at the first event after the gap. So a service whose events were only not
processed yet is never called silent; one that stays silent once the pipeline is live is, ``silent_for`` later.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from streaming.rules.aggregate import AggRow, BatchStats
from streaming.rules.alerts import make_alert
from streaming.rules.model import Rule, SilenceRule, SpikeRule, Verdict, WindowRule
from streaming.rules.state import Episode, Group, RuleState, State, Window, merge_samples

__all__ = ["Engine", "StepResult"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StepResult:
    """What one batch produced: alert messages in emission order, and windowed counts dropped as late."""

    alerts: list[dict[str, Any]]
    late: int


def _key(group: tuple[str, ...]) -> str:
    return json.dumps(list(group), ensure_ascii=False)


class Engine:
    """The rules' state machine.

    :param rules: the loaded rules; their indices match the aggregation's ``rule`` column.
    :param state: the saved state (rules that changed or disappeared since it was saved start afresh).
    :param base_url: dashboard address for the alerts' links.
    """

    def __init__(self, rules: list[Rule], state: State, base_url: str) -> None:
        self.rules = rules
        self.state = state
        self.base_url = base_url
        for name in set(state.rules) - {r.name for r in rules}:
            logger.info('rule removed, its state is dropped rule="%s"', name)
            del state.rules[name]
        for rule in rules:
            saved = state.rules.get(rule.name)
            if saved is None or saved.fingerprint != rule.fingerprint():
                if saved is not None:
                    logger.info('rule changed, its state starts afresh rule="%s"', rule.name)
                state.rules[rule.name] = RuleState(rule.fingerprint())

    def watermark(self, rule: Rule) -> int | None:
        """Event time (epoch ms) before which the rule considers its data complete; None before any event."""
        top = self.state.max_event_ms
        return None if top is None else top - rule.lateness_ms

    def step(self, rows: Sequence[AggRow], stats: BatchStats, now: datetime, caught_up: bool = True) -> StepResult:
        """Fold one batch in and return the alerts it causes (mutates the state).

        :param rows: the batch's counts (streaming.rules.aggregate.rule_rows).
        :param stats: the batch's latest event time moves the watermark after the batch's counts are in.
        :param now: the alerts' ``generated_at``.
        :param caught_up: False while the pipeline reads a backlog (events may still be on their way).
        """
        alerts: list[dict[str, Any]] = []
        late = 0
        touched: set[tuple[int, tuple[str, ...], int]] = set()
        for row in rows:
            rule = self.rules[row.rule]
            groups = self.state.rules[rule.name].groups
            if isinstance(rule, WindowRule):
                mark = self.watermark(rule)
                # The row counts one pane (a slide) of event time; the last window holding it ends a window later.
                if mark is not None and row.start_ms + rule.window_ms <= mark:
                    late += row.total
                    continue
                g = groups.setdefault(_key(row.group), Group(first_ms=row.start_ms, last_ms=row.max_ts_ms))
                pane = g.windows.setdefault(row.start_ms, Window())
                pane.total, pane.hits = pane.total + row.total, pane.hits + row.hits
                pane.samples = merge_samples(pane.samples, row.first)
                g.first_ms, g.last_ms = min(g.first_ms, row.start_ms), max(g.last_ms, row.max_ts_ms)
                for k in range(rule.window_ms // rule.step_ms):
                    start = row.start_ms - k * rule.step_ms
                    if mark is None or start + rule.window_ms > mark:  # closed windows never fire late
                        touched.add((row.rule, row.group, start))
            elif isinstance(rule, SilenceRule):
                self._heard(rule, row, groups, alerts, now)
        top = self.state.max_event_ms
        if stats.max_ts_ms is not None and (top is None or stats.max_ts_ms > top):
            self.state.max_event_ms = stats.max_ts_ms
        self._track_liveness(top, stats, caught_up)
        for index, group, start in sorted(touched, key=lambda t: (t[2], t[0], t[1])):
            rule = self.rules[index]
            assert isinstance(rule, WindowRule)
            self._update_window(rule, group, start, alerts, now)
        for rule in self.rules:
            if isinstance(rule, WindowRule):
                self._close_windows(rule, alerts, now)
            elif isinstance(rule, SilenceRule):
                self._check_silence(rule, alerts, now)
        return StepResult(alerts, late)

    # -- windowed rules ----------------------------------------------------------------------------

    @staticmethod
    def _window(rule: WindowRule, g: Group, start: int) -> Window:
        """The window starting at ``start``: the sum of its panes."""
        panes = [g.windows.get(start + k * rule.step_ms) for k in range(rule.window_ms // rule.step_ms)]
        window = Window()
        for pane in panes:
            if pane is not None:
                window.total, window.hits = window.total + pane.total, window.hits + pane.hits
                window.samples = merge_samples(window.samples, pane.samples)
        return window

    def _verdict(self, rule: WindowRule, g: Group, start: int) -> Verdict:
        window = self._window(rule, g, start)
        baseline = None
        n = rule.history_windows()
        if n and g.first_ms <= start - n * rule.window_ms:
            counts = (self._window(rule, g, start - k * rule.window_ms).total for k in range(1, n + 1))
            baseline = sum(counts) / n
        return rule.evaluate(window.hits, window.total, baseline)

    def _update_window(
        self, rule: WindowRule, group: tuple[str, ...], start: int, alerts: list[dict[str, Any]], now: datetime
    ) -> None:
        g = self.state.rules[rule.name].groups[_key(group)]
        verdict = self._verdict(rule, g, start)
        if not verdict.breach:
            return
        ep, mark, size, step = g.episode, self.watermark(rule), rule.window_ms, rule.step_ms
        # A closed, quiet window between the episode and this one ends the episode first (a replayed backlog).
        if ep is not None and start > ep.last_ms + step and mark is not None and ep.last_ms + step + size <= mark:
            self._resolve(rule, group, g, alerts, now)
            ep = None
        if ep is not None:
            ep.last_ms = max(ep.last_ms, start)
            return
        g.episode = Episode(start_ms=start, last_ms=start)
        samples = [msg for _, _, msg in self._window(rule, g, start).samples]
        alerts.append(self._alert(rule, group, "firing", start, start + size, verdict, samples, now))
        logger.info(
            'alert firing rule="%s" group="%s" window_start=%d value=%s threshold=%s',
            rule.name,
            _key(group),
            start,
            verdict.value,
            verdict.threshold,
        )

    def _resolve(
        self, rule: WindowRule, group: tuple[str, ...], g: Group, alerts: list[dict[str, Any]], now: datetime
    ) -> None:
        assert g.episode is not None
        clearing = g.episode.last_ms + rule.step_ms
        verdict = self._verdict(rule, g, clearing)
        alerts.append(
            self._alert(rule, group, "resolved", g.episode.start_ms, clearing + rule.window_ms, verdict, [], now)
        )
        logger.info('alert resolved rule="%s" group="%s" window_start=%d', rule.name, _key(group), g.episode.start_ms)
        g.episode = None

    def _close_windows(self, rule: WindowRule, alerts: list[dict[str, Any]], now: datetime) -> None:
        mark = self.watermark(rule)
        if mark is None:
            return
        size = rule.window_ms
        keep_ms = (rule.history_windows() + 1) * size  # closed windows a spike's baseline still needs
        groups = self.state.rules[rule.name].groups
        for key in list(groups):
            g = groups[key]
            if g.episode is not None and g.episode.last_ms + rule.step_ms + size <= mark:
                self._resolve(rule, tuple(json.loads(key)), g, alerts, now)
            for pane in [p for p in g.windows if p + keep_ms <= mark]:
                del g.windows[pane]
            if g.windows or g.episode is not None:
                continue
            forget_ms = rule.forget_after_ms if isinstance(rule, SpikeRule) else 0
            if g.last_ms + forget_ms <= mark:
                del groups[key]

    # -- silence -----------------------------------------------------------------------------------

    def _track_liveness(self, top: int | None, stats: BatchStats, caught_up: bool) -> None:
        gaps = [rule.silent_for_ms for rule in self.rules if isinstance(rule, SilenceRule)]
        if not gaps or stats.min_ts_ms is None or stats.max_ts_ms is None:
            return
        if not caught_up:
            self.state.live_since_ms = self.state.max_event_ms
        elif self.state.live_since_ms is None or (top is not None and stats.min_ts_ms - top >= min(gaps)):
            if self.state.live_since_ms is not None:
                logger.warning(
                    "no events from any service for %.0f s: silence counts again from the first event after it",
                    (stats.min_ts_ms - (top or 0)) / 1000,
                )
            self.state.live_since_ms = stats.min_ts_ms

    def _heard(
        self, rule: SilenceRule, row: AggRow, groups: dict[str, Group], alerts: list[dict[str, Any]], now: datetime
    ) -> None:
        g = groups.setdefault(_key(row.group), Group(first_ms=row.max_ts_ms, last_ms=row.max_ts_ms))
        g.latest = merge_samples(g.latest, row.last, latest=True)
        g.seen += row.total
        if g.episode is not None and row.max_ts_ms > g.episode.start_ms:
            start = g.episode.start_ms
            silent_s = (row.max_ts_ms - start) / 1000
            verdict = Verdict(False, silent_s, rule.silent_for_ms / 1000)
            alerts.append(self._alert(rule, row.group, "resolved", start, row.max_ts_ms, verdict, [], now))
            logger.info('alert resolved rule="%s" group="%s" silent_s=%.0f', rule.name, _key(row.group), silent_s)
            g.episode = None
            g.seen = row.total  # it must be active again (min_events) before its next silence counts
        g.last_ms = max(g.last_ms, row.max_ts_ms)

    def _check_silence(self, rule: SilenceRule, alerts: list[dict[str, Any]], now: datetime) -> None:
        mark = self.watermark(rule)
        if mark is None:
            return
        groups = self.state.rules[rule.name].groups
        for key in list(groups):
            g = groups[key]
            if g.last_ms + rule.forget_after_ms <= mark:
                if g.episode is not None:
                    logger.info('silent group forgotten, no resolved will follow rule="%s" group="%s"', rule.name, key)
                del groups[key]
                continue
            since = max(g.last_ms, self.state.live_since_ms or g.last_ms)
            if g.episode is None and g.seen >= rule.min_events and since + rule.silent_for_ms <= mark:
                g.episode = Episode(start_ms=g.last_ms, last_ms=g.last_ms)
                verdict = Verdict(True, (mark - g.last_ms) / 1000, rule.silent_for_ms / 1000)
                samples = [msg for _, _, msg in g.latest]
                group = tuple(json.loads(key))
                end = g.last_ms + rule.silent_for_ms
                alerts.append(self._alert(rule, group, "firing", g.last_ms, end, verdict, samples, now))
                logger.info('alert firing rule="%s" group="%s" last_event_ms=%d', rule.name, key, g.last_ms)

    def _alert(
        self,
        rule: Rule,
        group: tuple[str, ...],
        status: str,
        start_ms: int,
        end_ms: int,
        verdict: Verdict,
        samples: list[str],
        now: datetime,
    ) -> dict[str, Any]:
        return make_alert(
            rule,
            group,
            status=status,
            start_ms=start_ms,
            end_ms=end_ms,
            value=verdict.value,
            threshold=verdict.threshold,
            samples=samples,
            base_url=self.base_url,
            now=now,
        )
