"""The dashboard in headless Chromium: search, click-to-filter, zoom, open a document, live tail, shared
links, escaping, phone layout, sign-in and the Patterns view. Screenshots go to var/test-artifacts/dashboard/."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from elasticsearch import Elasticsearch
from kafka import KafkaProducer
from playwright.sync_api import expect

from alerting.history import ALERTS_MAPPING
from api.app import create_app
from api.tokens import TokenStore
from core.config import NlpConfig, load_config
from tests.api.conftest import make_config
from tests.api.seed import make_doc, seed_docs
from tests.api.server import running_server

pytestmark = pytest.mark.integration

XSS = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>'


@pytest.fixture(scope="module")
def live(
    es_url: str,
    kafka_bootstrap: str,
    es_client: Elasticsearch,
    seeded_prefix: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Any]]:
    admin_topic = f"tail-{uuid.uuid4().hex[:8]}"
    from kafka.admin import KafkaAdminClient, NewTopic

    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics([NewTopic(admin_topic, 1, 1)])
    finally:
        admin.close()
    xss = make_doc(9999, datetime.now(UTC) - timedelta(minutes=1), service="web", message=XSS)
    del xss["exception"]
    seed_docs(es_client, seeded_prefix, [xss])
    alerts_index = f"alerts_dash_{uuid.uuid4().hex[:8]}"
    alert_service = f"svc-{uuid.uuid4().hex[:6]}"
    now = datetime.now(UTC)
    es_client.indices.create(index=alerts_index, mappings=ALERTS_MAPPING)
    es_client.index(
        index=alerts_index,
        refresh="wait_for",
        document={
            "alert_id": "dash-1",
            "status": "firing",
            "rule": "error_burst",
            "severity": "HIGH",
            "service": alert_service,
            "category": "performance",
            "window_start": (now - timedelta(minutes=6)).isoformat(),
            "window_end": (now - timedelta(minutes=1)).isoformat(),
            "value": 42,
            "threshold": 10,
            "samples": ["<script>alert(1)</script> upstream timeout"],
            "generated_at": now.isoformat(),
            "received_at": now.isoformat(),
            "delivery_status": "sent",
            "deliveries": [],
        },
    )
    var_dir = tmp_path_factory.mktemp("dash")
    config = make_config(
        var_dir,
        es_url=es_url,
        kafka=kafka_bootstrap,
        logs_index=seeded_prefix,
        classified_topic=admin_topic,
        rate_limit_per_s=0,
        alerts_index=alerts_index,
    )
    # The trained model, for the document panel's "why" (GET /logs/{id}/explain).
    config = config.model_copy(update={"nlp": NlpConfig(model_path=str(load_config().model_path))})
    app = create_app(config)
    with running_server(app) as url:
        yield {
            "url": url,
            "topic": admin_topic,
            "state": app.state.logwatch,
            "xss": xss,
            "alert_service": alert_service,
        }


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # Playwright's wait_for_function evaluates strings, which our Content-Security-Policy forbids (as it
    # should); these contexts bypass it, and test_dashboard_phone_layout runs with the policy enforced.
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.expected_errors = []  # substrings of errors a test provokes on purpose
    yield pg
    context.close()
    unexpected = [e for e in errors if not any(x in e for x in pg.expected_errors)]
    assert not unexpected, unexpected


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def wait_rows(page: Any) -> None:
    expect(page.locator("#count")).to_have_text(re.compile(r"^[\d,]+\+? logs$"), timeout=15000)


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"))


def test_dashboard_loads_and_searches(page: Any, live: dict[str, Any], artifacts: Path) -> None:
    page.goto(f"{live['url']}/?from=now-3h")
    wait_rows(page)
    assert page.text_content("#count") == "241 logs"
    assert page.locator("[data-testid=histogram] rect").count() > 20
    shot(page, artifacts, "01-loaded")
    page.fill("#q", "login")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('count').textContent === '60 logs'")
    assert query_of(page.url)["q"] == ["login"]
    marks = page.locator("#results mark").all_text_contents()
    assert marks and all(m.lower() == "login" for m in marks)
    shot(page, artifacts, "02-search")


def test_dashboard_bad_query_shows_the_sentence(page: Any, live: dict[str, Any]) -> None:
    # The browser logs each 400 as a failed resource (search and histogram, in either order): that is the point.
    page.expected_errors.append("status of 400 (Bad Request)")
    page.goto(f"{live['url']}/?from=now-3h&q=(oops")
    page.wait_for_function("document.getElementById('message').textContent.includes('never closed')")


def test_dashboard_click_to_filter(page: Any, live: dict[str, Any], artifacts: Path) -> None:
    page.goto(f"{live['url']}/?from=now-3h")
    wait_rows(page)
    page.locator("#results button[data-field=service][data-value=auth]").first.click()
    page.wait_for_function("document.getElementById('count').textContent === '60 logs'")
    assert query_of(page.url)["service"] == ["auth"]
    services = page.locator("#results td.col-service").all_text_contents()
    assert services and set(services) == {"auth"}
    assert "service: auth" in page.text_content("#active-filters")
    page.locator("#facets button[data-field=level][data-value=WARN]").click()
    page.wait_for_function("new URLSearchParams(location.search).get('level') === 'WARN'")
    shot(page, artifacts, "03-filtered")
    page.go_back()
    page.wait_for_function("!new URLSearchParams(location.search).has('level')")
    page.wait_for_function("document.getElementById('count').textContent === '60 logs'")


def test_dashboard_histogram_drag_zooms(page: Any, live: dict[str, Any], artifacts: Path) -> None:
    page.goto(f"{live['url']}/?from=now-3h")
    wait_rows(page)
    box = page.locator("[data-testid=histogram]").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.55, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, y, steps=8)
    page.mouse.up()
    page.wait_for_function("new URLSearchParams(location.search).get('from')?.endsWith('Z')")
    params = query_of(page.url)
    start = datetime.fromisoformat(params["from"][0].replace("Z", "+00:00"))
    end = datetime.fromisoformat(params["to"][0].replace("Z", "+00:00"))
    assert timedelta(minutes=20) < end - start < timedelta(minutes=50)
    wait_rows(page)
    count = int(page.text_content("#count").split()[0])
    assert 40 < count < 100
    shot(page, artifacts, "04-zoomed")


def test_dashboard_open_document_and_share_link(page: Any, browser: Any, live: dict[str, Any], artifacts: Path) -> None:
    page.goto(f"{live['url']}/?from=now-3h&q=order&category=business")
    wait_rows(page)
    page.locator("#results .open-doc").first.click()
    page.wait_for_selector("[data-testid=doc-json]")
    doc = json.loads(page.text_content("[data-testid=doc-json]"))
    assert query_of(page.url)["doc"] == [doc["event_id"]]
    count = page.text_content("#count")
    shot(page, artifacts, "05-document")
    # Someone else opens the shared link in a fresh browser context: the same view.
    other = browser.new_context(viewport={"width": 1200, "height": 800}, bypass_csp=True)
    try:
        shared = other.new_page()
        shared.goto(page.url)
        wait_rows(shared)
        shared.wait_for_selector("[data-testid=doc-json]")
        assert json.loads(shared.text_content("[data-testid=doc-json]"))["event_id"] == doc["event_id"]
        assert shared.input_value("#q") == "order"
        assert shared.text_content("#count") == count
        assert "category: business" in shared.text_content("#active-filters")
        shot(shared, artifacts, "06-shared-link")
    finally:
        other.close()
    page.keyboard.press("Escape")
    page.wait_for_function("!new URLSearchParams(location.search).has('doc')")
    assert page.locator("[data-testid=doc-panel]").is_hidden()


def test_dashboard_patterns_view_lists_templates_and_a_click_searches_one(
    page: Any, live: dict[str, Any], artifacts: Path
) -> None:
    page.goto(f"{live['url']}/?from=now-3h")
    wait_rows(page)
    page.click("#view-patterns")
    page.wait_for_function("new URLSearchParams(location.search).get('view') === 'patterns'")
    rows = page.locator("#patterns-body tr")
    expect(rows.first).to_be_visible(timeout=15000)
    assert page.locator("#results-table").is_hidden()
    counts = [int(c) for c in rows.evaluate_all("rs => rs.map(r => r.dataset.count)")]
    # The four seeded messages are four templates of 60 logs; the escaping test's line is one more.
    assert counts == sorted(counts, reverse=True) and counts[:4] == [60, 60, 60, 60] and sum(counts) == 241
    for i in range(rows.count()):
        assert rows.nth(i).locator("[data-testid=sparkline] rect").count() > 0
    # Templates are text: the <*> marks are spans, the seeded HTML stays characters on the screen.
    worker = rows.filter(has_text="Worker")
    assert "<b>ok" in worker.locator(".template").text_content()
    assert worker.locator(".wildcard").count() >= 1
    assert page.evaluate("window.__pwned") is None and page.locator("#patterns img").count() == 0
    shot(page, artifacts, "11-patterns")
    top = rows.first
    template_id = top.get_attribute("data-template-id")
    top.locator(".pick-template").click()
    page.wait_for_function("!new URLSearchParams(location.search).has('view')")
    assert query_of(page.url)["q"] == [f"template_id:{template_id}"]
    page.wait_for_function("document.getElementById('count').textContent === '60 logs'")
    assert page.input_value("#q") == f"template_id:{template_id}"
    messages = page.locator("#results .message").all_text_contents()
    assert len(messages) == 60
    shot(page, artifacts, "12-pattern-logs")
    page.go_back()
    page.wait_for_function("new URLSearchParams(location.search).get('view') === 'patterns'")
    expect(rows.first).to_be_visible()
    assert page.locator("#results-table").is_hidden()


def test_dashboard_escapes_log_text(page: Any, live: dict[str, Any]) -> None:
    page.goto(f"{live['url']}/?from=now-3h&service=web")
    wait_rows(page)
    assert page.locator("#results .message").first.text_content() == XSS
    page.locator("#results .open-doc").first.click()
    page.wait_for_selector("[data-testid=doc-json]")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#results img, #doc img").count() == 0
    general = page.goto(f"{live['url']}/?from=now-3h&q=worker")
    assert general is not None
    wait_rows(page)
    assert "<b>ok</b> & ready" in page.locator("#results .message").first.text_content()


def test_dashboard_live_tail_shows_new_logs(
    page: Any, live: dict[str, Any], kafka_bootstrap: str, artifacts: Path
) -> None:
    page.goto(f"{live['url']}/?from=now-3h&service=checkout")
    wait_rows(page)
    page.click("#tail-toggle")
    page.wait_for_function("new URLSearchParams(location.search).get('tail') === '1'")
    assert live["state"].hub.wait_ready(30)
    page.wait_for_function("document.getElementById('tail-status').textContent.startsWith('Live')")
    marker = f"fresh-{uuid.uuid4().hex[:8]}"
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    try:
        for service in ("search", "checkout"):
            doc = make_doc(1, datetime.now(UTC), service=service, message=f"{marker} from {service} <i>x</i>")
            del doc["exception"]
            producer.send(live["topic"], json.dumps(doc).encode())
        producer.flush(10)
    finally:
        producer.close(5)
    row = page.locator("#results tr.live-row").first
    row.wait_for(timeout=15000)
    assert row.locator(".message").text_content() == f"{marker} from checkout <i>x</i>"
    assert page.locator("#results tr.live-row").count() == 1  # the search-service log was filtered out
    shot(page, artifacts, "07-live-tail")
    page.click("#tail-toggle")
    page.wait_for_function("!new URLSearchParams(location.search).has('tail')")


def test_dashboard_phone_layout(browser: Any, live: dict[str, Any], artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        pg = context.new_page()
        violations: list[str] = []
        pg.on("console", lambda m: violations.append(m.text) if m.type == "error" else None)
        pg.goto(f"{live['url']}/?from=now-3h&q=login")
        wait_rows(pg)
        expect(pg.locator("#results mark").first).to_be_visible()
        assert not violations, violations  # the page works under its own Content-Security-Policy
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"page is {width}px wide on a 390px phone"
        assert pg.locator("#results td.col-host").first.is_hidden()
        pg.screenshot(path=str(artifacts / "08-phone.png"), full_page=False)
    finally:
        context.close()


def test_dashboard_alert_panel_silence_and_show_logs(page: Any, live: dict[str, Any], artifacts: Path) -> None:
    page.goto(f"{live['url']}/?from=now-3h&alerts=1")
    alert = page.locator("#alerts li[data-alert-id=dash-1]")
    alert.wait_for()
    assert "error_burst" in alert.text_content() and "firing" in alert.text_content()
    assert "<script>alert(1)</script> upstream timeout" in alert.locator(".sample").text_content()
    alert.locator("button", has_text="Silence").click()
    silence = page.locator("#alerts .silences li", has_text=live["alert_service"])
    silence.wait_for()
    assert "rule error_burst" in silence.text_content()
    shot(page, artifacts, "09-alerts")
    silence.locator("button", has_text="End").click()
    silence.wait_for(state="detached")
    page.locator("#alerts li[data-alert-id=dash-1] button", has_text="Show logs").click()
    page.wait_for_function(f"new URLSearchParams(location.search).get('service') === '{live['alert_service']}'")
    assert query_of(page.url)["from"][0].endswith(("Z", "+00:00"))


def test_dashboard_sign_in_with_token(
    browser: Any, es_url: str, seeded_prefix: str, tmp_path: Path, artifacts: Path
) -> None:
    app = create_app(make_config(tmp_path, es_url=es_url, logs_index=seeded_prefix, auth="required"))
    token = TokenStore.for_var_dir(tmp_path).create("browser-test")
    with running_server(app) as url:
        context = browser.new_context(bypass_csp=True)
        try:
            pg = context.new_page()
            pg.goto(f"{url}/?from=now-3h&service=auth")
            pg.wait_for_selector("#login-form")
            assert urlsplit(pg.url).path == "/login"
            pg.fill("#token", "lw_wrong")
            pg.click("button[type=submit]")
            pg.wait_for_function("document.getElementById('login-error').textContent.includes('unknown or revoked')")
            shot(pg, artifacts, "10-sign-in")
            pg.fill("#token", token)
            pg.click("button[type=submit]")
            pg.wait_for_url(re.compile(r".*/\?from=now-3h&service=auth$"))
            wait_rows(pg)
            assert pg.text_content("#count") == "60 logs"
            assert "browser-test" in pg.text_content("#who")
            cookies = {c["name"]: c for c in context.cookies()}
            assert cookies["logwatch_token"]["httpOnly"] and cookies["logwatch_token"]["sameSite"] == "Strict"
            # Audit L1: "/\\evil.example/phish" passed the old check and the browser went to evil.example.
            pg.goto(f"{url}/login?next=%2F%5Cevil.example%2Fphish")
            pg.fill("#token", token)
            pg.click("button[type=submit]")
            pg.wait_for_url(f"{url}/**")
            wait_rows(pg)
            assert urlsplit(pg.url).netloc == urlsplit(url).netloc
        finally:
            context.close()
