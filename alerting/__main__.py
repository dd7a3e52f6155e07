"""``python -m alerting run`` consumes the alerts topic; ``test-message --route NAME`` checks one route.

Exit status: 0 fine, 1 the test message was not delivered, 2 the configuration or routes file is wrong.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sys
import threading
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from kafka.errors import KafkaError

from alerting.consumer import AlertConsumer, retry_policy, routes_path
from alerting.errors import AlertingError
from alerting.retry import deliver
from alerting.routing import load_routes
from alerting.senders.base import AlertGroup
from core.alert import Alert
from core.config import load_config
from core.contract import SEVERITIES
from core.errors import LogwatchError

__all__ = ["main", "sample_alert"]

logger = logging.getLogger(__name__)

_SECRET_ENV = ("SLACK_BOT_TOKEN", "SLACK_WEBHOOK_URL", "TELEGRAM_BOT_TOKEN")


class _Scrub(logging.Filter):
    """Last line of defence: no log line carries a token, whichever library wrote it."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 8]

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        clean = re.sub(r"bot\d+:[A-Za-z0-9_-]+", "bot***", text)
        for secret in self._secrets:
            clean = clean.replace(secret, "***")
        if clean != text:
            record.msg, record.args = clean, None
        return True


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(_Scrub([os.environ.get(name, "") for name in _SECRET_ENV]))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # httpx logs each request URL at INFO, and a Telegram URL contains the bot token.
    for noisy in ("httpx", "httpcore", "kafka", "telegram", "slack_sdk"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # kafka-python logs every refused connection attempt at ERROR; a broker outage shows in our own lines.
    logging.getLogger("kafka.conn").setLevel(logging.CRITICAL)
    # It warns with a traceback on every failed request; our own modules say "unavailable" once per outage.
    logging.getLogger("elastic_transport").setLevel(logging.ERROR)


def sample_alert(severity: str = "HIGH", status: str = "firing") -> Alert:
    """A test alert whose text exercises escaping: ``<``, ``>``, ``&``, ``*`` and ``_``."""
    now = datetime.now(UTC)
    return Alert(
        alert_id=f"test-message-{uuid.uuid4().hex[:12]}",
        status=status,
        rule="test-message",
        severity=severity,
        service="logwatch",
        category="general",
        window_start=now - timedelta(minutes=5),
        window_end=now,
        value=42.0,
        threshold=10.0,
        generated_at=now,
        samples=("Test alert from logwatch: <b>not bold</b> & *not bold* _not italic_",),
    )


def _run(args: argparse.Namespace) -> int:
    config = load_config()
    if args.routes:
        config = config.model_copy(update={"alerting": config.alerting.model_copy(update={"routes_file": args.routes})})
    consumer = AlertConsumer(config)
    stop = consumer.stop_event

    def on_signal(signum: int, frame: FrameType | None) -> None:
        logger.info("stopping signal=%s", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        consumer.run(stop)
    except KafkaError as exc:
        print(
            f"error: Kafka at {config.kafka.bootstrap_servers} did not answer ({type(exc).__name__}); start it "
            "with make run or set KAFKA_BOOTSTRAP_SERVERS.",
            file=sys.stderr,
        )
        return 2
    return 0


def _test_message(args: argparse.Namespace) -> int:
    config = load_config()
    path = args.routes or str(routes_path(config))
    routing = load_routes(Path(path), dict(os.environ), config.alerting.send_timeout_s)
    try:
        route = routing.route(args.route)
        sender = routing.receivers[route.receiver]
        severity = max(route.severities, key=SEVERITIES.index) if route.severities else "HIGH"
        group = AlertGroup(
            route.name,
            (sample_alert(severity, "resolved" if args.resolved else "firing"),),
            config.api.dashboard_base,
        )
        outcome = deliver(sender, group, retry_policy(config), threading.Event())
    finally:
        routing.close()
    if outcome.ok:
        print(
            f"Test message sent on route {route.name} to {sender.describe()} "
            f"({outcome.attempts} attempt(s), {outcome.elapsed_s:.2f} s)."
        )
        return 0
    print(f"Test message on route {route.name} to {sender.describe()} failed: {outcome.error}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alerting", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="consume the alerts topic and deliver")
    run.add_argument("--routes", help="routes file (default: alerting.routes_file)")
    test = commands.add_parser("test-message", help="send a test alert on one route")
    test.add_argument("--route", required=True, help="route name from the routes file")
    test.add_argument("--routes", help="routes file (default: alerting.routes_file)")
    test.add_argument("--resolved", action="store_true", help="send a resolved notice instead")
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    try:
        return _run(args) if args.command == "run" else _test_message(args)
    except (AlertingError, LogwatchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
