"""infra/cloudflared/tunnel.sh: refuses to publish an open API, says how to install cloudflared, and runs it
with the right arguments; the config template renders into a valid cloudflared ingress."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from api.app import create_app
from core.config import REPO_ROOT
from tests.api.conftest import make_config
from tests.api.server import running_server

SCRIPT = REPO_ROOT / "infra" / "cloudflared" / "tunnel.sh"


@pytest.fixture
def fake_cloudflared(tmp_path: Path) -> Path:
    """A stand-in for the cloudflared binary that records its arguments and exits."""
    path = tmp_path / "bin" / "cloudflared"
    path.parent.mkdir()
    path.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\ncat "$3" > {tmp_path}/config 2>/dev/null || true\n')
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TUNNEL_", "API_", "ACCESS_"))}
    return subprocess.run(["bash", str(SCRIPT)], env={**base, **env}, capture_output=True, text=True, timeout=60)


@pytest.fixture
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    app = create_app(make_config(tmp_path / "var", **request.param))
    with running_server(app) as url:
        yield url.rsplit(":", 1)[1]


def test_tunnel_without_cloudflared_says_how_to_install(tmp_path: Path) -> None:
    result = run({"PATH": "/usr/bin:/bin", "CLOUDFLARED": ""})
    assert result.returncode == 1
    assert result.stderr.startswith("cloudflared is not installed: install it")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("server", [{}], indirect=True)
def test_tunnel_refuses_an_api_without_auth(server: str, fake_cloudflared: Path, tmp_path: Path) -> None:
    result = run({"CLOUDFLARED": str(fake_cloudflared), "API_PORT": server})
    assert result.returncode == 2 and "answers without a token" in result.stderr
    assert not (tmp_path / "args").exists()


def test_tunnel_refuses_when_the_api_is_down(fake_cloudflared: Path) -> None:
    result = run({"CLOUDFLARED": str(fake_cloudflared), "API_PORT": "9"})
    assert result.returncode == 2 and "Nothing answers" in result.stderr


@pytest.mark.parametrize("server", [{"auth": "required"}], indirect=True)
def test_tunnel_quick_and_named_modes(server: str, fake_cloudflared: Path, tmp_path: Path) -> None:
    quick = run({"CLOUDFLARED": str(fake_cloudflared), "API_PORT": server})
    assert quick.returncode == 0, quick.stderr
    assert (tmp_path / "args").read_text().split() == [
        "tunnel",
        "--no-autoupdate",
        "--url",
        f"http://127.0.0.1:{server}",
    ]
    named = run(
        {
            "CLOUDFLARED": str(fake_cloudflared),
            "API_PORT": server,
            "LOGWATCH_VAR_DIR": str(tmp_path),
            "TUNNEL_ID": "6ff42ae2-765d-4adf-8112-31c55c1551ef",
            "TUNNEL_HOSTNAME": "logs.example.com",
            "TUNNEL_CREDENTIALS_FILE": "/etc/cloudflared/creds.json",
            "ACCESS_TEAM": "myteam",
            "ACCESS_AUD": "aud123",
        }
    )
    assert named.returncode == 0, named.stderr
    args = (tmp_path / "args").read_text().split()
    assert args[:3] == ["tunnel", "--config", str(tmp_path / "cloudflared" / "config.yml")]
    config = yaml.safe_load((tmp_path / "cloudflared" / "config.yml").read_text())
    assert config["tunnel"] == "6ff42ae2-765d-4adf-8112-31c55c1551ef"
    assert config["credentials-file"] == "/etc/cloudflared/creds.json"
    first, last = config["ingress"]
    assert first["hostname"] == "logs.example.com" and first["service"] == f"http://127.0.0.1:{server}"
    assert first["originRequest"]["access"] == {"required": True, "teamName": "myteam", "audTag": ["aud123"]}
    assert last == {"service": "http_status:404"}
