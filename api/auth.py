"""Authentication, cross-site protection and per-identity rate limiting for HTTP and WebSocket alike.

One ASGI middleware decides for every request. A caller proves who it is with, in order:
``Authorization: Bearer <token>``; a WebSocket subprotocol ``bearer.<token>`` (browsers cannot set headers
on a WebSocket); the ``logwatch_token`` cookie set by ``POST /auth/login``; or a Cloudflare Access JWT
(``Cf-Access-Jwt-Assertion`` header or ``CF_Authorization`` cookie) when Access is configured. A credential
that is present but wrong is refused, never skipped over. Requests authenticated by cookie must come from our
own origin (the cookie is also SameSite=Strict). ``/health``, the login page and static assets are open.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from api.access import ACCESS_COOKIE, ACCESS_HEADER
from api.errors import ApiError, AuthError, ForbiddenError, RateLimitedError

if TYPE_CHECKING:
    from api.state import AppState

__all__ = [
    "Identity",
    "AuthMiddleware",
    "COOKIE_NAME",
    "OPEN_PATHS",
    "identity_of",
    "error_response",
    "request_headers",
    "same_origin",
]

logger = logging.getLogger(__name__)

COOKIE_NAME = "logwatch_token"
OPEN_PATHS = frozenset({"/health", "/login", "/auth/login", "/auth/logout", "/favicon.ico"})
OPEN_PREFIXES = ("/assets/",)
SUBPROTOCOL_PREFIX = "bearer."
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ANONYMOUS_KEY = "logwatch.identity"


@dataclass(frozen=True)
class Identity:
    """Who made a request: ``method`` is token, cookie, access or none."""

    name: str
    method: str

    @property
    def key(self) -> str:
        return f"{'access' if self.method == 'access' else 'token'}:{self.name}"


def identity_of(scope: Scope) -> Identity:
    ident = scope.get(ANONYMOUS_KEY)
    return ident if isinstance(ident, Identity) else Identity("anonymous", "none")


def error_response(exc: ApiError) -> Response:
    headers = {}
    if exc.status_code == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after_s)))
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)


def request_headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header from some other site on the domain must not break us
        return {}
    return {k: m.value for k, m in jar.items()}


def same_origin(headers: dict[str, str], public_url: str) -> bool:
    origin = headers.get("origin")
    if not origin:  # not a browser, or a same-origin GET: SameSite=Strict already kept other sites out
        return True
    netloc = urlsplit(origin).netloc.lower()
    allowed = {headers.get("host", "").lower(), headers.get("x-forwarded-host", "").lower()}
    if public_url:
        allowed.add(urlsplit(public_url).netloc.lower())
    return netloc in allowed - {""}


class AuthMiddleware:
    """ASGI middleware applying authentication, origin checks and rate limits from ``AppState``."""

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        is_open = path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)
        try:
            identity = await self.authenticate(scope, is_open)
        except ApiError as exc:
            reason = type(exc).__name__
            if exc.status_code in (401, 403):
                self.state.metrics.auth_failures.labels(reason=reason).inc()
            if isinstance(exc, RateLimitedError):
                self.state.metrics.rate_limited.inc()
            await self._refuse(scope, receive, send, exc)
            return
        scope[ANONYMOUS_KEY] = identity
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            label = getattr(route, "path", None) or ("/assets" if path.startswith("/assets/") else "other")
            self.state.metrics.requests.labels(method=scope["method"], route=label, status=status["code"]).inc()
            self.state.metrics.latency.labels(route=label).observe(time.perf_counter() - started)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, exc: ApiError) -> None:
        if scope["type"] == "websocket":
            await WebSocketClose(code=1008, reason=exc.detail[:120])(scope, receive, send)
            return
        headers = request_headers(scope)
        if (
            exc.status_code == 401
            and scope["method"] == "GET"
            and scope["path"] == "/"
            and "text/html" in headers.get("accept", "")
        ):
            query = scope.get("query_string", b"").decode("latin-1")
            target = "/" + (f"?{query}" if query else "")
            await RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)(scope, receive, send)
            return
        await error_response(exc)(scope, receive, send)

    async def authenticate(self, scope: Scope, is_open: bool) -> Identity:
        """Who is calling, or raise AuthError / ForbiddenError / RateLimitedError."""
        st = self.state
        if not st.auth_required:
            return Identity("anonymous", "none")
        headers = request_headers(scope)
        identity = await self._credential(scope, headers)
        if identity is None:
            if is_open:
                return Identity("anonymous", "none")
            raise AuthError(
                "This API needs a token: send 'Authorization: Bearer <token>' "
                "(create one with 'python -m api tokens create NAME') or sign in at /login."
            )
        if identity.method in ("cookie", "access") and not same_origin(headers, st.config.api.public_url):
            if scope["type"] == "websocket" or scope.get("method") in _UNSAFE:
                raise ForbiddenError("This request comes from another site: open the dashboard from its own address.")
        if not is_open:
            wait_s = st.limiter.acquire(identity.key)
            if wait_s > 0:
                raise RateLimitedError(
                    f"Too many requests for '{identity.name}': wait {math.ceil(wait_s)} s or raise "
                    "api.rate_limit_per_s.",
                    wait_s,
                )
        return identity

    async def _credential(self, scope: Scope, headers: dict[str, str]) -> Identity | None:
        st = self.state
        bearer: tuple[str, str] | None = None
        auth = headers.get("authorization", "")
        if auth:
            scheme, _, value = auth.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise AuthError("The Authorization header must be 'Bearer <token>': fix the header.")
            bearer = (value.strip(), "token")
        elif scope["type"] == "websocket":
            for proto in headers.get("sec-websocket-protocol", "").split(","):
                proto = proto.strip()
                if proto.startswith(SUBPROTOCOL_PREFIX):
                    bearer = (proto[len(SUBPROTOCOL_PREFIX) :], "token")
        cookies = _cookies(headers)
        if bearer is None and cookies.get(COOKIE_NAME):
            bearer = (cookies[COOKIE_NAME], "cookie")
        if bearer is not None:
            info = st.tokens.verify(bearer[0])
            if info is None:
                raise AuthError(
                    "The API token is unknown or revoked: create a new one with 'python -m api tokens create NAME'."
                )
            return Identity(info.name, bearer[1])
        if st.access is not None:
            jwt_token = headers.get(ACCESS_HEADER) or cookies.get(ACCESS_COOKIE)
            if jwt_token:
                return Identity(await st.access.verify(jwt_token), "access")
        return None
