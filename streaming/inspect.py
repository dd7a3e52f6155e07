"""``python -m streaming.inspect [FILE ...]``: what logwatch makes of your log lines, with no Kafka, ES or Spark.

Each input line (files, or stdin when none is named) becomes the record a shipper would send: the line as the
Kafka value and ``--service`` as its key. The lines then go through the functions the streaming job's Python
pass calls (streaming.batch): :func:`streaming.parse.parse_frame` (parse, redact, template),
:func:`streaming.classify.label` (the trained model, nlp's default artifact) and
:func:`streaming.sink.document`. One JSON object is printed per input line, in input order: the document the
job would index, without the Kafka position fields (``kafka``, ``event_id``), or ``{"dlq": true, "reason": ...}``
for a line the job would dead-letter.

Files are read as bytes and split on ``\\n`` only, so invalid UTF-8 shows the job's own DLQ reason instead of a
decoding error here, and a 1 MB line is one line.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import IO, Any

import pandas as pd

from core.config import load_config
from core.errors import LogwatchError
from streaming.classify import label
from streaming.parse import KAFKA_COLUMNS, parse_frame
from streaming.sink import document
from streaming.zones import UTC_ONLY, Zones

__all__ = ["inspect_lines", "main", "read_lines"]

logger = logging.getLogger(__name__)

# Where a record sits on Kafka says nothing about the line, and differs on every run.
_POSITION_FIELDS = ("kafka", "event_id")
# Lines per parse/classify call: the model labels a batch much faster than line by line.
BATCH_LINES = 500


def read_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """The lines of a binary stream, without their ``\\n``; a last line without one still counts.

    :param stream: a file opened in binary mode, or ``sys.stdin.buffer``.
    """
    # Binary iteration splits on b"\n" only (not on \r, \x0b or \x85 as str.splitlines would).
    for line in stream:
        yield line[:-1] if line.endswith(b"\n") else line


def _frame(lines: Sequence[bytes], key: bytes | None, topic: str, first_offset: int, arrived: datetime) -> pd.DataFrame:
    """A frame shaped like the Kafka source's: one record per line, arrival times as naive UTC."""
    stamp = pd.Timestamp(arrived.astimezone(UTC).replace(tzinfo=None))
    rows = [(key, line, topic, 0, first_offset + i, stamp) for i, line in enumerate(lines)]
    return pd.DataFrame(rows, columns=list(KAFKA_COLUMNS))


def _output(row: dict[str, Any], processed_at: datetime) -> dict[str, Any]:
    if row["error"]:
        return {"dlq": True, "reason": row["error"]}
    doc = document(row, processed_at)
    for name in _POSITION_FIELDS:
        doc.pop(name, None)
    return doc


def inspect_lines(
    lines: Iterable[bytes],
    service: str | None = None,
    *,
    topic: str = "logs",
    zones: Zones = UTC_ONLY,
    batch_lines: int = BATCH_LINES,
    now: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """Per line, the document the job would index, or ``{"dlq": True, "reason": ...}``.

    :param lines: raw lines, as bytes without their newline.
    :param service: the Kafka key a shipper would send (the service of a raw line that names none).
    :param topic: the topic the records would arrive on (``config.topics.logs``).
    :param zones: the zone of zone-less times, by service (``streaming.time_zone`` and its overrides).
    :param batch_lines: how many lines go through the stages at once (1: each line as soon as it is read).
    :param now: the records' arrival and processing time (the current time by default).
    :raises NlpError: the classifier model is missing or incompatible (run ``make train``).
    """
    key = service.encode() if service else None
    offset = 0
    batch: list[bytes] = []

    def flush() -> Iterator[dict[str, Any]]:
        nonlocal offset
        arrived = now or datetime.now(UTC)
        rows = parse_frame(_frame(batch, key, topic, offset, arrived), zones)
        label(rows)
        offset += len(batch)
        batch.clear()
        for row in rows:
            yield _output(row, arrived)

    for line in lines:
        batch.append(line)
        if len(batch) >= batch_lines:
            yield from flush()
    if batch:
        yield from flush()


def _inputs(paths: Sequence[str]) -> Iterator[bytes]:
    for path in paths or ["-"]:
        if path == "-":
            yield from read_lines(sys.stdin.buffer)
            continue
        with open(path, "rb") as stream:
            yield from read_lines(stream)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 when a file or the model cannot be read).

    :param argv: the arguments (``sys.argv[1:]`` by default).
    """
    parser = argparse.ArgumentParser(
        prog="python -m streaming.inspect",
        description="Print, one JSON object per input line, the document logwatch would index for it "
        '(or {"dlq": true, "reason": ...}). Reads the files, or stdin when none is given.',
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="log files ('-' for stdin)")
    parser.add_argument("--service", metavar="NAME", help="the Kafka key a shipper would send: the service name")
    args = parser.parse_args(argv)
    config = load_config()
    interactive = not args.files and sys.stdin.isatty()
    out = sys.stdout.buffer
    try:
        for doc in inspect_lines(
            _inputs(args.files),
            args.service,
            topic=config.topics.logs,
            zones=Zones.from_config(config.streaming),
            batch_lines=1 if interactive else BATCH_LINES,
        ):
            out.write(json.dumps(doc, ensure_ascii=False, default=str).encode())
            out.write(b"\n")
            if interactive:
                out.flush()
        out.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep the interpreter's own final flush quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"Cannot read {exc.filename or 'the input'}: {exc.strerror or exc}; check the path.", file=sys.stderr)
        return 2
    except LogwatchError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
