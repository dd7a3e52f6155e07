"""``GET /logs/{id}/explain`` and ``/corrections`` against a real Elasticsearch, with the trained model."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from api.tokens import TokenStore
from core.config import Config, NlpConfig, load_config
from core.contract import CATEGORIES, Indices
from tests.api.conftest import AppFactory, make_config
from tests.api.seed import seed_docs, standard_docs

pytestmark = pytest.mark.integration


def configured(tmp_path: Path, es_url: str, prefix: str, model_path: Path | None = None, **api: object) -> Config:
    """A test config reading ``prefix``, with its own corrections index and the trained model."""
    config = make_config(tmp_path, es_url=es_url, logs_index=prefix, rate_limit_per_s=0, **api)
    return config.model_copy(
        update={
            "indices": Indices(logs=prefix, corrections=f"corr_{uuid.uuid4().hex[:8]}"),
            "nlp": NlpConfig(model_path=str(model_path or load_config().model_path)),
        }
    )


@pytest.fixture(scope="module")
def docs(es_url: str) -> tuple[str, list[dict[str, object]]]:
    es = Elasticsearch(es_url, request_timeout=30)
    prefix = f"corrtest_{uuid.uuid4().hex[:8]}"
    seeded = standard_docs(datetime.now(UTC), count=8)
    seed_docs(es, prefix, seeded)
    es.close()
    return prefix, seeded


def test_explain_gives_category_runner_up_and_the_words_each_way(
    app_factory: AppFactory, es_url: str, docs: tuple[str, list[dict[str, object]]], tmp_path: Path
) -> None:
    prefix, seeded = docs
    client = app_factory(configured(tmp_path, es_url, prefix))
    security = next(d for d in seeded if d["category"] == "security")  # "Failed login for user admin1 ..."
    response = client.get(f"/logs/{security['event_id']}/explain")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["category"] == "security" and body["confidence"] == security["category_confidence"]
    assert body["template_id"] == security["template_id"] and body["correction"] is None
    assert body["predicted"] in CATEGORIES and body["runner_up"] in CATEGORIES
    assert body["predicted"] != body["runner_up"]
    assert 1.0 >= body["predicted_confidence"] >= body["runner_up_confidence"] >= 0.0
    # The words are the message's own, and each list pushes its own way.
    message = str(security["message"]).lower()
    assert body["toward"] and all(w["weight"] > 0 for w in body["toward"] + body["against"])
    words = [part for w in body["toward"] for part in w["feature"].split() if not part.startswith("<")]
    assert words and all(part in message for part in words)  # stems ("fail") and placeholders ("<ip>") aside
    assert len(client.get(f"/logs/{security['event_id']}/explain", params={"top": 1}).json()["toward"]) == 1


def test_explain_without_a_model_is_503_with_a_sentence(
    app_factory: AppFactory, es_url: str, docs: tuple[str, list[dict[str, object]]], tmp_path: Path
) -> None:
    prefix, seeded = docs
    client = app_factory(configured(tmp_path, es_url, prefix, model_path=tmp_path / "none.joblib"))
    response = client.get(f"/logs/{seeded[0]['event_id']}/explain")
    assert response.status_code == 503 and "make train" in response.json()["detail"]
    assert client.get("/logs/no-such-id/explain").status_code == 404


def test_a_correction_is_stored_by_template_listed_explained_and_revoked(
    app_factory: AppFactory, es_url: str, docs: tuple[str, list[dict[str, object]]], tmp_path: Path
) -> None:
    prefix, seeded = docs
    client = app_factory(configured(tmp_path, es_url, prefix))
    doc = next(d for d in seeded if d["category"] == "performance")
    assert client.get("/corrections").json() == []  # no index yet: an empty list, not an error

    created = client.post("/corrections", json={"event_id": doc["event_id"], "category": "business"})
    assert created.status_code == 201
    body = created.json()
    assert body["template_id"] == doc["template_id"] and body["template"] == doc["template"]
    assert (body["category"], body["previous"], body["event_id"]) == ("business", "performance", doc["event_id"])
    assert body["created_by"] == "anonymous" and body["created_at"].endswith("Z")
    # A second word about the same template replaces the first: one correction per template.
    again = client.post("/corrections", json={"event_id": doc["event_id"], "category": "general"}).json()
    listed = client.get("/corrections").json()
    assert listed == [again] and again["category"] == "general"
    assert client.get(f"/logs/{doc['event_id']}/explain").json()["correction"] == again

    assert client.delete(f"/corrections/{doc['template_id']}").status_code == 204
    assert client.get("/corrections").json() == []
    gone = client.delete(f"/corrections/{doc['template_id']}")
    assert gone.status_code == 404 and "GET /corrections" in gone.json()["detail"]


def test_a_bad_correction_is_refused_with_a_sentence(
    app_factory: AppFactory, es_url: str, docs: tuple[str, list[dict[str, object]]], tmp_path: Path
) -> None:
    prefix, seeded = docs
    client = app_factory(configured(tmp_path, es_url, prefix))
    bad = client.post("/corrections", json={"event_id": seeded[0]["event_id"], "category": "spam"})
    assert bad.status_code == 400 and "use one of security, performance, business, general" in bad.json()["detail"]
    missing = client.post("/corrections", json={"event_id": "nope", "category": "general"})
    assert missing.status_code == 404
    assert client.get("/corrections").json() == []


def test_with_auth_on_the_correction_names_the_token_that_made_it(
    app_factory: AppFactory, es_url: str, docs: tuple[str, list[dict[str, object]]], tmp_path: Path
) -> None:
    prefix, seeded = docs
    config = configured(tmp_path, es_url, prefix, auth="required")
    tokens = TokenStore.for_var_dir(config.var_dir)
    alice, viewer = tokens.create("alice", scopes=("read", "silence")), tokens.create("viewer")
    client = app_factory(config)
    doc = {"event_id": seeded[1]["event_id"], "category": "security"}
    assert client.post("/corrections", json=doc).status_code == 401
    # Relabelling a template can turn its alerts off, as a silence does: a read-only token may not.
    refused = client.post("/corrections", json=doc, headers={"Authorization": f"Bearer {viewer}"})
    assert refused.status_code == 403 and "--scope silence" in refused.json()["detail"]
    made = client.post("/corrections", json=doc, headers={"Authorization": f"Bearer {alice}"})
    assert made.status_code == 201 and made.json()["created_by"] == "alice"
    template = seeded[1]["template_id"]
    assert client.delete(f"/corrections/{template}", headers={"Authorization": f"Bearer {viewer}"}).status_code == 403
    assert client.delete(f"/corrections/{template}", headers={"Authorization": f"Bearer {alice}"}).status_code == 204
