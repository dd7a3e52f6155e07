"""Telegram with python-telegram-bot: ``send_message`` in HTML parse mode, split at the 4096-character limit.

Every piece of text is HTML-escaped on its own and wrapped in its tags, so a split never cuts a tag or an
entity: a message is a list of lines, a line a list of ``(open tag, text, close tag)`` segments, and a line
longer than the limit is cut inside its texts, each chunk re-wrapped in the same tags. Telegram counts the
limit after entity parsing, in UTF-16 code units; so do we.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from alerting import format as fmt
from alerting.errors import DeliveryError
from alerting.senders.base import AlertGroup, Secret, Sender, scrub
from core.alert import Alert

# Opt in to PTB's future timedelta attributes; reading RetryAfter.retry_after otherwise warns on each 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Bot, LinkPreviewOptions  # noqa: E402
from telegram.constants import ParseMode  # noqa: E402
from telegram.error import (  # noqa: E402
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest  # noqa: E402

__all__ = ["TelegramSender", "telegram_messages", "MAX_MESSAGE_UNITS"]

logger = logging.getLogger(__name__)

MAX_MESSAGE_UNITS = 4096
Segment = tuple[str, str, str]
Line = list[Segment]


def _units(text: str) -> int:
    """Length in UTF-16 code units, the way Telegram counts."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _take(text: str, budget: int) -> tuple[str, str]:
    """The longest prefix of ``text`` within ``budget`` UTF-16 units (whole surrogate pairs), and the rest."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > budget:
            return text[:i], text[i:]
    return text, ""


def _seg(text: str, tag: str = "", attrs: str = "") -> Segment:
    if not tag:
        return ("", text, "")
    return (f"<{tag}{attrs}>", text, f"</{tag}>")


def _alert_lines(alert: Alert, public_url: str) -> list[Line]:
    lines: list[Line] = [
        [_seg(fmt.title(alert), "b")],
        [
            _seg("Service: "),
            _seg(alert.service or "-", "code"),
            _seg(f" · Category: {alert.category or '-'}"),
        ],
        [_seg(f"Value: {fmt.value_text(alert)}")],
        [_seg(f"Window: {fmt.window_text(alert)}")],
    ]
    lines.extend([_seg(sample, "pre")] for sample in alert.samples if sample)
    footer = [_seg("alert "), _seg(alert.alert_id, "code")]
    link = fmt.dashboard_link(alert, public_url)
    if link:
        footer = [_seg("Open in dashboard", "a", f' href="{html.escape(link, quote=True)}"'), _seg(" · "), *footer]
    lines.append(footer)
    return lines


def _split_line(line: Line, budget: int) -> list[Line]:
    """Cut a line whose texts exceed ``budget`` into lines that fit, each chunk keeping its segment's tags."""
    out: list[Line] = [[]]
    room = budget
    for open_tag, text, close_tag in line:
        while text:
            if room == 0:
                out.append([])
                room = budget
            chunk, text = _take(text, room)
            out[-1].append((open_tag, chunk, close_tag))
            room -= _units(chunk)
    return [piece for piece in out if piece]


def _render(line: Line) -> str:
    return "".join(f"{o}{html.escape(t, quote=False)}{c}" for o, t, c in line)


def telegram_messages(group: AlertGroup, limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """HTML messages for ``group``, each at most ``limit`` UTF-16 units after entity parsing.

    :param group: the alerts to show.
    :param limit: Telegram's message limit (a parameter so tests can use a small one).
    """
    alerts = fmt.ordered(group.alerts)
    lines: list[Line] = []
    if len(alerts) > 1:
        lines += [[_seg(fmt.summary(alerts), "b")], []]
    for i, alert in enumerate(alerts):
        if i:
            lines.append([])
        lines.extend(_alert_lines(alert, group.public_url))
    parts: list[list[Line]] = [[]]
    used = 0
    for line in lines:
        for piece in _split_line(line, limit) if line else [line]:
            size = sum(_units(t) for _, t, _ in piece)
            # A newline joins lines within a part and counts as one unit.
            if parts[-1] and used + 1 + size > limit:
                parts.append([])
                used = 0
            if not parts[-1] and not piece:
                continue  # no part starts with a blank line
            used += size + (1 if parts[-1] else 0)
            parts[-1].append(piece)
    return ["\n".join(_render(line) for line in part).strip("\n") for part in parts if part]


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender(Sender):
    """Telegram ``send_message`` to ``chat_id``; token from ``$TELEGRAM_BOT_TOKEN`` (or ``token_env``).

    Options: ``chat_id`` (required), ``base_url`` (Bot API URL, default ``https://api.telegram.org/bot``),
    ``disable_notification`` (bool). Runs its own event loop, so it is used from one thread at a time.
    """

    type_name: ClassVar[str] = "telegram"
    required_options: ClassVar[tuple[str, ...]] = ("chat_id",)
    optional_options: ClassVar[tuple[str, ...]] = ("base_url", "disable_notification")
    credentials: ClassVar[dict[str, str]] = {"token": "TELEGRAM_BOT_TOKEN"}

    def __init__(self, name: str, options: Mapping[str, Any], secrets: Mapping[str, Secret], timeout_s: float) -> None:
        super().__init__(name, options, secrets, timeout_s)
        self._token = self.secrets["token"]
        self._chat_id = str(options["chat_id"])
        self._base_url = str(options.get("base_url") or "https://api.telegram.org/bot")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._bot: Bot | None = None
        self._initialized = False
        # group_id -> parts already delivered, so a retry resumes a split message instead of repeating it.
        self._progress: dict[str, int] = {}

    def describe(self) -> str:
        return f"telegram chat {self._chat_id}"

    def _client(self) -> tuple[asyncio.AbstractEventLoop, Bot]:
        if self._loop is None or self._bot is None:
            self._loop = asyncio.new_event_loop()
            t = self.timeout_s
            request = HTTPXRequest(
                connection_pool_size=2, read_timeout=t, write_timeout=t, connect_timeout=t, pool_timeout=t
            )
            self._bot = Bot(self._token.reveal(), base_url=self._base_url, request=request)
        return self._loop, self._bot

    async def _send_parts(self, bot: Bot, key: str, parts: list[str]) -> None:
        if not self._initialized:
            await bot.initialize()
            self._initialized = True
        for index in range(self._progress.get(key, 0), len(parts)):
            await bot.send_message(
                self._chat_id,
                parts[index],
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                disable_notification=bool(self.options.get("disable_notification", False)),
                read_timeout=self.timeout_s,
                write_timeout=self.timeout_s,
                connect_timeout=self.timeout_s,
                pool_timeout=self.timeout_s,
            )
            self._progress[key] = index + 1

    def send(self, group: AlertGroup) -> None:
        loop, bot = self._client()
        key = group.group_id
        try:
            loop.run_until_complete(
                asyncio.wait_for(self._send_parts(bot, key, telegram_messages(group)), timeout=self.timeout_s * 3)
            )
        except RetryAfter as exc:
            wait_s = _seconds(exc.retry_after)
            raise DeliveryError(
                f"Telegram flood control: retry after {wait_s:g} s.",
                retry_after_s=wait_s,
                reply=scrub(str(exc), self._token),
            ) from None
        except InvalidToken:
            raise DeliveryError(
                "Telegram rejected the bot token; set a valid TELEGRAM_BOT_TOKEN.", permanent=True
            ) from None
        except ChatMigrated as exc:
            raise DeliveryError(
                f"Telegram chat {self._chat_id} became a supergroup; set chat_id to "
                f"{exc.new_chat_id} in the routes file.",
                permanent=True,
            ) from None
        except (BadRequest, Forbidden) as exc:
            reply = scrub(exc.message, self._token)
            raise DeliveryError(
                f"Telegram refused the message to chat {self._chat_id} ({reply}); check the "
                "chat_id and that the bot is a member.",
                permanent=True,
                reply=reply,
            ) from None
        except (TimedOut, TimeoutError):
            raise DeliveryError(f"Telegram did not answer within {self.timeout_s:g} s; it will be retried.") from None
        except TelegramError as exc:
            reply = scrub(exc.message, self._token)
            raise DeliveryError(f"Telegram request failed ({reply}); it will be retried.", reply=reply) from None
        self._progress.pop(key, None)

    def close(self) -> None:
        if self._loop is None:
            return
        try:
            if self._bot is not None:  # also after a failed initialize(), which opened the HTTP client
                self._loop.run_until_complete(asyncio.wait_for(self._bot.shutdown(), timeout=self.timeout_s))
            self._loop.close()
        except (TelegramError, TimeoutError, RuntimeError) as exc:
            # RuntimeError: a worker that did not stop in time is still using the loop; the process is ending.
            logger.debug("telegram shutdown failed receiver=%s error=%s", self.name, type(exc).__name__)
        self._loop = None
        self._bot = None
        self._initialized = False
