"""Slack with slack-sdk: ``chat.postMessage`` with a bot token, or an incoming webhook; Block Kit layout.

Everything that comes from logs or rules (rule, service, samples...) goes into ``plain_text`` and
``rich_text`` elements, which Slack shows literally, so ``*``, ``_``, ``<``, ``>`` and ``&`` arrive intact.
Our own words use ``mrkdwn``; the notification fallback ``text`` escapes ``&``, ``<`` and ``>`` as Slack
asks.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

from slack_sdk import WebClient, WebhookClient
from slack_sdk.errors import SlackApiError, SlackClientError

from alerting import format as fmt
from alerting.errors import DeliveryError
from alerting.senders.base import AlertGroup, Secret, Sender, scrub
from core.alert import Alert

__all__ = ["SlackSender", "slack_message", "escape_mrkdwn"]

logger = logging.getLogger(__name__)

MAX_ALERTS_PER_MESSAGE = 8
_HEADER_CHARS = 150
_FIELD_CHARS = 2000
_SECTION_CHARS = 3000
_SAMPLES_CHARS = 2900
# Slack errors that no retry can fix (bad token, unknown channel, malformed message).
_PERMANENT = {
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "no_permission",
    "missing_scope",
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "msg_too_long",
    "no_text",
    "invalid_blocks",
    "invalid_attachments",
    "restricted_action",
    "invalid_payload",
    "no_service",
    "action_prohibited",
    "channel_is_archived",
    "posting_to_general_channel_denied",
    "invalid_token",
}


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack reserves in ``mrkdwn`` and message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": text if len(text) <= limit else text[: limit - 1] + "…"}


def _alert_blocks(alert: Alert, public_url: str, with_title: bool) -> list[dict[str, Any]]:
    fields = [
        _plain(f"Service: {alert.service or '-'}", _FIELD_CHARS),
        _plain(f"Category: {alert.category or '-'}", _FIELD_CHARS),
        _plain(f"Value: {fmt.value_text(alert)}", _FIELD_CHARS),
        _plain(f"Window: {fmt.window_text(alert)}", _FIELD_CHARS),
    ]
    section: dict[str, Any] = {"type": "section", "fields": fields}
    if with_title:
        section["text"] = _plain(fmt.title(alert), _SECTION_CHARS)
    blocks = [section]
    if alert.samples:
        joined = "\n".join(alert.samples)
        if len(joined) > _SAMPLES_CHARS:
            joined = joined[: _SAMPLES_CHARS - 1] + "…"
        blocks.append(
            {
                "type": "rich_text",
                "elements": [{"type": "rich_text_preformatted", "elements": [{"type": "text", "text": joined}]}],
            }
        )
    link = fmt.dashboard_link(alert, public_url)
    context = f"alert `{escape_mrkdwn(alert.alert_id[:200])}`"
    if link:
        context = f"<{link}|Open in dashboard> · {context}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    return blocks


def slack_message(group: AlertGroup) -> dict[str, Any]:
    """The ``text`` (notification fallback) and ``attachments`` (colour bar + Block Kit) for ``group``.

    :param group: the alerts to show; beyond ``MAX_ALERTS_PER_MESSAGE`` only a count is shown.
    """
    alerts = fmt.ordered(group.alerts)
    shown = alerts[:MAX_ALERTS_PER_MESSAGE]
    head = fmt.summary(alerts)
    if len(alerts) == 1:
        only = alerts[0]
        # A code span: a service name is chosen by whoever logs, and mrkdwn would make "*x*" bold and URLs links.
        service = (only.service or "-").replace("`", "'")
        head = f"{head} · `{service}` · {fmt.value_text(only)}"
    blocks: list[dict[str, Any]] = [{"type": "header", "text": _plain(fmt.summary(alerts), _HEADER_CHARS)}]
    for i, alert in enumerate(shown):
        if i:
            blocks.append({"type": "divider"})
        blocks.extend(_alert_blocks(alert, group.public_url, with_title=len(alerts) > 1))
    if len(alerts) > len(shown):
        blocks.append(
            {
                "type": "context",
                "elements": [
                    _plain(f"…and {len(alerts) - len(shown)} more alerts on route {group.route}", _SECTION_CHARS)
                ],
            }
        )
    text = escape_mrkdwn(head)
    return {"text": text, "attachments": [{"color": fmt.colour(alerts), "fallback": text, "blocks": blocks}]}


def _retry_after_s(headers: Mapping[str, Any] | None) -> float | None:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                return None
    return None


class SlackSender(Sender):
    """Slack: ``chat.postMessage`` when a bot token is set (needs ``channel``), else an incoming webhook.

    Options: ``channel`` (bot mode), ``base_url`` (Web API, default ``https://slack.com/api/``), ``username``,
    ``icon_emoji``. Credentials: ``token`` from ``$SLACK_BOT_TOKEN``, ``webhook_url`` from
    ``$SLACK_WEBHOOK_URL`` (override the variable names with ``token_env`` / ``webhook_url_env``).
    """

    type_name: ClassVar[str] = "slack"
    optional_options: ClassVar[tuple[str, ...]] = ("channel", "base_url", "username", "icon_emoji")
    credentials: ClassVar[dict[str, str]] = {"token": "SLACK_BOT_TOKEN", "webhook_url": "SLACK_WEBHOOK_URL"}

    def __init__(self, name: str, options: Mapping[str, Any], secrets: Mapping[str, Secret], timeout_s: float) -> None:
        super().__init__(name, options, secrets, timeout_s)
        self._token = self.secrets.get("token") or None
        self._webhook_url = self.secrets.get("webhook_url") or None
        # slack-sdk takes whole seconds; its own retry handlers are off because retries are ours.
        timeout = max(1, math.ceil(timeout_s))
        self._web: WebClient | None = None
        self._hook: WebhookClient | None = None
        if self._token:
            self._web = WebClient(
                token=self._token.reveal(),
                base_url=str(options.get("base_url") or "https://slack.com/api/"),
                timeout=timeout,
                retry_handlers=[],
            )
        elif self._webhook_url:
            self._hook = WebhookClient(self._webhook_url.reveal(), timeout=timeout, retry_handlers=[])

    @classmethod
    def credentials_present(cls, secrets: Mapping[str, Secret]) -> bool:
        return bool(secrets.get("token") or secrets.get("webhook_url"))

    @classmethod
    def missing_options(cls, options: Mapping[str, Any], secrets: Mapping[str, Secret]) -> list[str]:
        if secrets.get("token") and not options.get("channel"):
            return ["channel"]
        return []

    def describe(self) -> str:
        if self._web is not None:
            return f"slack {self.options.get('channel')}"
        if self._webhook_url:
            # The webhook path is the secret; the host is not.
            return f"slack webhook {urlsplit(self._webhook_url.reveal()).netloc}"
        return "slack (not configured)"

    def _fail(self, what: str, *, status: int | None, error: str, retry_after_s: float | None) -> DeliveryError:
        error = scrub(error, self._token, self._webhook_url)
        permanent = error in _PERMANENT or (status is not None and 400 <= status < 500 and status != 429)
        if status == 429 or error in ("ratelimited", "rate_limited"):
            hint = f"; retrying after {retry_after_s:g} s" if retry_after_s is not None else ""
            message = f"Slack {what} is rate limited (HTTP 429){hint}."
        elif permanent:
            message = f"Slack {what} refused the message ({error or status}); check the route's channel and token."
        else:
            message = f"Slack {what} failed with {error or f'HTTP {status}'}; it will be retried."
        return DeliveryError(message, retry_after_s=retry_after_s, permanent=permanent and status != 429, reply=error)

    def send(self, group: AlertGroup) -> None:
        message = slack_message(group)
        extra = {k: self.options[k] for k in ("username", "icon_emoji") if self.options.get(k)}
        try:
            if self._web is not None:
                self._web.chat_postMessage(
                    channel=str(self.options["channel"]),
                    unfurl_links=False,
                    unfurl_media=False,
                    **message,
                    **extra,
                )
                return
            if self._hook is None:
                raise DeliveryError(
                    "Slack has no bot token or webhook URL; set SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL.",
                    permanent=True,
                )
            reply = self._hook.send(
                text=message["text"],
                attachments=message["attachments"],
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            response = exc.response
            data = response.data if isinstance(response.data, dict) else {}
            raise self._fail(
                "chat.postMessage",
                status=response.status_code,
                error=str(data.get("error") or ""),
                retry_after_s=_retry_after_s(response.headers),
            ) from None
        except (SlackClientError, OSError, ValueError) as exc:
            # OSError covers refused connections and socket timeouts; ValueError a reply that is not JSON.
            raise DeliveryError(
                f"Slack did not answer within {self.timeout_s:g} s or the connection failed "
                f"({scrub(type(exc).__name__ + ': ' + str(exc), self._token, self._webhook_url)})"
                "; it will be retried."
            ) from None
        if reply.status_code != 200:
            raise self._fail(
                "webhook",
                status=reply.status_code,
                error=str(reply.body or "")[:200],
                retry_after_s=_retry_after_s(reply.headers),
            )
