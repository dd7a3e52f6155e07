"""Browser test fixtures: a live API over a seeded Elasticsearch, and headless Debian Chromium via Playwright."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.config import REPO_ROOT
from tests.api.conftest import es_client, seeded_now, seeded_prefix  # noqa: F401  (shared fixtures)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "var" / "test-artifacts" / "dashboard"


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is open, which
# would break every later test that calls asyncio.run().
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright import sync_api as playwright_api

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run `make setup` (or apt-get install -y chromium).")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
