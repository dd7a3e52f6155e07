"""Static rules of the dashboard: local assets only, no HTML parsing of text, no inline script or style."""

from __future__ import annotations

import re
from pathlib import Path

from core.config import REPO_ROOT

DASHBOARD = REPO_ROOT / "dashboard"
FILES = sorted(p for p in DASHBOARD.rglob("*") if p.suffix in (".html", ".js", ".css"))


def test_dashboard_has_its_files() -> None:
    names = {p.name for p in FILES}
    assert {"index.html", "login.html", "app.js", "style.css", "histogram.js"} <= names


def test_dashboard_loads_nothing_from_other_hosts() -> None:
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), path
        assert not re.search(r"""@import\s+url\(\s*["']?(https?:)?//""", text), path
        assert not re.search(r"""from\s+["'](https?:)?//""", text), path


def test_dashboard_never_parses_text_as_html() -> None:
    for path in FILES:
        if path.suffix != ".js":
            continue
        text = path.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in text, f"{path.name} uses {sink}"


def test_dashboard_pages_have_no_inline_script_or_style() -> None:
    for path in (DASHBOARD / "index.html", DASHBOARD / "login.html"):
        text = path.read_text(encoding="utf-8")
        assert re.findall(r"<script(?![^>]*\bsrc=)", text) == [], path
        assert "style=" not in text and "<style" not in text, path
        assert re.search(r"\son[a-z]+=", text) is None, path


def test_dashboard_modules_are_served_from_assets(tmp_path: Path) -> None:
    index = (DASHBOARD / "index.html").read_text(encoding="utf-8")
    for ref in re.findall(r"""(?:src|href)="(/[^"]+)\"""", index):
        if ref.startswith("/assets/"):
            assert (DASHBOARD / ref.lstrip("/")).is_file(), ref
