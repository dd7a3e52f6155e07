"""A correction made through the API changes the category of new lines of its template in the running job.

Real Kafka, Elasticsearch and Spark (the session's services), under names of this test's own, so the exact
counts of the other pipeline tests are not touched.
"""

from __future__ import annotations

import json
import time
import uuid
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from kafka import KafkaProducer
from starlette.exceptions import StarletteDeprecationWarning

from api.app import create_app
from core.config import ApiConfig, Config, EsConfig, KafkaConfig, NlpConfig, load_config
from core.contract import Indices, Topics
from core.corrections import CORRECTED
from infra import kafka_broker
from infra.teststack import TestStack
from streaming.overrides import RELOAD_S

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

pytestmark = pytest.mark.integration

# Lines of the demo's recommender that the model has labelled security (issue 13): one template.
CORRECTED_LINE = "Generated daily mix 'Jazz Mix' with {i} tracks for user u{i}61083"
OTHER_LINE = "Worker {i} started and ready"


@pytest.fixture(scope="module")
def job(kafka_bootstrap: str, es_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tag = uuid.uuid4().hex[:6]
    topics = Topics(
        logs=f"c{tag}.in", classified=f"c{tag}.out", dlq=f"c{tag}.dlq", alerts=f"c{tag}.al", alerts_dlq=f"c{tag}.ald"
    )
    indices = Indices(logs=f"c{tag}_docs", alerts=f"c{tag}_alerts", silences=f"c{tag}_mute", corrections=f"c{tag}_fix")
    kafka_broker.create_topics(kafka_bootstrap, topics)
    var_dir = tmp_path_factory.mktemp("corrections")
    own = TestStack(var_dir, topics=topics, indices=indices)
    own.supervisor.start(own.streaming_service(kafka_bootstrap, es_url))
    config = Config(
        var_dir=var_dir,
        kafka=KafkaConfig(bootstrap_servers=kafka_bootstrap),
        es=EsConfig(url=es_url),
        api=ApiConfig(rate_limit_per_s=0),
        nlp=NlpConfig(model_path=str(load_config().model_path)),
        topics=topics,
        indices=indices,
    )
    # As a local browser calls it: with auth off the API answers only loopback callers.
    with TestClient(create_app(config), base_url="http://127.0.0.1:8000", client=("127.0.0.1", 50000)) as api:
        yield {"topic": topics.logs, "index": indices.logs, "api": api, "es": Elasticsearch(es_url, request_timeout=30)}
    own.supervisor.stop("streaming")


def produce(bootstrap: str, topic: str, phase: str, count: int = 20) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for i in range(count):
        for text in (CORRECTED_LINE, OTHER_LINE):
            line = {
                "timestamp": datetime.now(UTC).isoformat(),
                "level": "INFO",
                "service": "music-recommender",
                "message": text.format(i=i + 1),
                "attributes": {"phase": phase},
            }
            producer.send(topic, key=b"music-recommender", value=json.dumps(line).encode())
    producer.flush(30)
    producer.close()


def indexed(es: Elasticsearch, index: str, phase: str, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        es.options(ignore_status=404).indices.refresh(index=index)
        found = es.options(ignore_status=404).search(
            index=index, query={"term": {"attributes.phase": phase}}, size=count + 10
        )
        hits = [h["_source"] for h in found.body.get("hits", {}).get("hits", [])]
        if len(hits) >= count:
            return hits
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {count} documents of phase {phase!r}")


def by_template(docs: list[dict[str, Any]]) -> dict[str, set[tuple[str, str]]]:
    """Message shape -> the (category, model_version) pairs its lines got."""
    out: dict[str, set[tuple[str, str]]] = {}
    for doc in docs:
        shape = "corrected" if doc["message"].startswith("Generated") else "other"
        out.setdefault(shape, set()).add((doc["category"], doc["model_version"]))
    return out


def test_a_correction_applies_to_new_lines_of_its_template_within_seconds_and_revoking_undoes_it(
    job: dict[str, Any], kafka_bootstrap: str
) -> None:
    es, api, index = job["es"], job["api"], job["index"]
    produce(kafka_bootstrap, job["topic"], "before")
    before = indexed(es, index, "before", 40)
    first = next(d for d in before if d["message"].startswith("Generated"))
    templates = {d["template_id"] for d in before if d["message"].startswith("Generated")}
    assert templates == {first["template_id"]}  # one template, whatever the numbers
    model_says = by_template(before)
    assert len(model_says["corrected"]) == 1
    (model_category, model_version), *_ = model_says["corrected"]
    assert model_version != CORRECTED
    wanted = "business" if model_category != "business" else "general"

    made = api.post("/corrections", json={"event_id": first["event_id"], "category": wanted})
    assert made.status_code == 201, made.text
    time.sleep(RELOAD_S + 1)  # every worker's copy of the corrections is now newer than the correction
    produce(kafka_bootstrap, job["topic"], "after")
    after = by_template(indexed(es, index, "after", 40))
    assert after["corrected"] == {(wanted, CORRECTED)}
    assert after["other"] == model_says["other"]  # other templates keep the model's answer
    confidences = {d["category_confidence"] for d in indexed(es, index, "after", 40) if d["model_version"] == CORRECTED}
    assert confidences == {1.0}

    assert api.delete(f"/corrections/{first['template_id']}").status_code == 204
    time.sleep(RELOAD_S + 1)
    produce(kafka_bootstrap, job["topic"], "revoked")
    assert by_template(indexed(es, index, "revoked", 40))["corrected"] == model_says["corrected"]
