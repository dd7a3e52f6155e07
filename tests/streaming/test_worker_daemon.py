"""The worker daemon's zip importers re-read an archive's directory only when the archive changed, and its
collection after each task walks only the young generations."""

from __future__ import annotations

import gc
import weakref
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


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cycle collector frees it


def _collected_generations(collections: worker_daemon.TaskCollections) -> tuple[bool, list[int]]:
    """Whether a cycle made just before ``collect()`` was freed, and the generations collected."""
    generations: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            generations.append(info["generation"])

    gc.collect()
    node = _Node()
    freed = weakref.ref(node)
    del node
    gc.callbacks.append(watch)
    try:
        collections.collect()
    finally:
        gc.callbacks.remove(watch)
    return freed() is None, generations


def test_after_a_task_the_young_generations_are_collected_and_the_whole_heap_once_a_minute() -> None:
    collections = worker_daemon.TaskCollections(full_every_s=60)
    assert _collected_generations(collections) == (True, [1])
    assert _collected_generations(collections) == (True, [1])
    due = worker_daemon.TaskCollections(full_every_s=0)
    assert _collected_generations(due) == (True, [2])
