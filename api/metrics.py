"""Prometheus metrics of one API instance (its own registry, so several apps in one process never clash)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["ApiMetrics", "CONTENT_TYPE_LATEST"]


class ApiMetrics:
    """The API's counters, gauges and histograms."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "logwatch_api_requests", "HTTP requests handled.", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "logwatch_api_request_duration_seconds",
            "HTTP request latency.",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=r,
        )
        self.auth_failures = Counter(
            "logwatch_api_auth_failures", "Requests refused by authentication.", ["reason"], registry=r
        )
        self.rate_limited = Counter("logwatch_api_rate_limited", "Requests refused by rate limiting.", registry=r)
        self.ws_clients = Gauge("logwatch_api_ws_clients", "Live tail WebSocket clients connected.", registry=r)
        self.ws_sent = Counter("logwatch_api_ws_messages_sent", "Log documents sent to live tail clients.", registry=r)
        self.ws_dropped = Counter(
            "logwatch_api_ws_messages_dropped",
            "Log documents dropped because a live tail client was too slow.",
            registry=r,
        )
        self.tail_records = Counter("logwatch_api_tail_records", "Records read from the live tail topic.", registry=r)
        self.tail_bad_records = Counter(
            "logwatch_api_tail_bad_records",
            "Records on the live tail topic that were not JSON objects.",
            registry=r,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
