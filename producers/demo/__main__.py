"""``python -m producers.demo``: run the demo services against Kafka (or stdout with --dry-run)."""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time

from producers._signals import stop_on_signals
from producers.config import default_bootstrap_servers, default_topic
from producers.demo import INCIDENTS, SERVICES, DemoRunner, build_simulators, parse_duration, parse_incident
from producers.demo.incidents import Incident
from producers.errors import ProducerError
from producers.producer import LogProducer
from producers.transport import StreamTransport

__all__ = ["main", "build_parser"]


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m producers.demo",
        description="Simulated services (music recommender, search, auth, payment, inventory) logging to Kafka.",
        epilog="incidents: " + "; ".join(f"{k} ({v})" for k, v in INCIDENTS.items()),
    )
    parser.add_argument(
        "--bootstrap",
        default=default_bootstrap_servers(),
        help="Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092)",
    )
    parser.add_argument("--topic", default=default_topic(), help="topic to send to (default: $TOPICS_LOGS or logs)")
    parser.add_argument("--rate", type=float, default=5.0, help="events per second, all services (default: 5)")
    parser.add_argument("--duration", default=None, help="how long to run, e.g. 10m (default: until stopped)")
    parser.add_argument(
        "--services", default=",".join(SERVICES), help=f"comma-separated subset of: {', '.join(SERVICES)}"
    )
    parser.add_argument(
        "--incident",
        action="append",
        default=[],
        metavar="NAME@START[+DURATION]",
        help="schedule an incident, e.g. brute_force@60s or latency_storm@2m+90s (repeatable)",
    )
    parser.add_argument(
        "--incident-rate",
        type=float,
        default=None,
        help="extra events per second during an incident (default: max(10, 3 x rate))",
    )
    parser.add_argument("--env", default="demo", help="the events' env field (default: demo)")
    parser.add_argument("--seed", type=int, default=None, help="random seed for a reproducible run")
    parser.add_argument("--spool", default=None, metavar="DIR", help="spool folder for zero loss across outages")
    parser.add_argument(
        "--label",
        action="store_true",
        help="add attributes.expected_category (the intended category, for checking the classifier)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print events as JSON lines instead of sending them")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        incidents: list[Incident] = [parse_incident(spec) for spec in args.incident]
        duration_s = parse_duration(args.duration) if args.duration else None
        rng = random.Random(args.seed)
        simulators = build_simulators([s.strip() for s in args.services.split(",") if s.strip()], rng)
    except ValueError as exc:
        parser.error(str(exc))
    if args.rate <= 0:
        parser.error("--rate must be positive.")
    say = None if args.quiet else _say
    try:
        producer = LogProducer(
            "demo",
            bootstrap_servers=args.bootstrap,
            topic=args.topic,
            env=args.env,
            spool_dir=args.spool,
            transport_factory=(lambda _c: StreamTransport()) if args.dry_run else None,
        )
    except ProducerError as exc:
        parser.error(str(exc))
    stop = threading.Event()
    runner = DemoRunner(producer, simulators, args.rate, incidents, args.incident_rate, rng, args.label, say)
    target = "stdout" if args.dry_run else f"{args.bootstrap} topic {args.topic}"
    if say:
        plan = "; ".join(str(i) for i in incidents) or "none"
        names = ", ".join(s.name for s in simulators)
        say(f"demo: {names} -> {target} at {args.rate:g} ev/s; incidents: {plan}")
    started = time.monotonic()
    try:
        with stop_on_signals(stop):
            runner.run(duration_s, stop)
    finally:
        left = producer.close(5.0)
        runner.close()
    stats = producer.stats()
    if say:
        say(
            f"demo: stopped after {time.monotonic() - started:.0f}s; emitted {stats.emitted}, delivered "
            f"{stats.sent}, dropped {stats.dropped_total}, failed {stats.failed}, undelivered {left}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
