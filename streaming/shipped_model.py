"""The model the executors classify with, shipped to them by the driver: no executor reads ``config.model_path``.

On a cluster the executors run on other machines, which have no copy of the driver's files. Before each batch
the driver looks at the artifact (one stat); when it has changed, the driver copies it under a name that holds
its version, with its metadata beside it, and adds both to the SparkContext (``SparkContext.addFile``). The
batch's tasks load the copy Spark fetched for their executor (``SparkFiles``) through nlp's model cache. A
shipped name never changes (Spark keeps one file per name), so a retrained model reaches every executor with the
first batch after it, and all tasks of a batch classify with one version.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from pyspark import SparkContext, SparkFiles

from nlp import NlpError
from nlp.artifact import metadata_path, read_metadata
from nlp.errors import IncompatibleModelError

__all__ = ["ModelShipper", "shipped_path"]

logger = logging.getLogger(__name__)


class ModelShipper:
    """Driver side: ships the artifact at ``source`` to the executors whenever it changes.

    :param context: the job's SparkContext.
    :param source: the artifact (``config.model_path``), read by the driver only.
    :param folder: where the driver keeps the versioned copies that Spark serves to the executors.
    """

    def __init__(self, context: SparkContext, source: Path, folder: Path) -> None:
        self._context = context
        self._source = source
        self._folder = folder
        self._mtime: int | None = None
        self._name: str | None = None

    def current(self) -> str:
        """The shipped name of the artifact's current version (a file name for :func:`shipped_path`), shipped now
        if it is new.

        :raises NlpError: no version has been shipped yet and the artifact is missing, unreadable or incompatible.
        """
        try:
            mtime: int | None = os.stat(self._source).st_mtime_ns
        except OSError:
            mtime = None
        if self._name is not None and mtime in (None, self._mtime):
            return self._name  # unchanged, or gone for a moment (being replaced): the executors keep this version
        try:
            self._name = self._ship()
            self._mtime = mtime
        except NlpError as exc:
            if self._name is None:
                raise
            logger.warning('model not shipped, executors keep name="%s" error="%s"', self._name, exc)
        return self._name

    def _ship(self) -> str:
        meta = read_metadata(self._source)
        content = self._source.read_bytes()
        if hashlib.sha256(content).hexdigest() != meta.get("sha256"):
            # save_artifact replaces the model before its metadata: the next batch sees both new.
            raise IncompatibleModelError(f"Model {self._source} does not match its metadata (being replaced?).")
        copy = self._folder / f"classifier-{meta['version']}.joblib"
        shipped = {uri.rsplit("/", 1)[-1] for uri in self._context.listFiles}
        if copy.name not in shipped:
            self._folder.mkdir(parents=True, exist_ok=True)
            for stale in self._folder.glob("classifier-*"):  # left by an earlier run of the job
                if stale.name not in shipped:
                    stale.unlink()
            _write(metadata_path(copy), json.dumps(meta, indent=2, sort_keys=True).encode())
            _write(copy, content)
            # Spark serves these paths to executors for the whole application: they stay until the next run.
            self._context.addFile(str(metadata_path(copy)))
            self._context.addFile(str(copy))
            logger.info('model shipped to the executors version="%s" name="%s"', meta["version"], copy.name)
        return copy.name


def _write(path: Path, content: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


def shipped_path(name: str) -> Path:
    """Executor side: where Spark put the shipped artifact ``name`` for this task.

    :param name: :meth:`ModelShipper.current` of the batch.
    """
    return Path(SparkFiles.get(name))
