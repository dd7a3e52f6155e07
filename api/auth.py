"""Authentication, cross-site protection and per-identity rate limiting for HTTP and WebSocket alike.

One ASGI middleware decides for every request. A caller proves who it is with, in order:
``Authorization: Bearer <token>``; a WebSocket subprotocol ``bearer.<token>`` (browsers cannot set headers
on a WebSocket); the ``logwatch_token`` cookie set by ``POST /auth/login``; or a Cloudflare Access JWT
(``Cf-Access-Jwt-Assertion`` header or ``CF_Authorization`` cookie) when Access is configured. A credential
that is present but wrong is refused, never skipped over. Requests authenticated by cookie must come from our
own origin (the cookie is also SameSite=Strict). ``/health``, the login page and static assets are open.

Identities carry scopes: ``read`` always, ``silence`` (create and end alert silences) for tokens created with
``--scope silence`` and Access addresses listed in ``api.access_silencers``.

With auth off the API trusts only its own machine, so it answers a request only when it is plainly local: a
loopback peer, a loopback ``Host`` (DNS rebinding gives another name), no proxy or tunnel headers (a tunnel
left running across a restart), and, for WebSockets and writes, no ``Origin`` of another site (any web page
the operator has open). Such requests get 403 with a sentence; there is no silent fallback.
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
from api.state import is_loopback
from api.tokens import READ_SCOPES, SCOPES

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
    "require_scope",
]

logger = logging.getLogger(__name__)

COOKIE_NAME = "logwatch_token"
OPEN_PATHS = frozenset({"/health", "/login", "/auth/login", "/auth/logout", "/favicon.ico"})
OPEN_PREFIXES = ("/assets/",)
SUBPROTOCOL_PREFIX = "bearer."
SEARCH_PREFIX = "/logs/"  # search, stats, trends, patterns: the Elasticsearch work each identity may run at once
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ANONYMOUS_KEY = "logwatch.identity"
# Headers cloudflared, Cloudflare or any reverse proxy add: a request carrying one did not start on this machine.
_PROXY_HEADERS = ("cf-ray", "cf-connecting-ip", "cdn-loop", "x-forwarded-for", "forwarded")


@dataclass(frozen=True)
class Identity:
    """Who made a request: ``method`` is token, cookie, access or none; ``scopes`` what it may do;
    ``token_sha256`` the hash of the API token presented, if any (a live tail re-checks it)."""

    name: str
    method: str
    scopes: tuple[str, ...] = READ_SCOPES
    token_sha256: str = ""

    @property
    def key(self) -> str:
        return f"{'access' if self.method == 'access' else 'token'}:{self.name}"


def identity_of(scope: Scope) -> Identity:
    ident = scope.get(ANONYMOUS_KEY)
    return ident if isinstance(ident, Identity) else Identity("anonymous", "none")


def require_scope(scope: Scope, needed: str) -> None:
    """Raise ForbiddenError unless the caller of this request holds the scope ``needed``."""
    ident = identity_of(scope)
    if needed not in ident.scopes:
        raise ForbiddenError(
            f"'{ident.name}' may only read: this needs a token created with 'python -m api tokens create NAME "
            f"--scope {needed}' or, with Cloudflare Access, an address listed in api.access_silencers."
        )


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


def same_origin(scope: Scope, public_url: str) -> bool:
    """Whether the request's ``Origin`` (if any) is this API: its scheme and ``Host``, or ``public_url``.

    ``X-Forwarded-Host`` is not consulted: any client can send it. The scheme is the connection's, which
    uvicorn takes from ``X-Forwarded-Proto`` only when the proxy is on 127.0.0.1.
    """
    headers = request_headers(scope)
    origin = headers.get("origin")
    if not origin:  # not a browser, or a same-origin GET: SameSite=Strict already kept other sites out
        return True
    parts = urlsplit(origin.lower())
    scheme = {"ws": "http", "wss": "https"}.get(scope.get("scheme", "http"), scope.get("scheme", "http"))
    allowed = {(scheme, headers.get("host", "").lower())}
    if public_url:
        public = urlsplit(public_url.lower())
        allowed.add((public.scheme, public.netloc))
    return bool(parts.netloc) and (parts.scheme, parts.netloc) in allowed


def _host_is_loopback(host_header: str) -> bool:
    try:
        return is_loopback(urlsplit(f"//{host_header}").hostname or "")
    except ValueError:  # not even a host name
        return False


def _check_local(scope: Scope, headers: dict[str, str]) -> None:
    """With auth off, refuse what did not plainly come from this machine and this site (see the module doc)."""
    hint = "turn auth on (api.auth: required) and use a token to reach the API from elsewhere."
    proxied = [h for h in _PROXY_HEADERS if h in headers]
    if proxied:
        raise ForbiddenError(
            f"This API has auth off and answers only local requests, not via a proxy or tunnel "
            f"(this one carries {proxied[0]}): {hint}"
        )
    client = scope.get("client")
    if client and not is_loopback(str(client[0])):
        raise ForbiddenError(f"This API has auth off and answers only local requests: {hint}")
    host = headers.get("host", "")
    if host and not _host_is_loopback(host):
        raise ForbiddenError(
            f"This API has auth off and answers only local requests, but this one is for '{host[:80]}': "
            f"open it as http://127.0.0.1 or localhost, or {hint}"
        )


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
            if path.startswith(SEARCH_PREFIX):
                async with self.state.searches.hold(identity.key):
                    await self.app(scope, receive, send_wrapper)
            else:
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
        headers = request_headers(scope)
        if not st.auth_required:
            _check_local(scope, headers)
            if _cross_site(scope, st.config.api.public_url):
                raise ForbiddenError("This request comes from another site: open the dashboard from its own address.")
            return Identity("anonymous", "none", SCOPES)  # local trust: whoever is on this machine may do all
        identity = await self._credential(scope, headers)
        if identity is None:
            if is_open:
                return Identity("anonymous", "none")
            raise AuthError(
                "This API needs a token: send 'Authorization: Bearer <token>' "
                "(create one with 'python -m api tokens create NAME') or sign in at /login."
            )
        if identity.method in ("cookie", "access") and _cross_site(scope, st.config.api.public_url):
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
            return Identity(info.name, bearer[1], info.scopes, info.sha256)
        if st.access is not None:
            jwt_token = headers.get(ACCESS_HEADER) or cookies.get(ACCESS_COOKIE)
            if jwt_token:
                email = await st.access.verify(jwt_token)
                silencers = {a.strip().lower() for a in st.config.api.access_silencers.split(",")} - {""}
                return Identity(email, "access", SCOPES if email.lower() in silencers else READ_SCOPES)
        return None


def _cross_site(scope: Scope, public_url: str) -> bool:
    """A WebSocket or a write whose Origin is another site (reads are kept out by CORS and SameSite)."""
    if scope["type"] != "websocket" and scope.get("method") not in _UNSAFE:
        return False
    return not same_origin(scope, public_url)
