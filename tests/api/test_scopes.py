"""Who may silence alerting: tokens carry scopes, Access identities need to be listed, broad silences are short."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.__main__ import main
from api.tokens import TokenStore
from tests.api.conftest import AppFactory, make_config


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def store(tmp_path: Path) -> TokenStore:
    return TokenStore.for_var_dir(tmp_path)


@pytest.fixture
def secured(app_factory: AppFactory, tmp_path: Path) -> TestClient:
    return app_factory(make_config(tmp_path, auth="required", rate_limit_per_s=0))


def test_read_token_cannot_silence_or_end_silences(secured: TestClient, store: TokenStore) -> None:
    # Audit M5: any token (e.g. one shared with a read-only dashboard) could silence security alerts for 30 days.
    viewer = store.create("viewer")
    assert secured.get("/auth/me", headers=bearer(viewer)).json()["scopes"] == ["read"]
    created = secured.post("/silences", json={"category": "security", "duration_s": 3600}, headers=bearer(viewer))
    assert created.status_code == 403 and "--scope silence" in created.json()["detail"]
    ended = secured.delete("/silences/abc", headers=bearer(viewer))
    assert ended.status_code == 403


def test_tokens_from_before_scopes_may_only_read(tmp_path: Path, store: TokenStore) -> None:
    token = store.create("old")
    raw = json.loads(store.path.read_text())
    for item in raw["tokens"]:
        item.pop("scopes", None)
    store.path.write_text(json.dumps(raw))
    info = TokenStore.for_var_dir(tmp_path).verify(token)
    assert info is not None and info.scopes == ("read",)


def test_cli_creates_silence_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOGWATCH_VAR_DIR", str(tmp_path))
    assert main(["tokens", "create", "oncall", "--scope", "silence"]) == 0
    token = capsys.readouterr().out.strip()
    info = TokenStore.for_var_dir(tmp_path).verify(token)
    assert info is not None and info.scopes == ("read", "silence")
    assert main(["tokens", "list"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("oncall\t") and "\tread,silence" in listed


@pytest.mark.parametrize("duration_s", [5 * 3600, 2592000])
def test_category_wide_silences_are_capped(app_factory: AppFactory, tmp_path: Path, duration_s: int) -> None:
    client = app_factory(make_config(tmp_path))
    response = client.post("/silences", json={"category": "security", "duration_s": duration_s})
    assert response.status_code == 400 and "4 hours" in response.json()["detail"]


@pytest.mark.integration
def test_silence_token_creates_and_ends_silences_and_deletions_are_logged(
    app_factory: AppFactory, es_url: str, tmp_path: Path, store: TokenStore, caplog: pytest.LogCaptureFixture
) -> None:
    index = f"silences_{uuid.uuid4().hex[:8]}"
    client = app_factory(
        make_config(tmp_path, es_url=es_url, silences_index=index, auth="required", rate_limit_per_s=0)
    )
    oncall = store.create("oncall", scopes=("read", "silence"))
    created = client.post(
        "/silences", json={"rule": "error_rate", "service": "checkout", "duration_s": 3600}, headers=bearer(oncall)
    )
    assert created.status_code == 201, created.text
    silence_id = created.json()["id"]
    with caplog.at_level(logging.INFO, logger="api.routers.silences"):
        assert client.delete(f"/silences/{silence_id}", headers=bearer(oncall)).status_code == 204
    assert any(silence_id in r.getMessage() and "oncall" in r.getMessage() for r in caplog.records)
