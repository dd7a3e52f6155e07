"""The routes file: validation naming the file and key, matching, the log-sender fallback, secrets."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from alerting.errors import RoutesError
from alerting.routing import load_routes, parse_routes
from alerting.senders import LogSender, SlackSender, TelegramSender
from core.alert import parse_alert
from core.config import REPO_ROOT
from tests.alerting.helpers import alert_dict

ENV = {
    "SLACK_BOT_TOKEN": "xoxb-abc-secret-1234",
    "TELEGRAM_BOT_TOKEN": "1:secret-telegram-token",
    "TELEGRAM_ONCALL_CHAT_ID": "-100200",
}


def _doc(**route: Any) -> dict[str, Any]:
    return {
        "receivers": {"tg": {"type": "telegram", "chat_id": "-1"}, "sl": {"type": "slack", "channel": "#a"}},
        "routes": [{"name": "r", "receiver": "tg", **route}],
    }


def test_default_routes_file_uses_the_chat_senders_when_tokens_are_set() -> None:
    routing = load_routes(REPO_ROOT / "alerting" / "routes.yaml", ENV, 5.0)
    assert isinstance(routing.receivers["oncall-telegram"], TelegramSender)
    assert isinstance(routing.receivers["team-slack"], SlackSender)
    assert routing.receivers["oncall-telegram"].describe() == "telegram chat -100200"
    high = parse_alert(alert_dict(severity="HIGH"))
    low = parse_alert(alert_dict(severity="LOW"))
    assert [r.name for r in routing.match(high)] == ["oncall", "team"]
    assert [r.name for r in routing.match(low)] == ["team"]
    routing.close()


def test_without_tokens_every_receiver_falls_back_to_the_log_sender_with_one_warning_each(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="alerting")
    routing = load_routes(REPO_ROOT / "alerting" / "routes.yaml", {}, 5.0)
    assert all(isinstance(s, LogSender) for s in routing.receivers.values())
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert any("TELEGRAM_ONCALL_CHAT_ID" in w and "TELEGRAM_BOT_TOKEN" in w for w in warnings)
    assert any("SLACK_BOT_TOKEN,SLACK_WEBHOOK_URL" in w for w in warnings)
    assert routing.receivers["team-slack"].describe() == "log (stand-in for team-slack (slack))"


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({"routes": []}, "receivers is required; add it"),
        ({**_doc(), "routes": []}, "routes: list should have at least 1 item"),
        (_doc(colour="red"), "unknown key routes[0].colour; remove or rename it"),
        (_doc(receiver="nope"), "routes[0].receiver names 'nope', which is not under receivers; use one of tg, sl"),
        (_doc(severity=["HUGE"]), "routes[0].severity[0]: must be one of LOW, MEDIUM, HIGH, CRITICAL, got 'HUGE'"),
        (_doc(min_severity="HUGE"), "routes[0].min_severity: must be one of LOW, MEDIUM, HIGH, CRITICAL"),
        (_doc(group_wait_s=-1), "routes[0].group_wait_s: must be a number of seconds, 0 or more, got -1"),
        (_doc(stop="yes"), "routes[0].stop: input should be a valid boolean"),
        (_doc(service=5), "routes[0].service: must be a string or a list of strings"),
        (
            _doc(category="misc"),
            "routes[0].category: must be one of security, performance, business, general, got 'misc'",
        ),
        (
            {"receivers": {"tg": {"type": "telegram"}}, "routes": [{"name": "r", "receiver": "tg"}]},
            "receivers.tg is missing chat_id for type telegram",
        ),
        (
            {"receivers": {"sl": {"type": "slack"}}, "routes": [{"name": "r", "receiver": "sl"}]},
            "receivers.sl is missing channel for type slack",
        ),
        (
            {"receivers": {"x": {"type": "pager"}}, "routes": [{"name": "r", "receiver": "x"}]},
            "receivers.x.type: must be one of log, slack, telegram, got 'pager'",
        ),
        (
            {
                "receivers": {"tg": {"type": "telegram", "chat_id": "1", "token": "inline"}},
                "routes": [{"name": "r", "receiver": "tg"}],
            },
            "receivers.tg has unknown key 'token' for type telegram; allowed: base_url, chat_id",
        ),
        (
            {**_doc(), "routes": [{"name": "r", "receiver": "tg"}, {"name": "r", "receiver": "sl"}]},
            "route name 'r' is used twice",
        ),
    ],
)
def test_routes_errors_name_the_file_and_the_key(doc: dict[str, Any], words: str) -> None:
    with pytest.raises(RoutesError) as info:
        parse_routes(doc, "routes.yaml", ENV, 5.0)
    assert str(info.value).startswith("routes.yaml:")
    assert words in str(info.value)


def test_unreadable_or_invalid_routes_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(RoutesError, match=r"Cannot read the routes file \(alerting.routes_file\) .*missing.yaml"):
        load_routes(tmp_path / "missing.yaml", ENV, 5.0)
    bad = tmp_path / "bad.yaml"
    bad.write_text("routes: [\n")
    with pytest.raises(RoutesError, match="is not valid YAML"):
        load_routes(bad, ENV, 5.0)


def test_matchers_combine_and_stop_ends_the_walk() -> None:
    doc = {
        "receivers": {"tg": {"type": "telegram", "chat_id": "-1"}, "sl": {"type": "slack", "channel": "#a"}},
        "routes": [
            {"name": "sec", "receiver": "tg", "category": "security", "service": ["auth", "payments"], "stop": True},
            {"name": "crit", "receiver": "tg", "severity": "CRITICAL", "rule": "error-rate"},
            {"name": "all", "receiver": "sl", "group_by": ["service", "rule"]},
        ],
    }
    routing = parse_routes(doc, "r.yaml", ENV, 5.0)

    def names(**kw: Any) -> list[str]:
        return [r.name for r in routing.match(parse_alert(alert_dict(**kw)))]

    assert names(category="security", service="auth") == ["sec"]
    assert names(category="security", service="web", severity="CRITICAL") == ["crit", "all"]
    assert names(category="business", severity="CRITICAL", rule="latency") == ["all"]
    assert routing.route("all").group_key(parse_alert(alert_dict(service="s1"))) == ("error-rate", "s1")
    with pytest.raises(RoutesError, match="no route named 'x'; the routes are: sec, crit, all"):
        routing.route("x")


def test_secrets_come_from_named_env_vars_and_never_print() -> None:
    doc = {
        "receivers": {"hook": {"type": "slack", "webhook_url_env": "MY_HOOK"}},
        "routes": [{"name": "r", "receiver": "hook"}],
    }
    env = {"MY_HOOK": "https://hooks.slack.com/services/T1/B2/very-secret-path"}
    sender = parse_routes(doc, "r.yaml", env, 5.0).receivers["hook"]
    assert isinstance(sender, SlackSender)
    assert sender.describe() == "slack webhook hooks.slack.com"
    assert "very-secret-path" not in repr(sender.secrets) and "very-secret-path" not in str(sender.secrets)
