"""``python -m producers.loadgen``: synthetic load or raw log replay to Kafka, with a progress bar."""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from producers._signals import stop_on_signals
from producers.config import default_bootstrap_servers, default_topic
from producers.demo import SERVICES, parse_duration
from producers.errors import ProducerError
from producers.loadgen.generate import EventPool, LoadResult, run_replay, run_synthetic
from producers.loadgen.progress import Progress
from producers.loadgen.replay import interleave, log_files, service_for
from producers.producer import LogProducer
from producers.transport import StreamTransport

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m producers.loadgen",
        description="Send synthetic events (or raw log lines with --replay) to Kafka at a set rate.",
    )
    parser.add_argument("--rate", type=float, default=1000.0, help="events per second; 0 = as fast as possible")
    parser.add_argument("--duration", default=None, help="how long, e.g. 30s or 2m (default: 10s; replay: all)")
    parser.add_argument(
        "--services",
        default=",".join(SERVICES),
        help=f"comma-separated service names; demo ones ({', '.join(SERVICES)}) get realistic events",
    )
    parser.add_argument(
        "--replay",
        action="append",
        default=[],
        metavar="PATH",
        help="send the raw lines of a log file or folder as they are, keyed by file name (repeatable)",
    )
    parser.add_argument("--loop", action="store_true", help="with --replay: start over until --duration ends")
    parser.add_argument(
        "--bootstrap",
        default=default_bootstrap_servers(),
        help="Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092)",
    )
    parser.add_argument("--topic", default=default_topic(), help="topic to send to (default: $TOPICS_LOGS or logs)")
    parser.add_argument("--flush-timeout", type=float, default=30.0, help="seconds to wait for delivery at the end")
    parser.add_argument("--queue", type=int, default=200_000, help="producer memory bound in events")
    parser.add_argument("--pool", type=int, default=5000, help="distinct synthetic events to cycle through")
    parser.add_argument("--seed", type=int, default=None, help="random seed")
    parser.add_argument("--dry-run", action="store_true", help="write events to stdout instead of Kafka")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _summary(result: LoadResult, what: str) -> str:
    return (
        f"loadgen: emitted {result.emitted} {what} in {result.emit_s:.1f} s "
        f"(achieved {result.achieved_rate:,.0f} ev/s); delivered {result.sent} "
        f"({result.dropped} dropped, {result.failed} failed, {result.pending} pending) "
        f"in {result.total_s:.1f} s = {result.delivered_rate:,.0f} ev/s end to end"
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.rate < 0:
        parser.error("--rate must be 0 (as fast as possible) or positive.")
    try:
        duration_s = parse_duration(args.duration) if args.duration else None
        files = log_files([Path(p) for p in args.replay]) if args.replay else []
    except (ValueError, FileNotFoundError) as exc:
        parser.error(str(exc))
    if args.replay and not files:
        parser.error(f"No log files found in {', '.join(args.replay)}; pass .log files or a folder of them.")
    try:
        producer = LogProducer(
            "loadgen",
            bootstrap_servers=args.bootstrap,
            topic=args.topic,
            max_queue_events=args.queue,
            max_queue_bytes=max(64 << 20, args.queue * 2048),
            max_event_bytes=1 << 20 if files else 32 << 10,
            transport_factory=(lambda _c: StreamTransport()) if args.dry_run else None,
        )
    except ProducerError as exc:
        parser.error(str(exc))
    stop = threading.Event()
    out = sys.stderr if args.dry_run else sys.stdout
    try:
        with stop_on_signals(stop):
            result = _execute(args, producer, files, duration_s, stop, out)
    finally:
        producer.close(2.0)
    return 0 if result.pending == 0 and result.failed == 0 else 1


def _execute(
    args: argparse.Namespace,
    producer: LogProducer,
    files: list[Path],
    duration_s: float | None,
    stop: threading.Event,
    out: TextIO,
) -> LoadResult:
    if files:
        progress = Progress(duration_s, enabled=not args.quiet)
        names = sorted({service_for(f) for f in files})
        print(
            f"loadgen: replaying {len(files)} file(s) as services {', '.join(names)} -> {args.bootstrap} "
            f"topic {args.topic}",
            file=out,
            flush=True,
        )
        rounds: Iterable[list[Path]] = itertools.repeat(files) if args.loop else [files]
        lines = (pair for batch in rounds for pair in interleave(batch))
        result = run_replay(producer, lines, args.rate, duration_s, progress, args.flush_timeout, stop)
        print(_summary(result, "lines"), file=out)
        return result
    duration_s = duration_s if duration_s is not None else 10.0
    progress = Progress(duration_s, enabled=not args.quiet)
    services = [s.strip() for s in args.services.split(",") if s.strip()]
    pool = EventPool(services, args.pool, random.Random(args.seed))
    print(
        f"loadgen: {args.rate:g} ev/s for {duration_s:g} s from {', '.join(services)} -> "
        f"{args.bootstrap} topic {args.topic}",
        file=out,
        flush=True,
    )
    result = run_synthetic(producer, pool, args.rate, duration_s, progress, args.flush_timeout, stop)
    print(_summary(result, "events"), file=out)
    return result


if __name__ == "__main__":
    sys.exit(main())
