"""Grouping accuracy of ``streaming.templates`` on the Loghub samples, against Drain and a naive baseline.

Run: ``.venv/bin/python -m bench.eval_templates [--loghub DIR] [--rounds N] [--no-drain]``.
Data: the 2,000-line Loghub samples of 8 systems with their ground truth (``*_structured.csv``: ``Content`` is
the message, ``EventId`` its true template), github.com/logpai/loghub (Zhu et al., ISSRE 2023), read from
../shared/data/loghub and never copied into the repository.

Grouping accuracy (GA, Zhu et al., "Tools and Benchmarks for Automated Log Parsing", ICSE-SEIP 2019): a line
is right when the set of lines sharing its template id is exactly the set sharing its true template.

Columns, per system:
- ``ours``: ``template_of`` with every rule, on ``Content``;
- ``pipe``: the same on what the job templates: ``parse_line`` of the raw line, then ``redact`` (so it also
  measures how clean the parser leaves the message);
- ``drain3``: drain3's ``TemplateMiner`` with its default configuration, fed the lines in order (its cluster ids
  depend on that order and on the process, which is why the job does not use it); a dev dependency;
- ``digits``: every run of digits replaced by ``<*>``, nothing else (the naive baseline);
- ``loso``: leave-one-system-out: rules chosen by backward elimination on the *other seven* systems' average;
- ``blind``: every rule on, minus the rules written while looking at this system's errors (``WRITTEN_FOR``):
  the honest estimate for a system nobody looked at.
Then the GA each rule is worth (all rules vs all but that one), template speed, and one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig

from streaming.formats import parse_line
from streaming.redact import redact
from streaming.templates import RULES, Templater, template_of

__all__ = ["grouping_accuracy", "main"]

DEFAULT_LOGHUB = Path(__file__).resolve().parents[2] / "shared" / "data" / "loghub"
SYSTEMS = ("Android", "Apache", "BGL", "HDFS", "HPC", "Linux", "Spark", "Zookeeper")
# Which rules were written (or changed) while looking at which system's mistakes. The other rules (digits,
# paths, emails, key=value, quoted values, redaction markers, runs of variables) were planned before any
# system was looked at, from the usual variable kinds of log-parsing work.
WRITTEN_FOR = {
    "Android": ("dotted",),
    "BGL": ("mac",),
    "Linux": ("names", "empty"),
    "Spark": ("units",),
}
_DIGITS = re.compile(r"\d+")


def grouping_accuracy(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> float:
    """GA: the share of lines whose predicted group is exactly their true group.

    :param predicted: per line, the predicted template (id or text).
    :param truth: per line, the true template id.
    """
    truths_of: defaultdict[Hashable, Counter[Hashable]] = defaultdict(Counter)
    for guess, true in zip(predicted, truth, strict=True):
        truths_of[guess][true] += 1
    true_sizes = Counter(truth)
    right = 0
    for truths in truths_of.values():
        if len(truths) == 1:
            true, count = next(iter(truths.items()))
            if true_sizes[true] == count:
                right += count
    return right / len(truth) if truth else 1.0


def _load(loghub: Path, system: str) -> tuple[list[str], list[str], list[str]]:
    """Messages, true template ids and raw lines of one system."""
    structured = loghub / system / f"{system}_2k.log_structured.csv"
    raw = loghub / system / f"{system}_2k.log"
    if not structured.exists() or not raw.exists():
        sys.exit(f"Loghub sample {structured} is missing; pass --loghub with the folder that holds it.")
    with structured.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    lines = raw.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    return [row["Content"] for row in rows], [row["EventId"] for row in rows], lines


def _ga_of(namer: Callable[[str], Hashable], messages: list[str], truth: list[str]) -> float:
    return grouping_accuracy([namer(message) for message in messages], truth)


def _drain_ga(messages: list[str], truth: list[str]) -> float:
    # Its defaults, given explicitly: without a config it looks for drain3.ini and prints that it found none.
    miner = TemplateMiner(config=TemplateMinerConfig())
    return grouping_accuracy([miner.add_log_message(message)["cluster_id"] for message in messages], truth)


def _backward_elimination(score: Callable[[frozenset[str]], float]) -> frozenset[str]:
    """Drop, one at a time, the rule whose removal raises the score most, while one does."""
    chosen = frozenset(RULES)
    best = score(chosen)
    while True:
        trials = {rule: score(chosen - {rule}) for rule in sorted(chosen)}
        rule, value = max(trials.items(), key=lambda item: item[1])
        if value <= best + 1e-9:
            return chosen
        chosen, best = chosen - {rule}, value


def _rate(messages: list[str], rounds: int) -> float:
    """Lines per CPU second of ``template_of`` from empty memos (repeats within the mix still hit), best round."""
    best = float("inf")
    for _ in range(rounds):
        templater = Templater()
        started = time.process_time()
        for message in messages:
            templater.template_of(message)
        best = min(best, time.process_time() - started)
    return len(messages) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loghub", type=Path, default=DEFAULT_LOGHUB, help="folder of the Loghub samples")
    parser.add_argument("--rounds", type=int, default=5, help="passes per speed measurement; the best counts")
    parser.add_argument("--no-drain", action="store_true", help="skip the drain3 comparison")
    args = parser.parse_args()

    data = {system: _load(args.loghub, system) for system in SYSTEMS}
    memo: dict[tuple[frozenset[str], str], float] = {}

    def ga_with(rules: frozenset[str], system: str) -> float:
        if (rules, system) not in memo:
            templater = Templater(rules)
            messages, truth, _ = data[system]
            memo[rules, system] = _ga_of(lambda message: templater.template_of(message).id, messages, truth)
        return memo[rules, system]

    def mean_ga(rules: frozenset[str], systems: tuple[str, ...]) -> float:
        return sum(ga_with(rules, system) for system in systems) / len(systems)

    everything = frozenset(RULES)
    table: dict[str, dict[str, float | None]] = {}
    for system, (messages, truth, lines) in data.items():
        piped = [redact(parse_line(line).message)[0] for line in lines]
        others = tuple(other for other in SYSTEMS if other != system)
        chosen = _backward_elimination(functools.partial(mean_ga, systems=others))
        table[system] = {
            "ours": ga_with(everything, system),
            "pipe": _ga_of(lambda message: template_of(message).id, piped, truth) if len(piped) == len(truth) else None,
            "drain3": None if args.no_drain else _drain_ga(messages, truth),
            "digits": _ga_of(lambda message: _DIGITS.sub("<*>", message), messages, truth),
            "loso": ga_with(chosen, system),
            "blind": ga_with(everything - set(WRITTEN_FOR.get(system, ())), system),
        }
        dropped = sorted(everything - chosen)
        if dropped:
            print(f"{system}: rules chosen on the other seven leave out {', '.join(dropped)}")

    columns = ("ours", "pipe", "drain3", "digits", "loso", "blind")
    print(f"\n{'system':<10} " + " ".join(f"{name:>7}" for name in columns))

    def cell(value: float | None) -> str:
        return f"{'-' if value is None else f'{value:.3f}':>7}"

    for system, row in table.items():
        print(f"{system:<10} " + " ".join(cell(row[name]) for name in columns))
    means: dict[str, float | None] = {}
    for name in columns:
        values = [row[name] for row in table.values()]
        means[name] = None if any(v is None for v in values) else sum(v for v in values if v is not None) / len(values)
    print(f"{'mean':<10} " + " ".join(cell(means[name]) for name in columns))

    print("\nGA each rule is worth (all rules minus all but it), per system:")
    print(f"{'rule':<9} " + " ".join(f"{system[:7]:>7}" for system in SYSTEMS) + "  written for")
    worth: dict[str, float] = {}
    for rule in RULES:
        gains = [ga_with(everything, system) - ga_with(everything - {rule}, system) for system in SYSTEMS]
        worth[rule] = sum(gains) / len(gains)
        seen = ", ".join(system for system, rules in WRITTEN_FOR.items() if rule in rules) or "-"
        print(f"{rule:<9} " + " ".join(f"{gain:>+7.3f}" for gain in gains) + f"  {seen}")

    mix = [message for messages, _, _ in data.values() for message in messages]
    rate = _rate(mix, args.rounds)
    print(f"\ntemplate_of: {rate:,.0f} lines/s (one core, CPU time, empty memos each round, {len(mix)} messages)")
    print(
        json.dumps(
            {
                "bench": "templates",
                "ga": {
                    system: {k: v if v is None else round(v, 4) for k, v in row.items()}
                    for system, row in table.items()
                },
                "ga_mean": {name: None if value is None else round(value, 4) for name, value in means.items()},
                "rule_worth": {rule: round(value, 4) for rule, value in worth.items()},
                "template_lines_per_s": round(rate),
            }
        )
    )


if __name__ == "__main__":
    main()
