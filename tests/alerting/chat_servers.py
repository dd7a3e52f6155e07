"""Local stand-ins for the Slack Web API, Slack incoming webhooks and the Telegram Bot API.

They implement only the endpoints the senders use, validate payloads the way the real services do where it
matters to us (Telegram's HTML entities and 4096-character limit, Slack's Block Kit limits), record every
request, and answer from a script on demand: ``server.script("sendMessage", Reply.status(429, retry_after_s=2))``.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["Reply", "Received", "ChatServer", "SlackServer", "TelegramServer", "telegram_visible", "slack_visible"]

TELEGRAM_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "blockquote",
    "tg-emoji",
}


@dataclass(frozen=True)
class Reply:
    """A scripted answer: an HTTP status with optional Retry-After, or a delay before the normal answer."""

    status: int = 200
    retry_after_s: float | None = None
    delay_s: float = 0.0

    @staticmethod
    def error(status: int, retry_after_s: float | None = None) -> Reply:
        return Reply(status=status, retry_after_s=retry_after_s)

    @staticmethod
    def slow(delay_s: float) -> Reply:
        return Reply(delay_s=delay_s)


@dataclass
class Received:
    at: float  # time.monotonic() when the request arrived
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int = 0  # what we answered
    visible: str = ""  # Telegram: the text a person sees after HTML parsing


_TAG = re.compile(r"</?(?:" + "|".join(sorted(TELEGRAM_TAGS)) + r")(?:\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class _TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.error = self.error or f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.error = self.error or f'Unexpected end tag "{tag}"'

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def telegram_visible(text: str) -> tuple[str, str | None]:
    """What Telegram shows for an HTML-mode message, and its parse error (None when it parses)."""
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.stack and parser.error is None:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
    # Every <, > and & must be part of a supported tag or an entity, as the Bot API documentation demands.
    leftover = _ENTITY.sub("", _TAG.sub("", text))
    if parser.error is None and any(ch in leftover for ch in "<>&"):
        parser.error = "unescaped <, > or & outside a tag or entity"
    return "".join(parser.text), parser.error


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def slack_visible(payload: dict[str, Any]) -> str:
    """The text a person sees in a Slack message: mrkdwn unescaped, plain_text and rich_text as they are."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            kind = node.get("type")
            if kind == "mrkdwn":
                out.append(html.unescape(str(node.get("text", ""))))
            elif kind == "plain_text" or (kind == "text" and "text" in node):
                out.append(str(node["text"]))
            else:
                for key, child in node.items():
                    if key in ("blocks", "elements", "fields", "text", "attachments"):
                        walk(child)

    walk(payload.get("attachments", []))
    walk(payload.get("blocks", []))
    return "\n".join(out)


class ChatServer:
    """A threaded HTTP server on 127.0.0.1 with a free port; subclasses implement ``answer``."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._scripts: dict[str, deque[Reply]] = {}
        self._cond = threading.Condition()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the default
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                owner._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def script(self, endpoint: str, *replies: Reply) -> None:
        """Answer the next requests whose path ends with ``endpoint`` with ``replies``, in order."""
        with self._cond:
            self._scripts.setdefault(endpoint, deque()).extend(replies)

    def _next_reply(self, path: str) -> Reply:
        with self._cond:
            for endpoint, replies in self._scripts.items():
                if path.endswith(endpoint) and replies:
                    return replies.popleft()
        return Reply()

    def accepted(self, endpoint: str = "") -> list[Received]:
        """Requests answered with success (what a person would see), in arrival order."""
        with self._cond:
            return [r for r in self.received if r.status == 200 and r.path.endswith(endpoint)]

    def wait_accepted(self, count: int, timeout_s: float = 20.0, endpoint: str = "") -> list[Received]:
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while True:
                got = [r for r in self.received if r.status == 200 and r.path.endswith(endpoint)]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} accepted requests on {endpoint or 'any endpoint'} "
                        f"within {timeout_s} s, got {len(got)}: {[r.path for r in self.received]}"
                    )
                self._cond.wait(left)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        kind = handler.headers.get("Content-Type", "")
        if "json" in kind:
            body = json.loads(raw or b"{}")
        else:
            body = dict(parse_qsl(raw.decode()))
        record = Received(time.monotonic(), handler.path, dict(handler.headers.items()), body)
        reply = self._next_reply(handler.path)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        status, headers, payload = self.answer(record, reply)
        record.status = status
        with self._cond:
            self.received.append(record)
            self._cond.notify_all()
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        try:
            handler.send_response(status)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def answer(self, record: Received, reply: Reply) -> tuple[int, dict[str, str], Any]:
        raise NotImplementedError


class SlackServer(ChatServer):
    """``POST /api/chat.postMessage`` (bot token ``xoxb-test``) and ``POST /services/...`` webhooks."""

    token = "xoxb-test-token-123"

    def answer(self, record: Received, reply: Reply) -> tuple[int, dict[str, str], Any]:
        webhook = "/services/" in record.path
        headers = {"Content-Type": "text/plain" if webhook else "application/json"}
        if reply.status != 200:
            if reply.retry_after_s is not None:
                headers["Retry-After"] = f"{reply.retry_after_s:g}"
            error = "rate_limited" if reply.status == 429 else "internal_error"
            return reply.status, headers, error.encode() if webhook else {"ok": False, "error": error}
        problem = self._check(record.body)
        if not webhook and record.headers.get("Authorization") != f"Bearer {self.token}":
            problem = "invalid_auth"
        if problem:
            return (400, headers, problem.encode()) if webhook else (200, headers, {"ok": False, "error": problem})
        return 200, headers, b"ok" if webhook else {"ok": True, "channel": "C123", "ts": f"{time.time():.6f}"}

    @staticmethod
    def _check(body: dict[str, Any]) -> str | None:
        if not body.get("text") and not body.get("blocks") and not body.get("attachments"):
            return "no_text"
        for attachment in body.get("attachments", []):
            blocks = attachment.get("blocks", [])
            if len(blocks) > 50:
                return "invalid_attachments"
            for block in blocks:
                if block["type"] == "header" and len(block["text"]["text"]) > 150:
                    return "invalid_blocks"
                if len(block.get("fields", [])) > 10 or any(len(f["text"]) > 2000 for f in block.get("fields", [])):
                    return "invalid_blocks"
                if block["type"] == "section" and len(block.get("text", {}).get("text", "")) > 3000:
                    return "invalid_blocks"
        return None


class TelegramServer(ChatServer):
    """``POST /bot<token>/getMe`` and ``/bot<token>/sendMessage`` with HTML parse mode checks."""

    token = "123456:TEST-token_abcdefghijklmnop"

    def __init__(self) -> None:
        super().__init__()
        self._message_id = 0

    def answer(self, record: Received, reply: Reply) -> tuple[int, dict[str, str], Any]:
        headers = {"Content-Type": "application/json"}
        if not record.path.startswith(f"/bot{self.token}/"):
            return 401, headers, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if reply.status != 200:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": reply.status,
                "description": "Too Many Requests" if reply.status == 429 else "Internal",
            }
            if reply.retry_after_s is not None:
                body["parameters"] = {"retry_after": int(reply.retry_after_s)}
            return reply.status, headers, body
        if record.path.endswith("/getMe"):
            return (
                200,
                headers,
                {
                    "ok": True,
                    "result": {"id": 123456, "is_bot": True, "first_name": "Logwatch", "username": "logwatch_test_bot"},
                },
            )
        text = str(record.body.get("text", ""))
        visible, error = telegram_visible(text) if record.body.get("parse_mode") == "HTML" else (text, None)
        record.visible = visible
        if error:
            return (
                400,
                headers,
                {"ok": False, "error_code": 400, "description": f"Bad Request: can't parse entities: {error}"},
            )
        if not visible.strip() or utf16_units(visible) > 4096:
            return 400, headers, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
        self._message_id += 1
        chat = record.body.get("chat_id", "0")
        return (
            200,
            headers,
            {
                "ok": True,
                "result": {
                    "message_id": self._message_id,
                    "date": int(time.time()),
                    "text": visible,
                    "chat": {"id": int(chat) if str(chat).lstrip("-").isdigit() else -1, "type": "group"},
                },
            },
        )
