"""Builders shared by the alerting tests: alert messages, routes files, configs, a consumer subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from alerting.status import read_status
from core.config import REPO_ROOT, Config, load_config
from core.contract import status_path
from tests.alerting.chat_servers import SlackServer, TelegramServer

__all__ = [
    "TRICKY",
    "alert_dict",
    "alert_bytes",
    "routes_doc",
    "write_routes",
    "chat_env",
    "make_config",
    "ConsumerProcess",
    "wait_until",
]

# What must arrive intact: Slack and Telegram markup characters in a log line.
TRICKY = "login failed for <admin> & user_name *root* from 10.0.0.1 <script>alert(1)</script> a_b_c"


def alert_dict(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    doc: dict[str, Any] = {
        "alert_id": f"rule-x:{uuid.uuid4().hex[:10]}",
        "status": "firing",
        "rule": "error-rate",
        "severity": "HIGH",
        "service": "payments",
        "category": "security",
        "window_start": (now - timedelta(minutes=5)).isoformat().replace("+00:00", "Z"),
        "window_end": now.isoformat().replace("+00:00", "Z"),
        "value": 42,
        "threshold": 10,
        "samples": [TRICKY, "second line", "third line"],
        "dashboard_url": "",
        "generated_at": now.isoformat().replace("+00:00", "Z"),
    }
    doc.update(overrides)
    return doc


def alert_bytes(**overrides: Any) -> bytes:
    return json.dumps(alert_dict(**overrides)).encode()


def routes_doc(slack: SlackServer, telegram: TelegramServer, **route_overrides: Any) -> dict[str, Any]:
    """Telegram on-call for HIGH and CRITICAL, Slack for everything; ``route_overrides`` apply to both routes."""
    routes = [
        {
            "name": "oncall",
            "receiver": "oncall-telegram",
            "min_severity": "HIGH",
            "group_wait_s": 0,
            "repeat_interval_s": 3600,
        },
        {"name": "team", "receiver": "team-slack", "group_wait_s": 0, "repeat_interval_s": 3600},
    ]
    for route in routes:
        route.update(route_overrides)
    return {
        "receivers": {
            "oncall-telegram": {"type": "telegram", "chat_id": "-1001", "base_url": f"{telegram.url}/bot"},
            "team-slack": {"type": "slack", "channel": "#alerts", "base_url": f"{slack.url}/api/"},
        },
        "routes": routes,
    }


def write_routes(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def chat_env(slack: SlackServer | None, telegram: TelegramServer | None) -> dict[str, str]:
    env: dict[str, str] = {}
    if slack is not None:
        env["SLACK_BOT_TOKEN"] = slack.token
    if telegram is not None:
        env["TELEGRAM_BOT_TOKEN"] = telegram.token
    return env


def make_config(
    var_dir: Path,
    routes: Path,
    *,
    bootstrap: str,
    topic: str,
    dlq_topic: str,
    group: str,
    es_url: str = "http://127.0.0.1:9",
    alerts_index: str | None = None,
    silences_index: str | None = None,
    **alerting: Any,
) -> tuple[Config, dict[str, str]]:
    """A config for one test (and the environment that reproduces it in a subprocess); indices left out are
    the configuration's defaults.
    """
    env = {
        "LOGWATCH_VAR_DIR": str(var_dir),
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "ES_URL": es_url,
        "ES_REQUEST_TIMEOUT_S": "5",
        "API_PUBLIC_URL": "https://logs.example.org",
        "ALERTING_ROUTES_FILE": str(routes),
        "TOPICS_ALERTS": topic,
        "TOPICS_ALERTS_DLQ": dlq_topic,
        "ALERTING_CONSUMER_GROUP": group,
        "ALERTING_SEND_TIMEOUT_S": "2",
        "ALERTING_MAX_ATTEMPTS": "3",
        "ALERTING_INITIAL_BACKOFF_S": "0.2",
        "ALERTING_MAX_BACKOFF_S": "1",
        "ALERTING_DELIVERY_DEADLINE_S": "20",
        "ALERTING_COMMIT_INTERVAL_S": "0.2",
        "ALERTING_STATUS_INTERVAL_S": "0.3",
        "ALERTING_SILENCE_REFRESH_S": "0.5",
        "ALERTING_HISTORY_FLUSH_S": "0.3",
    }
    env.update({f"ALERTING_{k.upper()}": str(v) for k, v in alerting.items()})
    env.update({k: v for k, v in (("INDICES_ALERTS", alerts_index), ("INDICES_SILENCES", silences_index)) if v})
    return load_config(env=env), env


def wait_until(check: Callable[[], Any], timeout_s: float, what: str, interval_s: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(interval_s)


class ConsumerProcess:
    """``python -m alerting run`` in a subprocess, its output in a log file."""

    def __init__(self, config: Config, env: dict[str, str], log_path: Path) -> None:
        self.config = config
        self.log_path = log_path
        self._log = log_path.open("ab")
        full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "alerting", "run"],
            cwd=REPO_ROOT,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def status(self) -> dict[str, Any] | None:
        doc = read_status(status_path(self.config.var_dir, "alerting"))
        return doc if doc and doc.get("pid") == self.proc.pid else None

    def wait_status(self, check: Callable[[dict[str, Any]], bool], timeout_s: float, what: str) -> dict[str, Any]:
        def ready() -> dict[str, Any] | None:
            if self.proc.poll() is not None:
                raise AssertionError(f"consumer exited with {self.proc.returncode}:\n{self.log()}")
            doc = self.status()
            return doc if doc and check(doc) else None

        try:
            return dict(wait_until(ready, timeout_s, what))
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- consumer log ---\n{self.log()}") from None

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self, timeout_s: float = 20.0) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout_s)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-6000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._log.close()
