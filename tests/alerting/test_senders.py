"""The real slack-sdk and python-telegram-bot clients against local servers: formatting, escaping, errors,
retry timing. No service needed."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from alerting.errors import DeliveryError
from alerting.retry import RetryPolicy, deliver
from alerting.senders import AlertGroup, Secret, SlackSender, TelegramSender
from alerting.senders.slack import slack_message
from core.alert import parse_alert
from tests.alerting.chat_servers import Reply, SlackServer, TelegramServer, slack_visible
from tests.alerting.helpers import TRICKY, alert_dict

FAST = RetryPolicy(max_attempts=4, initial_backoff_s=0.2, max_backoff_s=1.0, deadline_s=20.0)


def _group(**overrides: object) -> AlertGroup:
    return AlertGroup("team", (parse_alert(alert_dict(**overrides)),), "https://logs.example.org")


def slack_bot(server: SlackServer, timeout_s: float = 2.0) -> SlackSender:
    return SlackSender(
        "team-slack",
        {"channel": "#alerts", "base_url": f"{server.url}/api/"},
        {"token": Secret(server.token)},
        timeout_s,
    )


def slack_hook(server: SlackServer) -> SlackSender:
    return SlackSender("hook", {}, {"webhook_url": Secret(f"{server.url}/services/T0/B0/s3cr3t")}, 2.0)


def telegram(server: TelegramServer, timeout_s: float = 2.0, token: str | None = None) -> TelegramSender:
    return TelegramSender(
        "oncall",
        {"chat_id": "-1001", "base_url": f"{server.url}/bot"},
        {"token": Secret(token or server.token)},
        timeout_s,
    )


def test_slack_bot_message_shows_markup_characters_intact(slack_server: SlackServer) -> None:
    sender = slack_bot(slack_server)
    sender.send(_group(rule="*bold_rule*", service="pay_<svc>&co"))
    (got,) = slack_server.accepted("chat.postMessage")
    body = got.body
    assert body["channel"] == "#alerts"
    seen = slack_visible(body)
    for text in (TRICKY, "*bold_rule*", "pay_<svc>&co", "42 (threshold 10)", "second line"):
        assert text in seen
    attachment = body["attachments"][0]
    assert attachment["color"] == "#E8590C"  # HIGH
    assert "🟠 HIGH *bold_rule*" in seen
    # The fallback text (notifications) follows Slack's escaping rule for &, < and >, with the service in a
    # code span (audit L6: "*urgent* ... https://evil.example" rendered bold, with a live link).
    assert "`pay_&lt;svc&gt;&amp;co`" in body["text"]
    assert "<https://logs.example.org/?service=" in str(attachment["blocks"])
    assert "service=payments" in seen or "service=pay_%3Csvc%3E%26co" in str(attachment["blocks"])


def test_slack_webhook_message_arrives_intact(slack_server: SlackServer) -> None:
    slack_hook(slack_server).send(_group())
    (got,) = slack_server.accepted("/services/T0/B0/s3cr3t")
    assert TRICKY in slack_visible(got.body)
    assert slack_hook(slack_server).describe() == f"slack webhook {slack_server.url.split('//')[1]}"


def test_telegram_message_is_html_escaped_and_reads_intact(telegram_server: TelegramServer) -> None:
    sender = telegram(telegram_server)
    try:
        sender.send(_group(rule="<b>rule</b>", service="a&b"))
    finally:
        sender.close()
    (got,) = telegram_server.accepted("sendMessage")
    assert got.body["parse_mode"] == "HTML"
    assert got.body["chat_id"] == "-1001"
    assert TRICKY in got.visible
    assert "🟠 HIGH <b>rule</b>" in got.visible
    assert "Service: a&b" in got.visible
    assert "&lt;admin&gt; &amp; user_name *root*" in got.body["text"]


def test_telegram_long_message_is_split_and_a_retry_resumes_after_the_sent_part(
    telegram_server: TelegramServer,
) -> None:
    huge = "x<&>" * 1000  # 4000 characters (the longest sample kept) plus the header: two messages
    telegram_server.script("sendMessage", Reply(), Reply.error(500))
    sender = telegram(telegram_server)
    try:
        outcome = deliver(sender, _group(samples=[huge]), FAST, threading.Event())
    finally:
        sender.close()
    assert outcome.ok and outcome.attempts == 2
    parts = telegram_server.accepted("sendMessage")
    assert len(parts) == 2, "the first part must not be sent twice"
    joined = "".join(p.visible for p in parts).replace("\n", "")
    assert huge in joined


def test_slack_retry_after_is_honoured(slack_server: SlackServer) -> None:
    slack_server.script("chat.postMessage", Reply.error(429, retry_after_s=1.5))
    outcome = deliver(slack_bot(slack_server), _group(), FAST, threading.Event())
    assert outcome.ok and outcome.attempts == 2
    first, second = slack_server.received
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 1.5


def test_telegram_retry_after_is_honoured(telegram_server: TelegramServer) -> None:
    telegram_server.script("sendMessage", Reply.error(429, retry_after_s=2))
    sender = telegram(telegram_server)
    try:
        outcome = deliver(sender, _group(), FAST, threading.Event())
    finally:
        sender.close()
    assert outcome.ok and outcome.attempts == 2
    sends = [r for r in telegram_server.received if r.path.endswith("sendMessage")]
    assert [r.status for r in sends] == [429, 200]
    assert sends[1].at - sends[0].at >= 2.0


def test_server_errors_are_retried_with_growing_backoff(slack_server: SlackServer) -> None:
    slack_server.script("chat.postMessage", Reply.error(500), Reply.error(500), Reply.error(500))
    policy = RetryPolicy(max_attempts=4, initial_backoff_s=0.4, max_backoff_s=5, deadline_s=20)
    outcome = deliver(slack_bot(slack_server), _group(), policy, threading.Event())
    assert outcome.ok and outcome.attempts == 4
    times = [r.at for r in slack_server.received]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # Equal jitter: each wait lies in [base/2, base] with base 0.4, 0.8, 1.6 s.
    for gap, base in zip(gaps, (0.4, 0.8, 1.6), strict=True):
        assert base / 2 <= gap <= base + 1.5  # generous above: a loaded 2-core machine is slow to answer


def test_slow_server_times_out_then_the_retry_succeeds(slack_server: SlackServer) -> None:
    slack_server.script("chat.postMessage", Reply.slow(2.5))
    started = time.monotonic()
    outcome = deliver(slack_bot(slack_server, timeout_s=1), _group(), FAST, threading.Event())
    assert outcome.ok and outcome.attempts == 2
    assert time.monotonic() - started < 2.5 + 2


def test_slow_telegram_times_out_with_a_clear_error(telegram_server: TelegramServer) -> None:
    telegram_server.script("getMe", Reply.slow(2.5))
    sender = telegram(telegram_server, timeout_s=1)
    try:
        with pytest.raises(DeliveryError, match="did not answer within 1 s"):
            sender.send(_group())
    finally:
        sender.close()


def test_permanent_errors_are_not_retried(slack_server: SlackServer) -> None:
    sender = SlackSender(
        "team-slack",
        {"channel": "#alerts", "base_url": f"{slack_server.url}/api/"},
        {"token": Secret("xoxb-wrong-token-999")},
        2.0,
    )
    outcome = deliver(sender, _group(), FAST, threading.Event())
    assert outcome.attempts == 1 and outcome.error is not None and outcome.error.permanent
    assert "invalid_auth" in str(outcome.error)
    assert "xoxb-wrong-token-999" not in str(outcome.error)


def test_tokens_never_appear_in_errors_or_logs(
    telegram_server: TelegramServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = "999999:WRONG-secret_token_value"
    sender = telegram(telegram_server, token=token)
    caplog.set_level(logging.DEBUG)
    try:
        outcome = deliver(sender, _group(), FAST, threading.Event())
    finally:
        sender.close()
    assert outcome.error is not None and outcome.error.permanent
    assert "bot token" in str(outcome.error)
    assert token not in str(outcome.error) and token not in outcome.error.reply
    assert token not in repr(sender.secrets) and token not in sender.describe()
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("alerting")]
    assert all(token not in line for line in ours)


def test_grouped_slack_message_lists_every_alert_and_stays_within_block_limits(slack_server: SlackServer) -> None:
    alerts = tuple(
        parse_alert(alert_dict(service=f"svc-{i}", severity="CRITICAL" if i == 3 else "LOW")) for i in range(12)
    )
    message = slack_message(AlertGroup("team", alerts))
    assert len(message["attachments"][0]["blocks"]) <= 50
    assert message["attachments"][0]["color"] == "#D00000"  # the most severe wins
    seen = slack_visible(message)
    assert "12 alerts: 12 firing" in seen and "…and 4 more alerts" in seen
    assert seen.index("Service: svc-3") < seen.index("Service: svc-0")  # the CRITICAL one is shown first
    slack_bot(slack_server).send(AlertGroup("team", alerts))
    assert slack_server.accepted("chat.postMessage")
