"""``python -m api tokens ...``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.__main__ import main
from api.tokens import TokenStore
from core.config import REPO_ROOT


def test_cli_tokens_create_list_revoke(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOGWATCH_VAR_DIR", str(tmp_path))
    assert main(["tokens", "create", "grafana"]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert token.startswith("lw_") and "shown only now" in err
    assert TokenStore.for_var_dir(tmp_path).verify(token) is not None
    assert main(["tokens", "list"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("grafana\t") and token not in listed
    assert main(["tokens", "create", "grafana"]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["tokens", "revoke", "grafana"]) == 0
    assert main(["tokens", "revoke", "grafana"]) == 1
    assert TokenStore.for_var_dir(tmp_path).verify(token) is None


def test_cli_runs_as_a_module(tmp_path: Path) -> None:
    env = {**os.environ, "LOGWATCH_VAR_DIR": str(tmp_path)}
    created = subprocess.run(
        [sys.executable, "-m", "api", "tokens", "create", "ops"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    assert TokenStore.for_var_dir(tmp_path).verify(created.stdout.strip()) is not None
