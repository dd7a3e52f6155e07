"""How well raw lines are read: timestamp, level and clean message, with and without the dedicated parsers.

Run: ``.venv/bin/python -m bench.eval_parse [--data DIR] [--rounds N] [--baseline FILE]``.

Data (read from ../shared/data, never copied into the repository):
- Loghub 2k samples of 8 systems (github.com/logpai/loghub; Zhu et al., ISSRE 2023): each line against its
  ``_structured.csv`` row: timestamp right (where the columns give one; year-less stamps compared without
  the year), level right (where the Level column holds a level), clean message (== ``Content``);
- lnav's format samples (github.com/tstack/lnav ``src/formats/*.json``, BSD-2-Clause): level right against
  the expected level, and whether a timestamp was found;
- fail2ban's test logs (fail2ban 1.0.2 ``tests/files/logs``, GPL-2+): timestamp right against the
  ``# failJSON`` time of the next line. fail2ban's times are zone-less local wall-clock times of its test
  zone (Europe/Zurich): a zone-less stamp read as UTC matches it as written, a zoned one matches once shown in
  Europe/Zurich, so either counts. Year-less lines are compared without the year when the line does not
  hold it (fail2ban's test clock is in 2005).

Three columns per figure: ``all`` is :func:`streaming.formats.parse_line` with every dedicated parser;
``general`` is the general header reader alone (dedicated parsers off), the honest estimate for a system
nobody wrote a parser for; ``shipped`` is the line as a shipper's JSON envelope carries it (Filebeat's fields:
``@timestamp`` of when it was read, ``message``, ``host.name``, ``log.file.path``, ``agent``), through the job's
:func:`streaming.event.parse_record`. Then lines/s of each on the mixed set (process CPU time, best of N rounds).
Ends with one JSON line; ``--baseline`` takes an earlier run's JSON line and prints before -> after.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from core.contract import normalise_level
from streaming.event import parse_record
from streaming.formats import RawEvent, parse_line

__all__ = ["main"]

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
_ZURICH = ZoneInfo("Europe/Zurich")
_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}

Parser = Callable[[str], RawEvent]


def _general_parser() -> Parser:
    """The general reader alone, on the same stripped line parse_line would hand a detector."""
    try:
        from streaming.formats.header import parse_header  # type: ignore[import-not-found, unused-ignore]

        def general(text: str) -> RawEvent:
            line = text.strip().lstrip("\ufeff")
            return parse_header(line, NOW) if line else RawEvent(format="plain", message=text)  # type: ignore[no-any-return, unused-ignore]

    except ImportError:  # before the general reader existed: the plain fallback was all there was
        from streaming.formats.plain import parse_plain

        def general(text: str) -> RawEvent:
            line = text.strip().lstrip("\ufeff")
            return parse_plain(line, NOW) if line else RawEvent(format="plain", message=text)

    return general


def _all_parser(text: str) -> RawEvent:
    return parse_line(text, now=NOW)


def _shipped_parser(text: str) -> RawEvent:
    """The event the job makes of ``text`` inside a Filebeat event read at NOW; the time is None when it is the
    shipper's. The level is the document's, so a line naming none scores its default INFO."""
    envelope = {
        "@timestamp": NOW.isoformat(),
        "message": text,
        "host": {"name": "shipper-1"},
        "log": {"file": {"path": "/var/log/app.log"}, "offset": 0},
        "agent": {"type": "filebeat"},
    }
    parsed = parse_record(json.dumps(envelope).encode(), b"app", NOW)
    fields = parsed.fields
    if parsed.error is not None:
        return RawEvent(format="invalid", message="")
    return RawEvent(
        format=parsed.format,
        timestamp=None if fields["timestamp"] == NOW else fields["timestamp"],
        level=fields["level"],
        message=fields["message"],
    )


# Ground truth from the Loghub CSV columns: (datetime as written, year known?) or None.
def _loghub_time(system: str, row: dict[str, str]) -> tuple[datetime, bool] | None:
    try:
        if system == "Android":
            month, day = row["Date"].split("-")
            clock = datetime.strptime(row["Time"], "%H:%M:%S.%f")
            return datetime(2000, int(month), int(day), clock.hour, clock.minute, clock.second,
                            clock.microsecond, tzinfo=UTC), False  # fmt: skip
        if system == "Apache":
            return datetime.strptime(row["Time"], "%a %b %d %H:%M:%S %Y").replace(tzinfo=UTC), True
        if system in ("BGL", "HPC"):
            return datetime.fromtimestamp(int(row["Timestamp" if system == "BGL" else "Time"]), UTC), True
        if system == "HDFS":
            return datetime.strptime(row["Date"] + row["Time"], "%y%m%d%H%M%S").replace(tzinfo=UTC), True
        if system == "Linux":
            clock = datetime.strptime(row["Time"], "%H:%M:%S")
            return datetime(2000, _MONTHS[row["Month"]], int(row["Date"]), clock.hour, clock.minute,
                            clock.second, tzinfo=UTC), False  # fmt: skip
        if system == "Spark":
            return datetime.strptime(row["Date"] + " " + row["Time"], "%y/%m/%d %H:%M:%S").replace(tzinfo=UTC), True
        if system == "Zookeeper":
            return datetime.strptime(row["Date"] + " " + row["Time"], "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=UTC), True
    except (KeyError, ValueError):
        return None
    return None


def _same_time(found: datetime | None, expected: datetime, year_known: bool, to_second: bool) -> bool:
    if found is None:
        return False
    if to_second:
        found, expected = found.replace(microsecond=0), expected.replace(microsecond=0)
    if not year_known:
        found = found.replace(year=2000) if not (found.month == 2 and found.day == 29) else found
        return (found.month, found.day, found.time()) == (expected.month, expected.day, expected.time())
    return found == expected


def _level_of(value: str | None) -> str | None:
    if not value:
        return None
    # logcat/glog letters V and A are levels too (verbose, assert), as the logcat parser maps them.
    return {"V": "TRACE", "A": "CRITICAL"}.get(value.strip()) or normalise_level(value)


@dataclass
class Score:
    """Right/total counters of one data set under one parser."""

    counts: dict[str, list[int]] = field(default_factory=dict)

    def add(self, name: str, right: bool) -> None:
        pair = self.counts.setdefault(name, [0, 0])
        pair[0] += right
        pair[1] += 1

    def share(self, name: str) -> float | None:
        pair = self.counts.get(name)
        return None if not pair or not pair[1] else pair[0] / pair[1]


def eval_loghub(data: Path, system: str, parse: Parser) -> Score:
    base = data / "loghub" / system / f"{system}_2k.log"
    lines = base.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    with open(f"{base}_structured.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    score = Score()
    for line, row in zip(lines, rows, strict=True):
        parsed = parse(line)
        expected = _loghub_time(system, row)
        if expected is not None:
            score.add("timestamp", _same_time(parsed.timestamp, expected[0], expected[1], system in ("BGL", "HPC")))
        level = _level_of(row.get("Level"))
        if level is not None:
            score.add("level", parsed.level == level)
        score.add("message", parsed.message.strip() == row["Content"].strip())
    return score


def eval_lnav(data: Path, parse: Parser) -> Score:
    score = Score()
    for text in (data / "formats" / "lnav-samples.jsonl").read_text(encoding="utf-8").splitlines():
        sample = json.loads(text)
        parsed = parse(sample["line"])
        score.add("timestamp_found", parsed.timestamp is not None)
        level = _level_of(sample.get("level"))
        if level is not None:
            score.add("level", parsed.level == level)
    return score


def fail2ban_cases(data: Path) -> list[tuple[str, datetime]]:
    cases: list[tuple[str, datetime]] = []
    for path in sorted((data / "fail2ban" / "logs").rglob("*")):
        if not path.is_file():
            continue
        expected: datetime | None = None
        for line in path.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
            if line.startswith("#"):
                m = re.match(r"#\s*failJSON:\s*(\{.*\})", line)
                expected = None
                if m is not None:
                    try:
                        stamp = json.loads(m.group(1)).get("time")
                        expected = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
                    except (ValueError, AttributeError):
                        expected = None
                continue
            if expected is not None and line.strip():
                cases.append((line, expected))
            expected = None
    return cases


def eval_fail2ban(cases: list[tuple[str, datetime]], parse: Parser) -> Score:
    score = Score()
    for line, expected in cases:
        found = parse(line).timestamp
        year_known = str(expected.year) in line
        ok = False
        if found is not None:
            for view in (found.replace(tzinfo=None), found.astimezone(_ZURICH).replace(tzinfo=None)):
                ok = ok or _same_time(view, expected, year_known, to_second=True)
        score.add("timestamp", ok)
    return score


def best_rate(parse: Parser, lines: list[str], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for line in lines:
            parse(line)
        best = min(best, time.process_time() - started)
    return len(lines) / best


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--rounds", type=int, default=3, help="passes per speed measurement; the best counts")
    parser.add_argument("--baseline", type=Path, help="a file whose last line is an earlier run's JSON line")
    args = parser.parse_args()
    if not (args.data / "loghub").is_dir():
        sys.exit(f"No Loghub data under {args.data}; pass --data with the shared data folder.")

    modes: dict[str, Parser] = {"all": _all_parser, "general": _general_parser(), "shipped": _shipped_parser}
    systems = sorted(p.name for p in (args.data / "loghub").iterdir() if (p / f"{p.name}_2k.log").exists())
    cases = fail2ban_cases(args.data)
    results: dict[str, dict[str, float | None]] = {}
    for mode, parse in modes.items():
        scores = {f"loghub.{s}": eval_loghub(args.data, s, parse) for s in systems}
        scores["lnav"] = eval_lnav(args.data, parse)
        scores["fail2ban"] = eval_fail2ban(cases, parse)
        for name, score in scores.items():
            for metric in score.counts:
                results.setdefault(f"{name}.{metric}", {})[mode] = score.share(metric)
        for metric in ("timestamp", "level", "message"):
            shares = [s for n in systems if (s := scores[f"loghub.{n}"].share(metric)) is not None]
            results.setdefault(f"loghub.mean.{metric}", {})[mode] = sum(shares) / len(shares) if shares else None

    mix = [line for s in systems for line in (args.data / "loghub" / s / f"{s}_2k.log").read_text(
        encoding="utf-8", errors="surrogateescape").splitlines()]  # fmt: skip
    mix += [json.loads(t)["line"] for t in (args.data / "formats" / "lnav-samples.jsonl").read_text().splitlines()]
    mix += [line for line, _ in cases]
    for mode, parse in modes.items():
        results.setdefault("lines_per_s", {})[mode] = round(best_rate(parse, mix, args.rounds))

    before: dict[str, dict[str, float | None]] = {}
    if args.baseline is not None:
        before = json.loads(args.baseline.read_text().strip().splitlines()[-1])["results"]
    print(f"data sets: loghub {systems}; lnav 253 samples; fail2ban {len(cases)} lines; mix {len(mix)} lines")
    print(f"{'figure':<32} {'all':>17} {'general only':>17} {'shipped':>17}")
    for name, pair in results.items():
        cells = []
        for mode in modes:
            now_value = pair.get(mode)
            text = f"{now_value:,.0f}" if name == "lines_per_s" and now_value else _fmt(now_value)
            if before:
                old = before.get(name, {}).get(mode)
                old_text = f"{old:,.0f}" if name == "lines_per_s" and old else _fmt(old)
                text = f"{old_text} -> {text}"
            cells.append(text)
        print(f"{name:<32} {''.join(f'{cell:>18}' for cell in cells)}")
    rounded = {k: {m: (round(v, 4) if isinstance(v, float) else v) for m, v in p.items()} for k, p in results.items()}
    print(json.dumps({"bench": "eval_parse", "results": rounded}))


if __name__ == "__main__":
    main()
