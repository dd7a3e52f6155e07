"""Regenerate the committed corpus: ``python -m nlp.corpusgen [--out PATH] [--check]``."""

from __future__ import annotations

import argparse
import csv
import io
import logging
import sys
from collections import Counter
from pathlib import Path

from nlp.corpusgen import ALL_SOURCES, PER_LABEL, generate

__all__ = ["main", "render"]

logger = logging.getLogger(__name__)

_DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "corpus.csv"


def render() -> str:
    """Return the corpus as CSV text (message,label,source,template,split)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["message", "label", "source", "template", "split"])
    for row in generate(ALL_SOURCES, PER_LABEL):
        writer.writerow([row.message, row.label, row.source, row.template, row.split])
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) the corpus file.

    :param argv: command-line arguments.
    """
    parser = argparse.ArgumentParser(prog="python -m nlp.corpusgen", description=__doc__)
    parser.add_argument("--out", type=Path, default=_DEFAULT_OUT, help="CSV file to write")
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run python -m nlp.corpusgen", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    labels = Counter(r["label"] for r in rows)
    splits = Counter(r["split"] for r in rows)
    sources = len({r["source"] for r in rows})
    print(f"wrote {len(rows)} messages from {sources} sources to {args.out}: {dict(labels)} {dict(splits)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
