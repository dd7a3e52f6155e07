"""Who may reach an API without auth: the served address decides, and only local, same-site requests pass."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.tokens import TokenStore
from core.config import REPO_ROOT
from infra.teststack import free_port
from tests.api.conftest import AppFactory, make_config

LOCAL = "http://127.0.0.1:8000"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """``python -m api serve --host 0.0.0.0`` with the default config (api.host 127.0.0.1)."""
    port = free_port()
    env = {**os.environ, "LOGWATCH_VAR_DIR": str(tmp_path), "LOGWATCH_CONFIG": str(REPO_ROOT / "logwatch.yaml")}
    log = tmp_path / "api.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api", "serve", "--host", "0.0.0.0", "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/health", timeout=5)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the API did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(15)


def test_serve_on_all_interfaces_requires_tokens(served: str) -> None:
    # Audit H2: exposure was judged from api.host in the config, not from the --host the API binds to.
    response = httpx.get(f"{served}/auth/me", timeout=10)
    assert response.status_code == 401, response.text


@pytest.fixture
def local(app_factory: AppFactory, tmp_path: Path) -> TestClient:
    """The default setup: loopback, auth off."""
    return app_factory(make_config(tmp_path))


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8000", "abc.trycloudflare.com"])
def test_auth_off_refuses_foreign_host_names(local: TestClient, host: str) -> None:
    # Audit H3: DNS rebinding; a page whose name now points at 127.0.0.1 reads and writes everything.
    response = local.get("/auth/me", headers={"Host": host})
    assert response.status_code == 403 and "local" in response.json()["detail"]
    assert local.get("/logs/search", headers={"Host": host}).status_code == 403


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "localhost"])
def test_auth_off_serves_local_host_names(local: TestClient, host: str) -> None:
    assert local.get("/auth/me", headers={"Host": host}).json()["name"] == "anonymous"


@pytest.mark.parametrize(
    "headers",
    [
        {"Cf-Ray": "8c1-AMS"},
        {"Cf-Connecting-Ip": "203.0.113.9"},
        {"Cdn-Loop": "cloudflare"},
        {"X-Forwarded-For": "203.0.113.9"},
    ],
)
def test_auth_off_refuses_requests_through_a_proxy(local: TestClient, headers: dict[str, str]) -> None:
    # Audit H3: a tunnel started while auth was on keeps forwarding after the API restarts with auth off.
    response = local.get("/auth/me", headers=headers)
    assert response.status_code == 403 and "api.auth" in response.json()["detail"]


def test_auth_off_refuses_remote_peers(app_factory: AppFactory, tmp_path: Path) -> None:
    from api.app import create_app

    remote = TestClient(create_app(make_config(tmp_path)), base_url=LOCAL, client=("192.0.2.7", 50000))
    with remote:
        assert remote.get("/auth/me").status_code == 403


def test_auth_off_refuses_cross_site_websockets_and_writes(local: TestClient) -> None:
    # Audit H3: any web page open in the operator's browser could read the live tail.
    tail = "ws://127.0.0.1:8000/ws/logs"  # the TestClient's WebSockets default to Host: testserver
    with (
        pytest.raises(WebSocketDisconnect) as info,
        local.websocket_connect(tail, headers={"Origin": "https://evil.example"}),
    ):
        pass
    assert info.value.code == 1008 and "another site" in info.value.reason
    forged = local.post("/silences", json={"rule": "r", "duration_s": 60}, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403 and "another site" in forged.json()["detail"]
    # The same origin, and clients that send none, still work.
    with local.websocket_connect(tail, headers={"Origin": LOCAL}) as ws:
        assert ws.receive_json()["type"] == "hello"
    assert local.get("/auth/me", headers={"Origin": "https://evil.example"}).status_code == 200


def test_same_origin_ignores_forwarded_host_and_checks_scheme(app_factory: AppFactory, tmp_path: Path) -> None:
    # Audit L4: X-Forwarded-Host from the client was trusted, and http/https were not told apart.
    client = app_factory(make_config(tmp_path, auth="required", rate_limit_per_s=0))
    token = TokenStore.for_var_dir(tmp_path).create("browser")
    spoofed = client.post(
        "/auth/login",
        json={"token": token},
        headers={"Origin": "https://evil.example", "X-Forwarded-Host": "evil.example"},
    )
    assert spoofed.status_code == 403
    assert (
        client.post("/auth/login", json={"token": token}, headers={"Origin": "https://127.0.0.1:8000"}).status_code
        == 403
    )
    assert client.post("/auth/login", json={"token": token}, headers={"Origin": LOCAL}).status_code == 204


def test_request_bodies_are_bounded_before_they_are_read(local: TestClient) -> None:
    # Audit M3: /auth/login read and decoded bodies of any size without a credential (80 MiB -> +240 MiB RSS).
    big = b'{"token": "' + b"x" * 100_000 + b'"}'
    response = local.post("/auth/login", content=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "bytes" in response.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while the body streams in
        for _ in range(100):
            yield b"x" * 1024

    streamed = local.post("/silences", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    small = local.post("/auth/login", json={"token": "lw_wrong"})
    assert small.status_code == 401  # an ordinary body still reaches the sign-in


def test_the_served_api_logs_a_request_once(served: str, tmp_path: Path) -> None:
    # Elasticsearch's client logged each of its requests at INFO beside uvicorn's access line (and a traceback
    # at WARNING on each failed one): with Elasticsearch unreachable here, /health makes it try.
    for _ in range(3):
        httpx.get(f"{served}/health", timeout=30)
    time.sleep(0.5)
    log = (tmp_path / "api.log").read_text()
    assert log.count('"GET /health HTTP/1.1"') >= 3, log[-2000:]
    assert "elastic_transport" not in log, log[-2000:]
