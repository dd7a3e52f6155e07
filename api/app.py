"""``create_app``: the FastAPI application (REST, WebSocket, dashboard files), wired from one Config."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from api.access import AccessVerifier
from api.auth import AuthMiddleware, error_response
from api.bodylimit import BodyLimitMiddleware
from api.errors import ApiError
from api.metrics import ApiMetrics
from api.ratelimit import RateLimiter
from api.routers import alerts, corrections, health, logs, patterns, search, session, silences, stats, ws
from api.state import AppState, auth_required
from api.tail import TailHub
from api.tokens import TokenStore
from core.config import REPO_ROOT, Config, load_config

__all__ = ["create_app", "DASHBOARD_DIR"]

logger = logging.getLogger(__name__)

DASHBOARD_DIR = REPO_ROOT / "dashboard"
# Dashboard pages: nothing but our own files, no inline script, no framing.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}


def _validation_sentence(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "The request is invalid: check its parameters."
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body", "path"))
    msg = str(first.get("msg", "is invalid")).rstrip(".")
    msg = msg[0].lower() + msg[1:] if msg else "is invalid"
    return f"Parameter '{where or 'request'}' is invalid: {msg}."


def create_app(
    config: Config | None = None,
    *,
    access_transport: httpx.AsyncBaseTransport | None = None,
    dashboard_dir: Path = DASHBOARD_DIR,
) -> FastAPI:
    """Build the API for one configuration.

    :param config: the configuration (``load_config()`` when omitted).
    :param access_transport: httpx transport for fetching Cloudflare Access keys (tests inject one).
    :param dashboard_dir: where the dashboard's files are.
    :raises ConfigError: when the auth settings are unsafe or inconsistent.
    """
    config = config or load_config()
    api = config.api
    metrics = ApiMetrics()
    access = None
    if api.access_team_domain:
        access = AccessVerifier(
            api.access_team_domain,
            api.access_audience,
            api.access_jwks_ttl_s,
            timeout_s=api.health_timeout_s * 2,
            transport=access_transport,
        )
    state = AppState(
        config=config,
        tokens=TokenStore.for_var_dir(config.var_dir),
        limiter=RateLimiter(api.rate_limit_per_s, api.rate_limit_burst),
        metrics=metrics,
        hub=TailHub(config.kafka.bootstrap_servers, config.topics.classified, metrics, config.kafka.request_timeout_ms),
        auth_required=auth_required(config),
        access=access,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logger.info(
            "api starting host=%r port=%d auth_required=%s access=%s",
            api.host,
            api.port,
            state.auth_required,
            bool(access),
        )
        try:
            yield
        finally:
            await state.aclose()

    app = FastAPIOffline(
        redoc_url=None,
        static_url="/docs-assets",
        title="logwatch API",
        version="1.0",
        description="Search, stats, trends, patterns, live tail and alerts over the classified logs.",
        lifespan=lifespan,
    )
    app.state.logwatch = state

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return JSONResponse({"detail": _validation_sentence(exc)}, status_code=422)

    # Specific /logs/... paths before /logs/{event_id}.
    for router in (
        search.router,
        stats.router,
        patterns.router,
        logs.router,
        alerts.router,
        silences.router,
        corrections.router,
        health.router,
        ws.router,
        session.router,
    ):
        app.include_router(router)

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return FileResponse(dashboard_dir / "index.html", headers=PAGE_HEADERS)

    @app.get("/login", include_in_schema=False)
    async def login_page() -> Response:
        return FileResponse(dashboard_dir / "login.html", headers=PAGE_HEADERS)

    app.mount("/assets", StaticFiles(directory=dashboard_dir / "assets", check_dir=False), name="assets")
    app.add_middleware(AuthMiddleware, state=state)
    app.add_middleware(BodyLimitMiddleware)  # outermost: bounds bodies before auth, sign-in included
    return app
