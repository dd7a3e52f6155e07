"""logwatch API: search, stats, trends, patterns, alerts, silences, health, metrics and live tail over FastAPI.

Run it with ``python -m api``; manage tokens with ``python -m api tokens create|list|revoke NAME``.
"""

from __future__ import annotations

from api.app import create_app
from api.errors import (
    ApiError,
    AuthError,
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    QuerySyntaxError,
    RateLimitedError,
    UpstreamError,
)
from api.query import parse as parse_query
from api.tokens import TokenStore

__all__ = [
    "create_app",
    "parse_query",
    "TokenStore",
    "ApiError",
    "AuthError",
    "BadRequestError",
    "ForbiddenError",
    "NotFoundError",
    "QuerySyntaxError",
    "RateLimitedError",
    "UpstreamError",
]
