"""API fixtures: a real Elasticsearch seeded with documents, and apps built from test configs."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from starlette.exceptions import StarletteDeprecationWarning

from api.app import create_app
from core.config import ApiConfig, Config, EsConfig, KafkaConfig
from core.contract import Indices, Topics
from tests.api.seed import seed_docs, standard_docs

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 package for its TestClient and warns when it runs on httpx.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

AppFactory = Callable[..., TestClient]


def make_config(
    var_dir: Path,
    es_url: str = "http://127.0.0.1:9",
    kafka: str = "127.0.0.1:9",
    logs_index: str | None = None,
    classified_topic: str | None = None,
    alerts_index: str | None = None,
    silences_index: str | None = None,
    **api: Any,
) -> Config:
    """A config for one test app: names left out are the configuration's defaults; ``api`` keys override
    ApiConfig fields.
    """
    api.setdefault("health_timeout_s", 1.0)
    indices = {"logs": logs_index, "alerts": alerts_index, "silences": silences_index}
    return Config(
        var_dir=var_dir,
        kafka=KafkaConfig(bootstrap_servers=kafka, request_timeout_ms=3000),
        es=EsConfig(url=es_url, request_timeout_s=10.0),
        api=ApiConfig(**api),
        topics=Topics(**({"classified": classified_topic} if classified_topic else {})),
        indices=Indices(**{name: value for name, value in indices.items() if value}),
    )


@pytest.fixture(scope="session")
def es_client(es_url: str) -> Iterator[Elasticsearch]:
    es = Elasticsearch(es_url, request_timeout=30)
    yield es
    es.close()


@pytest.fixture(scope="session")
def seeded_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="session")
def seeded_prefix(es_client: Elasticsearch, seeded_now: datetime) -> str:
    """A unique index prefix holding the 240 standard documents of the last two hours."""
    prefix = f"apitest_{uuid.uuid4().hex[:8]}"
    seed_docs(es_client, prefix, standard_docs(seeded_now))
    return prefix


@pytest.fixture
def app_factory(tmp_path: Path) -> Iterator[AppFactory]:
    """Builds a TestClient (lifespan running) for a config; closed at the end of the test.

    It calls as a local browser would (loopback peer, ``Host: 127.0.0.1:8000``): with auth off the API answers
    nothing else.
    """
    clients: list[TestClient] = []

    def build(config: Config | None = None, **kwargs: Any) -> TestClient:
        client = TestClient(
            create_app(config or make_config(tmp_path), **kwargs),
            base_url="http://127.0.0.1:8000",
            client=("127.0.0.1", 50000),
        )
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def search_client(app_factory: AppFactory, es_url: str, seeded_prefix: str, tmp_path: Path) -> TestClient:
    """An app without auth reading the seeded indices."""
    return app_factory(make_config(tmp_path, es_url=es_url, logs_index=seeded_prefix))
