"""Throughput of raw line parsing, secret redaction and templating on one core, on the mixed dev set.

Run: ``.venv/bin/python -m bench.bench_parse [--rounds N] [--loghub DIR] [--shared DIR]``.
Data, read from ../shared and never copied into the repository: the 2,000-line Loghub samples of 8 systems
(github.com/logpai/loghub; Zhu et al., ISSRE 2023), the lnav format samples (data/formats/lnav-samples.jsonl,
from lnav's format definitions, BSD-2-Clause) and fail2ban's test logs (data/fail2ban/logs, GPL-2; its
``# failJSON`` comment lines are left out). Loghub alone is "the Loghub mix"; all three are "the mixed dev set".
Prints per-system detection rates, then lines/s: lines per second of this process's CPU time (so other load
on a shared machine does not count against it), best of N rounds; then one JSON line of the same rates. The
headline is ``parse_redact_template`` on the mixed dev set: the job's per-line work (target: 50,000 lines/s
per core). Template memos start empty in each round, so only repeats within the set hit them.
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
from streaming.templates import Templater, template_of

__all__ = ["main"]

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_LOGHUB = DEFAULT_SHARED / "loghub"
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


# The job passes each record's Kafka timestamp as "now" (the reference for year-less stamps); so does the bench.
ARRIVED = datetime.now(UTC)

# Hostile 1 MB lines: parse + redact + template must stay about linear in them (no regex backtracking).
HOSTILE = {
    "long message": "2026-11-20 07:08:09 INFO " + "x" * 1_000_000,
    "brackets": "[" * 1_000_000,
    "key=": "a=" * 500_000,
    "digits": "1" * 1_000_000,
    "hosts": "Nov 20 07:08:09 " + "host " * 200_000,
    "escapes": '"' + "k=\\" * 300_000,
}


def hostile_ms() -> dict[str, float]:
    """CPU milliseconds of parse + redact + template for each hostile line."""
    times = {}
    for name, line in HOSTILE.items():
        started = time.process_time()
        template_of(redact(parse_line(line, now=ARRIVED).message)[0])
        times[name] = (time.process_time() - started) * 1000
    return times


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
        parse_line(line, now=ARRIVED)


def redact_all(lines: list[str]) -> None:
    for line in lines:
        redact(line)


def parse_and_redact(lines: list[str]) -> None:
    for line in lines:
        redact(parse_line(line, now=ARRIVED).message)


def parse_redact_template(lines: list[str]) -> None:
    template_of = Templater().template_of  # empty memos: a round does not profit from the previous one
    for line in lines:
        template_of(redact(parse_line(line, now=ARRIVED).message)[0])


_WARM = Templater()


def parse_redact_template_warm_words(lines: list[str]) -> None:
    # A long-lived worker's state: the word memo is warm from earlier rounds, whole-line memos start empty.
    _WARM.forget_lines()
    template_of = _WARM.template_of
    for line in lines:
        template_of(redact(parse_line(line, now=ARRIVED).message)[0])


def other_lines(shared: Path) -> tuple[list[str], list[str]]:
    """The lnav sample lines and the fail2ban log lines (comments and blank lines left out)."""
    lnav_path = shared / "formats" / "lnav-samples.jsonl"
    fail2ban_dir = shared / "fail2ban" / "logs"
    if not lnav_path.exists() or not fail2ban_dir.is_dir():
        sys.exit(f"{lnav_path} or {fail2ban_dir} is missing; pass --shared with the folder that holds them.")
    lnav = [json.loads(row)["line"] for row in lnav_path.read_text(encoding="utf-8").splitlines() if row.strip()]
    fail2ban = [
        line
        for path in sorted(fail2ban_dir.iterdir())
        if path.is_file()
        for line in path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return lnav, fail2ban


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="passes per measurement; the best counts")
    parser.add_argument("--loghub", type=Path, default=DEFAULT_LOGHUB, help="folder of the Loghub samples")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder of formats/ and fail2ban/")
    args = parser.parse_args()

    systems: dict[str, list[str]] = {}
    for system in EXPECTED:
        path = args.loghub / system / f"{system}_2k.log"
        if not path.exists():
            sys.exit(f"Loghub sample {path} is missing; pass --loghub with the folder that holds it.")
        systems[system] = path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()

    print(f"{'system':<10} {'lines':>5} {'expected':<13} {'detected':>8} {'timestamp':>9} {'level':>6}  other")
    for system, lines in systems.items():
        events = [parse_line(line, now=ARRIVED) for line in lines]
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
    lnav, fail2ban = other_lines(args.shared)
    dev = mix + lnav + fail2ban
    print(f"\nmixed dev set: {len(dev)} lines (Loghub {len(mix)}, lnav {len(lnav)}, fail2ban {len(fail2ban)})")
    rates["dev_parse_line_and_redact"] = best_rate(parse_and_redact, dev, args.rounds)
    rates["dev_parse_redact_template"] = best_rate(parse_redact_template, dev, args.rounds)
    rates["dev_parse_redact_template_warm_words"] = best_rate(parse_redact_template_warm_words, dev, args.rounds)
    rates["parse_redact_template"] = best_rate(parse_redact_template, mix, args.rounds)
    print(f"parse_line + redact             {rates['dev_parse_line_and_redact']:>10,.0f} lines/s")
    print(f"parse_line + redact + template  {rates['dev_parse_redact_template']:>10,.0f} lines/s  (target 50,000)")
    print(f"  with the word memo warm       {rates['dev_parse_redact_template_warm_words']:>10,.0f} lines/s")
    print(f"  the same on the Loghub mix    {rates['parse_redact_template']:>10,.0f} lines/s\n")
    for system, lines in systems.items():
        rates[f"parse_line_{system}"] = best_rate(parse_all, lines, args.rounds)
        print(f"  parse_line {system:<10} {rates[f'parse_line_{system}']:>10,.0f} lines/s")
    hostile = hostile_ms()
    print(
        "\n1 MB hostile lines, parse + redact + template: " + ", ".join(f"{k} {v:,.0f} ms" for k, v in hostile.items())
    )
    figures = {f"{name}_lines_per_s": round(rate) for name, rate in rates.items()}
    print(json.dumps({"bench": "parse", **figures, "hostile_1mb_worst_ms": round(max(hostile.values()))}))


if __name__ == "__main__":
    main()
