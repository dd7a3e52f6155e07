"""Throughput of raw line parsing and secret redaction on one core, on the Loghub mix.

Run: ``.venv/bin/python -m bench.bench_parse [--rounds N] [--loghub DIR]``.
Data: the 2,000-line Loghub samples of 8 systems (github.com/logpai/loghub; Zhu et al., ISSRE 2023),
read from ../shared/data/loghub; they are never copied into the repository.
Prints per-system detection rates, then lines/s for ``parse_line`` and ``redact``: lines per second of
this process's CPU time (so other load on a shared machine does not count against it), best of N rounds;
then one JSON line of the same rates.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from streaming.formats import parse_line
from streaming.redact import redact

__all__ = ["main"]

DEFAULT_LOGHUB = Path(__file__).resolve().parents[2] / "shared" / "data" / "loghub"
EXPECTED = {
    "Android": "logcat",
    "Apache": "apache_error",
    "BGL": "bgl",
    "HDFS": "hdfs",
    "HPC": "hpc",
    "Linux": "syslog3164",
    "Spark": "log4j",
    "Zookeeper": "log4j",
}


def best_rate(work: Callable[[list[str]], object], lines: list[str], rounds: int) -> float:
    """Lines per second of the fastest of ``rounds`` passes over ``lines``."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        work(lines)
        best = min(best, time.process_time() - started)
    return len(lines) / best


def parse_all(lines: list[str]) -> None:
    for line in lines:
        parse_line(line)


def redact_all(lines: list[str]) -> None:
    for line in lines:
        redact(line)


def parse_and_redact(lines: list[str]) -> None:
    for line in lines:
        redact(parse_line(line).message)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="passes per measurement; the best counts")
    parser.add_argument("--loghub", type=Path, default=DEFAULT_LOGHUB, help="folder of the Loghub samples")
    args = parser.parse_args()

    systems: dict[str, list[str]] = {}
    for system in EXPECTED:
        path = args.loghub / system / f"{system}_2k.log"
        if not path.exists():
            sys.exit(f"Loghub sample {path} is missing; pass --loghub with the folder that holds it.")
        systems[system] = path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()

    now = datetime.now(UTC)
    print(f"{'system':<10} {'lines':>5} {'expected':<13} {'detected':>8} {'timestamp':>9} {'level':>6}  other")
    for system, lines in systems.items():
        events = [parse_line(line, now=now) for line in lines]
        formats = Counter(event.format for event in events)
        share = formats.pop(EXPECTED[system], 0) / len(lines)
        stamped = sum(event.timestamp is not None for event in events) / len(lines)
        levelled = sum(event.level is not None for event in events) / len(lines)
        other = ", ".join(f"{name}={count}" for name, count in formats.most_common()) or "-"
        print(
            f"{system:<10} {len(lines):>5} {EXPECTED[system]:<13} {share:>8.1%} {stamped:>9.1%} "
            f"{levelled:>6.1%}  {other}"
        )

    mix = [line for lines in systems.values() for line in lines]
    redactions = sum(redact(line)[1] for line in mix)
    print(f"\nmix: {len(mix)} lines from {len(systems)} systems; {redactions} redactions in the mix")
    clean = [line for line in mix if redact(line)[1] == 0]
    short = [line for line in clean if len(line) <= 120]
    rates = {
        "parse_line": best_rate(parse_all, mix, args.rounds),
        "redact": best_rate(redact_all, mix, args.rounds),
        "redact_no_secret": best_rate(redact_all, clean, args.rounds),
        "redact_no_secret_short": best_rate(redact_all, short, args.rounds),
        "parse_line_and_redact": best_rate(parse_and_redact, mix, args.rounds),
    }
    print(f"parse_line            {rates['parse_line']:>10,.0f} lines/s")
    print(f"redact                {rates['redact']:>10,.0f} lines/s")
    print(f"redact (no secret)    {rates['redact_no_secret']:>10,.0f} lines/s")
    print(f"redact (no secret, <= 120 chars) {rates['redact_no_secret_short']:>,.0f} lines/s")
    print(f"parse_line + redact   {rates['parse_line_and_redact']:>10,.0f} lines/s")
    for system, lines in systems.items():
        rates[f"parse_line_{system}"] = best_rate(parse_all, lines, args.rounds)
        print(f"  parse_line {system:<10} {rates[f'parse_line_{system}']:>10,.0f} lines/s")
    print(json.dumps({"bench": "parse", **{f"{name}_lines_per_s": round(rate) for name, rate in rates.items()}}))


if __name__ == "__main__":
    main()
