"""What one API instance holds: its config, clients, token store, verifier, limiter, metrics and tail hub."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from elastic_transport import AiohttpHttpNode
from elasticsearch import AsyncElasticsearch
from starlette.requests import HTTPConnection

from api.access import AccessVerifier
from api.es import ResponseSerializer, es_call
from api.metrics import ApiMetrics
from api.ratelimit import MAX_SEARCHES_PER_IDENTITY, ConcurrencyLimiter, RateLimiter
from api.tail import TailHub
from api.tokens import TokenStore
from core.config import Config
from core.errors import ConfigError

__all__ = ["AppState", "auth_required", "get_state", "is_loopback"]

logger = logging.getLogger(__name__)

AUTH_MODES = ("auto", "required", "disabled")


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def auth_required(config: Config) -> bool:
    """Whether tokens are required: always when exposed (non-loopback, public URL, or Access configured).

    :raises ConfigError: for an unknown mode, or ``disabled`` on an exposed API.
    """
    api = config.api
    if api.auth not in AUTH_MODES:
        raise ConfigError(f"api.auth must be one of {', '.join(AUTH_MODES)}, got {api.auth!r}: fix the value.")
    exposed = not is_loopback(api.host) or bool(api.public_url) or bool(api.access_team_domain)
    if api.auth == "disabled" and exposed:
        raise ConfigError(
            "api.auth is 'disabled' but the API is exposed (host, public_url or Access is set): "
            "use 'auto' or 'required' and create a token with 'python -m api tokens create NAME'."
        )
    if api.access_team_domain and not api.access_audience:
        raise ConfigError(
            "api.access_team_domain is set without api.access_audience: "
            "copy the Application Audience (AUD) tag from the Access application."
        )
    return api.auth == "required" or (api.auth == "auto" and exposed)


@dataclass
class AppState:
    config: Config
    tokens: TokenStore
    limiter: RateLimiter
    metrics: ApiMetrics
    hub: TailHub
    auth_required: bool
    access: AccessVerifier | None = None
    es: AsyncElasticsearch | None = None
    # The client with the search timeout, made once: each options() call builds a whole client (40-odd
    # namespaces), about a millisecond of the API's own time per search.
    _search_es: AsyncElasticsearch | None = None
    searches: ConcurrencyLimiter = field(default_factory=lambda: ConcurrencyLimiter(MAX_SEARCHES_PER_IDENTITY))
    _kafka_admin: Any = None
    _kafka_lock: threading.Lock = field(default_factory=threading.Lock)
    # /health's last Elasticsearch and Kafka checks, (monotonic time, parts), and the lock that lets one
    # request run them at a time.
    health_cache: tuple[float, dict[str, Any]] = (-1e9, {})
    health_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def index(self) -> str:
        return self.config.indices.logs

    @property
    def es_timeout_s(self) -> float:
        return min(self.config.es.request_timeout_s, self.config.api.search_timeout_ms / 1000 + 1.0)

    def async_es(self) -> AsyncElasticsearch:
        if self.es is None:
            self.es = AsyncElasticsearch(
                self.config.es.hosts,
                # About half the API's own CPU per search of the httpx node's (measured with bench.bench_api).
                node_class=AiohttpHttpNode,
                serializer=ResponseSerializer(),
                request_timeout=self.config.es.request_timeout_s,
                max_retries=1,
            )
        return self.es

    async def search_logs(self, what: str, **body: Any) -> dict[str, Any]:
        """One search of the logs alias (no index yet counts as no logs), failures as one-sentence API errors.

        :param what: what the search is for, for the error sentence and the log line.
        :param body: the ``search`` arguments.
        """
        if self._search_es is None:
            self._search_es = self.async_es().options(request_timeout=self.es_timeout_s)
        call = self._search_es.search(index=self.index, ignore_unavailable=True, allow_no_indices=True, **body)
        return await es_call(call, what, self.config.es.url)

    def kafka_cluster_ok(self) -> tuple[bool, str]:
        """Ask the brokers for cluster metadata with the health timeout (blocking; run in a thread)."""
        from kafka.admin import KafkaAdminClient

        timeout_ms = int(self.config.api.health_timeout_s * 1000)
        if not self._kafka_lock.acquire(timeout=self.config.api.health_timeout_s):
            return (
                False,
                "A previous Kafka check is still waiting for an answer: Kafka is slow or unreachable.",
            )
        try:
            try:
                if self._kafka_admin is None:
                    self._kafka_admin = KafkaAdminClient(
                        bootstrap_servers=self.config.kafka.bootstrap_servers.split(","),
                        client_id="logwatch-api-health",
                        request_timeout_ms=max(timeout_ms, 1000),
                        api_version_auto_timeout_ms=max(timeout_ms, 1000),
                    )
                cluster = self._kafka_admin.describe_cluster()
                brokers = len(cluster.get("brokers", []))
                return True, f"{brokers} broker(s) reachable"
            except Exception as exc:  # any failure means "not healthy"; the next check starts afresh
                if self._kafka_admin is not None:
                    try:
                        self._kafka_admin.close()
                    except Exception:
                        pass
                    self._kafka_admin = None
                return False, (
                    f"Kafka at {self.config.kafka.bootstrap_servers} did not answer "
                    f"({type(exc).__name__}): start it (make run) or check kafka.bootstrap_servers."
                )
        finally:
            self._kafka_lock.release()

    async def aclose(self) -> None:
        self.hub.stop(timeout_s=1.0)  # a thread still connecting to an absent broker exits on its own
        if self.es is not None:
            await self.es.close()  # the search client shares its transport
            self.es = self._search_es = None
        with self._kafka_lock:
            if self._kafka_admin is not None:
                self._kafka_admin.close()
                self._kafka_admin = None


async def get_state(conn: HTTPConnection) -> AppState:
    """FastAPI dependency: the instance's state (works for HTTP and WebSocket routes).

    A coroutine, like every dependency here: FastAPI runs a plain function in its thread pool, a thread hop per
    dependency per request that a busy two-core machine makes the slowest part of a request.
    """
    state: AppState = conn.app.state.logwatch
    return state
