"""The worker daemon's zip importers re-read an archive's directory only when the archive changed."""

from __future__ import annotations

import zipfile
import zipimport
from pathlib import Path

import pytest

from streaming import worker_daemon


def test_archive_is_reread_only_after_it_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "lib.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.py", "A = 1\n")
    importer = zipimport.zipimporter(str(archive))
    reads: list[str] = []

    def counted(imp: zipimport.zipimporter) -> None:
        reads.append(imp.archive)
        zipimport.zipimporter.invalidate_caches(imp)

    monkeypatch.setattr(worker_daemon, "_reread", counted)
    monkeypatch.setattr(worker_daemon, "_read_as", {})

    worker_daemon._invalidate_if_changed(importer)
    worker_daemon._invalidate_if_changed(importer)
    worker_daemon._invalidate_if_changed(zipimport.zipimporter(str(archive)))  # another importer, same archive
    assert len(reads) == 1

    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("b.py", "B = 2\n")
    assert importer.find_spec("b") is None
    worker_daemon._invalidate_if_changed(importer)
    assert len(reads) == 2 and importer.find_spec("b") is not None
