"""``BodyLimitMiddleware``: request bodies are bounded before anyone reads them.

FastAPI reads and JSON-decodes a whole body before validating it, about three times its size in memory, and
``/auth/login`` is open to anyone. So every body is read here first, up to a limit per path (refused on
``Content-Length`` when it says too much, and while it streams in when it does not say), then handed on.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import error_response
from api.errors import BodyTooLargeError

__all__ = ["BodyLimitMiddleware", "MAX_BODY_BYTES", "MAX_LOGIN_BODY_BYTES"]

MAX_BODY_BYTES = 64 * 1024
MAX_LOGIN_BODY_BYTES = 4 * 1024


class BodyLimitMiddleware:
    """ASGI middleware that buffers each HTTP request body up to its limit, or answers 413."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_LOGIN_BODY_BYTES if scope["path"] == "/auth/login" else MAX_BODY_BYTES
        refusal = BodyTooLargeError(f"The request body is larger than {limit} bytes: send a smaller one.")
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await error_response(refusal)(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left: nobody to answer
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await error_response(refusal)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return body
            return await receive()

        await self.app(scope, replay, send)
