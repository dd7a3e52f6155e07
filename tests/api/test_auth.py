"""Tokens, the sign-in cookie, cross-site refusal, Cloudflare Access JWTs and per-token rate limits."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.app import create_app
from api.tokens import TokenStore
from core.errors import ConfigError
from tests.api.conftest import AppFactory, make_config

TEAM = "example-team.cloudflareaccess.com"
AUD = "aud-tag-1234"


@pytest.fixture
def token_store(tmp_path: Path) -> TokenStore:
    return TokenStore.for_var_dir(tmp_path)


@pytest.fixture
def secured(app_factory: AppFactory, tmp_path: Path) -> TestClient:
    return app_factory(make_config(tmp_path, auth="required", rate_limit_per_s=0))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_auth_not_required_on_loopback_by_default(app_factory: AppFactory, tmp_path: Path) -> None:
    me = app_factory(make_config(tmp_path)).get("/auth/me").json()
    assert me == {"name": "anonymous", "method": "none", "auth_required": False, "scopes": ["read", "silence"]}


@pytest.mark.parametrize("overrides", [{"host": "0.0.0.0"}, {"public_url": "https://logs.example.com"}])
def test_auth_auto_turns_on_when_exposed(app_factory: AppFactory, tmp_path: Path, overrides: dict[str, Any]) -> None:
    client = app_factory(make_config(tmp_path, **overrides))
    assert client.get("/auth/me").status_code == 401


@pytest.mark.parametrize(
    "overrides",
    [
        {"auth": "disabled", "host": "0.0.0.0"},
        {"auth": "disabled", "public_url": "https://x.example"},
        {"auth": "sometimes"},
        {"access_team_domain": TEAM},
    ],
)
def test_auth_unsafe_or_inconsistent_config_is_refused(tmp_path: Path, overrides: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        create_app(make_config(tmp_path, **overrides))


def test_auth_missing_token_is_401_with_a_sentence(secured: TestClient) -> None:
    response = secured.get("/auth/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "python -m api tokens create NAME" in response.json()["detail"]
    assert secured.get("/metrics").status_code == 401
    assert secured.get("/openapi.json").status_code == 401


def test_auth_health_and_assets_stay_open(secured: TestClient) -> None:
    assert secured.get("/health").status_code in (200, 503)
    assert secured.get("/assets/app.js").status_code == 200
    assert secured.get("/login").status_code == 200


def test_auth_dashboard_redirects_browsers_to_sign_in(secured: TestClient) -> None:
    response = secured.get("/?service=auth", headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2F%3Fservice%3Dauth"


def test_auth_token_accepted_wrong_and_revoked_refused(secured: TestClient, token_store: TokenStore) -> None:
    token = token_store.create("ci-bot")
    assert secured.get("/auth/me", headers=bearer(token)).json()["name"] == "ci-bot"
    assert secured.get("/auth/me", headers=bearer(token + "x")).status_code == 401
    assert secured.get("/auth/me", headers={"Authorization": "Basic abc"}).status_code == 401
    token_store.revoke("ci-bot")
    time.sleep(1.1)  # the store re-reads the file at most once a second
    refused = secured.get("/auth/me", headers=bearer(token))
    assert refused.status_code == 401 and "unknown or revoked" in refused.json()["detail"]


def test_auth_tokens_are_stored_hashed(token_store: TokenStore) -> None:
    token = token_store.create("alice")
    raw = token_store.path.read_text()
    assert token not in raw and json.loads(raw)["tokens"][0]["name"] == "alice"
    assert oct(token_store.path.stat().st_mode & 0o777) == "0o600"


def test_auth_cookie_sign_in_and_cross_site_refusal(secured: TestClient, token_store: TokenStore) -> None:
    token = token_store.create("browser")
    assert secured.post("/auth/login", json={"token": "lw_wrong"}).status_code == 401
    evil = secured.post("/auth/login", json={"token": token}, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    response = secured.post("/auth/login", json={"token": token}, headers={"Origin": "http://127.0.0.1:8000"})
    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert secured.get("/auth/me").json()["method"] == "cookie"
    forged = secured.delete("/silences/abc", headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403 and "another site" in forged.json()["detail"]
    secured.post("/auth/logout")
    assert secured.get("/auth/me").status_code == 401


def test_auth_websocket_needs_a_token(secured: TestClient, token_store: TokenStore) -> None:
    with pytest.raises(WebSocketDisconnect) as info, secured.websocket_connect("/ws/logs"):
        pass
    assert info.value.code == 1008
    token = token_store.create("tail")
    with secured.websocket_connect("/ws/logs", subprotocols=["logwatch", f"bearer.{token}"]) as ws:
        assert ws.accepted_subprotocol == "logwatch"
        assert ws.receive_json()["type"] == "hello"


def test_auth_rate_limit_per_token(app_factory: AppFactory, tmp_path: Path, token_store: TokenStore) -> None:
    client = app_factory(make_config(tmp_path, auth="required", rate_limit_per_s=0.5, rate_limit_burst=3))
    first, second = token_store.create("first"), token_store.create("second")
    codes = [client.get("/auth/me", headers=bearer(first)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/auth/me", headers=bearer(first))
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "Too many requests for 'first'" in limited.json()["detail"]
    assert client.get("/auth/me", headers=bearer(second)).status_code == 200
    assert client.get("/health").status_code != 429


# ------------------------------------------------------------------------------------ Cloudflare Access


class AccessKeys:
    """A locally generated key set served as Access would serve it, via an httpx MockTransport."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": "kid-1", "alg": "RS256", "use": "sig"}]}
        self.fetches = 0
        self.down = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == f"https://{TEAM}/cdn-cgi/access/certs"
        self.fetches += 1
        if self.down:
            return httpx.Response(502)
        return httpx.Response(200, json=self.jwks)

    def token(self, *, aud: str = AUD, exp_in_s: int = 300, kid: str = "kid-1", other_key: bool = False) -> str:
        now = int(time.time())
        claims = {
            "aud": [aud],
            "iss": f"https://{TEAM}",
            "email": "ops@example.com",
            "sub": "u1",
            "iat": now,
            "exp": now + exp_in_s,
        }
        return jwt.encode(claims, self.other if other_key else self.key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def access_keys() -> AccessKeys:
    return AccessKeys()


@pytest.fixture
def access_client(app_factory: AppFactory, tmp_path: Path, access_keys: AccessKeys) -> TestClient:
    config = make_config(tmp_path, access_team_domain=TEAM, access_audience=AUD, rate_limit_per_s=0)
    return app_factory(config, access_transport=httpx.MockTransport(access_keys.handler))


def test_access_jwt_accepted(access_client: TestClient, access_keys: AccessKeys) -> None:
    me = access_client.get("/auth/me", headers={"Cf-Access-Jwt-Assertion": access_keys.token()}).json()
    assert me["name"] == "ops@example.com" and me["method"] == "access"
    access_client.cookies.set("CF_Authorization", access_keys.token())
    assert access_client.get("/auth/me").status_code == 200
    assert access_keys.fetches == 1  # keys are cached


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"exp_in_s": -120}, "expired"),
        ({"aud": "another-app"}, "not valid here"),
        ({"other_key": True}, "not valid here"),
        ({"kid": "kid-unknown"}, "unknown key"),
    ],
)
def test_access_jwt_rejected(
    access_client: TestClient, access_keys: AccessKeys, kwargs: dict[str, Any], words: str
) -> None:
    response = access_client.get("/auth/me", headers={"Cf-Access-Jwt-Assertion": access_keys.token(**kwargs)})
    assert response.status_code == 401 and words in response.json()["detail"]


def test_access_jwt_garbage_and_missing(access_client: TestClient) -> None:
    assert access_client.get("/auth/me", headers={"Cf-Access-Jwt-Assertion": "not.a.jwt"}).status_code == 401
    assert access_client.get("/auth/me").status_code == 401


def test_access_keys_unreachable_is_503(access_client: TestClient, access_keys: AccessKeys) -> None:
    access_keys.down = True
    response = access_client.get("/auth/me", headers={"Cf-Access-Jwt-Assertion": access_keys.token()})
    assert response.status_code == 503 and "access_team_domain" in response.json()["detail"]


def test_access_and_tokens_work_side_by_side(access_client: TestClient, token_store: TokenStore) -> None:
    token = token_store.create("script")
    assert access_client.get("/auth/me", headers=bearer(token)).json()["name"] == "script"


def test_api_reference_is_served_without_a_cdn(app_factory: AppFactory, tmp_path: Path) -> None:
    client = app_factory(make_config(tmp_path))
    page = client.get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
    assert "cdn" not in page.text.lower() and "/docs-assets/swagger-ui-bundle.js" in page.text
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200
    assert client.get("/redoc").status_code == 404


def test_auth_token_file_is_private_even_after_a_stale_tmp_file(token_store: TokenStore) -> None:
    # Audit L11: O_CREAT keeps the mode of a tokens.tmp left behind, and os.replace carries it over.
    token_store.path.parent.mkdir(parents=True)
    stale = token_store.path.with_suffix(".tmp")
    stale.write_text("{}")
    stale.chmod(0o644)
    token_store.create("alice")
    assert oct(token_store.path.stat().st_mode & 0o777) == "0o600"


def test_access_identities_silence_only_when_listed(
    app_factory: AppFactory, tmp_path: Path, access_keys: AccessKeys
) -> None:
    # Audit M5: with Access in front ("everyone in the org"), every viewer could silence alerting.
    def client(silencers: str) -> TestClient:
        config = make_config(
            tmp_path, access_team_domain=TEAM, access_audience=AUD, rate_limit_per_s=0, access_silencers=silencers
        )
        return app_factory(config, access_transport=httpx.MockTransport(access_keys.handler))

    jwt_header = {"Cf-Access-Jwt-Assertion": access_keys.token()}
    viewer = client("")
    assert viewer.get("/auth/me", headers=jwt_header).json()["scopes"] == ["read"]
    assert viewer.delete("/silences/abc", headers=jwt_header).status_code == 403
    oncall = client("someone@example.com, OPS@example.com")
    assert oncall.get("/auth/me", headers=jwt_header).json()["scopes"] == ["read", "silence"]


def test_access_keys_outage_keeps_the_cached_keys(
    app_factory: AppFactory, tmp_path: Path, access_keys: AccessKeys
) -> None:
    # Audit L5: once the key cache expired, a Cloudflare outage refused every Access login with 503.
    config = make_config(
        tmp_path, access_team_domain=TEAM, access_audience=AUD, rate_limit_per_s=0, access_jwks_ttl_s=0
    )
    client = app_factory(config, access_transport=httpx.MockTransport(access_keys.handler))
    header = {"Cf-Access-Jwt-Assertion": access_keys.token()}
    assert client.get("/auth/me", headers=header).status_code == 200
    access_keys.down = True
    assert [client.get("/auth/me", headers=header).status_code for _ in range(3)] == [200, 200, 200]
    assert access_keys.fetches == 2  # one failed re-fetch, then none for a while
