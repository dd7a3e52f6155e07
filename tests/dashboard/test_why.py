"""The document panel in headless Chromium: it shows why the log has its category, and a person corrects it.

Screenshots go to var/test-artifacts/dashboard/ (``why-*.png``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from elasticsearch import Elasticsearch
from playwright.sync_api import expect

from api.app import create_app
from core.config import NlpConfig, load_config
from core.contract import Indices
from tests.api.conftest import make_config
from tests.api.seed import make_doc, seed_docs
from tests.api.server import running_server
from tests.dashboard import test_browser

pytestmark = pytest.mark.integration

# The browser page that fails the test on any console error.
page = test_browser.page

LINE = "Generated daily mix 'Jazz Mix' with 55 tracks for user u461083"


@pytest.fixture(scope="module")
def served(es_url: str, es_client: Elasticsearch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    prefix = f"why_{uuid.uuid4().hex[:8]}"
    doc = make_doc(1, datetime.now(UTC) - timedelta(minutes=5), service="music-recommender", message=LINE)
    doc.update(category="security", category_confidence=0.87)
    del doc["exception"]
    seed_docs(es_client, prefix, [doc])
    config = make_config(tmp_path_factory.mktemp("why"), es_url=es_url, logs_index=prefix, rate_limit_per_s=0)
    config = config.model_copy(
        update={
            "indices": Indices(logs=prefix, corrections=f"why_fix_{uuid.uuid4().hex[:8]}"),
            "nlp": NlpConfig(model_path=str(load_config().model_path)),
        }
    )
    with running_server(create_app(config)) as url:
        yield {"url": url, "doc": doc}


def corrections(url: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = httpx.get(f"{url}/corrections", timeout=10).json()
    return found


def test_the_document_panel_explains_the_category_and_takes_a_correction(
    page: Any, served: dict[str, Any], artifacts: Path
) -> None:
    url, doc = served["url"], served["doc"]
    page.goto(f"{url}/?from=now-3h&doc={doc['event_id']}")
    verdict = page.locator("[data-testid=why-verdict]")
    expect(verdict).to_contain_text("security 87%", timeout=15000)
    expect(verdict).to_contain_text("Runner-up:")
    # The words the API gives for the current model's choice, in its order (which words they are is the model's
    # business: retraining changes them).
    why = httpx.get(f"{url}/logs/{doc['event_id']}/explain", timeout=30).json()
    toward = page.locator("[data-testid=why-toward] .why-word").all_text_contents()
    assert toward and toward == [reason["feature"] for reason in why["toward"]]
    expect(verdict).to_contain_text(why["predicted"])
    page.locator("[data-testid=doc-panel]").screenshot(path=str(artifacts / "why-explained.png"))

    page.locator(".why-correct button[data-category=business]").click()
    status = page.locator("[data-testid=why-status]")
    expect(status).to_contain_text("Corrected to business by anonymous", timeout=10000)
    expect(status).to_contain_text("(was security)")
    (stored,) = corrections(url)
    assert (stored["template_id"], stored["category"], stored["event_id"]) == (
        doc["template_id"],
        "business",
        doc["event_id"],
    )
    page.locator("[data-testid=doc-panel]").screenshot(path=str(artifacts / "why-corrected.png"))

    # Opened again later, the panel shows the correction; revoking it removes it.
    page.reload()
    expect(page.locator("[data-testid=why-status]")).to_contain_text("Corrected to business", timeout=15000)
    page.locator(".why-correct .revoke").click()
    expect(page.locator(".why-correct .revoke")).to_have_count(0, timeout=10000)
    assert corrections(url) == []
