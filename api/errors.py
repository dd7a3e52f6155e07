"""Errors the API turns into HTTP answers: each carries its status code and one sentence for a person.

LogwatchError                 (core.errors: root of every error the project raises)
└── ApiError                  status_code + one-sentence detail
    ├── BadRequestError       400: a parameter is invalid
    │   └── QuerySyntaxError  400: the search query cannot be parsed (says where and how to fix it)
    ├── AuthError             401: no valid token, cookie or Cloudflare Access JWT
    ├── ForbiddenError        403: a cross-site request carrying our cookie
    ├── NotFoundError         404: no such document, silence, ...
    ├── BodyTooLargeError     413: the request body is over the limit for its path
    ├── RateLimitedError      429: this token's bucket is empty (carries retry_after_s)
    └── UpstreamError         503: Elasticsearch, Kafka or the alerting package is unavailable
"""

from __future__ import annotations

from core.errors import LogwatchError

__all__ = [
    "ApiError",
    "BadRequestError",
    "QuerySyntaxError",
    "AuthError",
    "ForbiddenError",
    "NotFoundError",
    "BodyTooLargeError",
    "RateLimitedError",
    "UpstreamError",
]


class ApiError(LogwatchError):
    """Base of API errors; ``detail`` is the sentence shown to the caller."""

    status_code = 500

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BadRequestError(ApiError):
    status_code = 400


class QuerySyntaxError(BadRequestError):
    """The query text cannot be parsed; ``position`` is the 0-based offset of the problem."""

    def __init__(self, detail: str, position: int) -> None:
        super().__init__(detail)
        self.position = position


class AuthError(ApiError):
    status_code = 401


class ForbiddenError(ApiError):
    status_code = 403


class NotFoundError(ApiError):
    status_code = 404


class BodyTooLargeError(ApiError):
    status_code = 413


class RateLimitedError(ApiError):
    status_code = 429

    def __init__(self, detail: str, retry_after_s: float) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class UpstreamError(ApiError):
    status_code = 503
