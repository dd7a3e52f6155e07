"""Documents shaped like the indexed log document (docs/design.md), and a helper that indexes them for real."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk

from streaming.es_index import ensure_template, index_name
from streaming.templates import Template, template_of

__all__ = ["make_doc", "seed_docs", "standard_docs", "SERVICES", "CATEGORIES", "LEVELS"]

SERVICES = ["checkout", "auth", "search", "inventory"]
CATEGORIES = ["business", "security", "performance", "general"]
LEVELS = ["INFO", "WARN", "ERROR", "DEBUG"]
MESSAGES = {
    "business": "Order {i} paid by customer c{i} total 42.50 EUR",
    "security": "Failed login for user admin{i} from 10.0.0.{i} invalid password",
    "performance": "Request took {i}ms, exceeding latency budget; timeout risk",
    "general": "Worker {i} started <b>ok</b> & ready",
}


def make_doc(
    i: int,
    ts: datetime,
    *,
    service: str | None = None,
    category: str | None = None,
    level: str | None = None,
    message: str | None = None,
    host: str | None = None,
    topic: str = "logs",
    template: Template | None = None,
) -> dict[str, Any]:
    """One indexed document; ``i`` makes it unique and picks defaults round-robin.

    ``template`` is the message's own (streaming.templates, as the parse stage sets it) unless one is given.
    """
    category = category or CATEGORIES[i % 4]
    message = message or MESSAGES[category].format(i=i)
    template = template or template_of(message)
    offset = i
    event_id = hashlib.sha256(f"{topic}/{i % 3}/{offset}".encode()).hexdigest()[:32]
    now = datetime.now(UTC)
    return {
        "event_id": event_id,
        "timestamp": ts.isoformat(),
        "level": level or LEVELS[i % 4],
        "service": service or SERVICES[i % 4],
        "host": host or f"web-{i % 2 + 1}",
        "logger": f"app.{category}",
        "message": message,
        "template_id": template.id,
        "template": template.text,
        "exception": {"type": "TimeoutError", "message": "upstream timed out", "stacktrace": "at x\nat y"}
        if i % 10 == 0
        else None,
        "attributes": {"request_id": f"r{i}", "status": 500 if i % 5 == 0 else 200},
        "category": category,
        "category_confidence": 0.5 + (i % 50) / 100,
        "model_version": "nb-test-1",
        "ingested_at": ts.isoformat(),
        "processed_at": now.isoformat(),
        "format": "json",
        "redactions": i % 3,
        "kafka": {"topic": topic, "partition": i % 3, "offset": offset},
    }


def standard_docs(now: datetime, count: int = 240) -> list[dict[str, Any]]:
    """``count`` documents spread evenly over the last two hours before ``now``."""
    step = timedelta(hours=2) / count
    docs = [make_doc(i, now - step * (i + 1)) for i in range(count)]
    for doc in docs:
        if doc["exception"] is None:
            del doc["exception"]
    return docs


def seed_docs(es: Elasticsearch, prefix: str, docs: list[dict[str, Any]]) -> None:
    """Install the template and index ``docs`` into their daily indices, then refresh."""
    ensure_template(es, prefix)
    actions = [
        {
            "_index": index_name(datetime.fromisoformat(d["timestamp"]).astimezone(UTC), prefix),
            "_id": d["event_id"],
            "_source": d,
        }
        for d in docs
    ]
    bulk(es, actions, refresh="wait_for")
    es.indices.refresh(index=f"{prefix}-*")
