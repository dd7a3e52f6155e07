"""Save and load the model artifact: ``classifier.joblib`` plus ``classifier.json`` metadata beside it.

The metadata is read first, without unpickling anything, so a model written by another
scikit-learn version is refused with one sentence instead of failing deep inside pickle.
The artifact is a pickle: load only files this project wrote (they live under ``var/``).

Where the default artifact lives is the configuration's (``config.model_path``: ``nlp.model_path`` or env
``NLP_MODEL_PATH``, else ``<var_dir>/models/classifier.joblib``). :class:`ModelCache` is the one cache of a
loaded model: it reloads when the artifact on disk changes, so a retrained model goes live without a restart.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from core.config import load_config
from nlp.errors import IncompatibleModelError, ModelNotTrainedError, NlpError

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from nlp.model import Classifier

__all__ = [
    "ARTIFACT_FORMAT",
    "RELOAD_CHECK_S",
    "ModelCache",
    "code_version",
    "default_model_path",
    "load_classifier",
    "metadata_path",
    "read_metadata",
    "save_artifact",
    "sklearn_series",
]

logger = logging.getLogger(__name__)

# Bump when the saved layout or the meaning of the pipeline changes.
ARTIFACT_FORMAT: Final = 1
# How often a cache looks at the artifact's mtime; a new model is live within this long.
RELOAD_CHECK_S: Final = 5.0
_PACKAGE_DIR: Final = Path(__file__).resolve().parent
# Source files whose content defines what a trained model is: a change in any of them retrains.
_CODE_FILES: Final = ("preprocess.py", "features.py", "model.py", "artifact.py", "training.py")
# scikit-learn's version from its package metadata: the streaming job's driver reads model metadata and never
# the model, and importing scikit-learn (with SciPy) would cost it 75 MiB.
SKLEARN_VERSION: Final = version("scikit-learn")
_FIX = "run `make train` (or `python -m nlp train --force`) to rebuild it"


def default_model_path() -> Path:
    """Return where the model artifact lives: the configuration's ``model_path``.

    That is ``nlp.model_path`` in ``logwatch.yaml`` or env ``NLP_MODEL_PATH`` when set, else
    ``<var_dir>/models/classifier.joblib`` (``var_dir`` from ``logwatch.yaml`` or ``LOGWATCH_VAR_DIR``).

    :raises core.errors.ConfigError: the configuration is invalid.
    """
    return load_config().model_path


def metadata_path(model_path: Path) -> Path:
    """Return the metadata JSON path that belongs to a model file.

    :param model_path: path of the ``.joblib`` artifact.
    """
    return model_path.with_suffix(".json")


def sklearn_series(version: str) -> str:
    """Return ``major.minor`` of a version string: pickles are only trusted within one series.

    :param version: a version such as ``1.5.2``.
    """
    return ".".join(version.split(".")[:2])


def code_version() -> str:
    """Return a hash of the code that defines a model plus the scikit-learn version it runs on."""
    digest = hashlib.sha256(f"format={ARTIFACT_FORMAT};sklearn={SKLEARN_VERSION}".encode())
    for name in _CODE_FILES:
        path = _PACKAGE_DIR / name
        if path.exists():
            digest.update(name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def save_artifact(pipeline: Pipeline, metadata: dict[str, Any], path: Path) -> dict[str, Any]:
    """Write the model and its metadata atomically; return the metadata as written.

    :param pipeline: fitted pipeline.
    :param metadata: training facts (labels, metrics, data hash, config); identity fields are added here.
    :param path: target ``.joblib`` path; its directory is created if missing.
    """
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".classifier-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        joblib.dump({"format": ARTIFACT_FORMAT, "pipeline": pipeline}, tmp, compress=3)
        # mkstemp creates 0600; the streaming job and the API may run as other users of the same group.
        os.chmod(tmp, 0o644)
        content = tmp.read_bytes()
        meta = dict(metadata)
        meta.update(
            {
                "format": ARTIFACT_FORMAT,
                "version": hashlib.sha256(content).hexdigest()[:12],
                "sha256": hashlib.sha256(content).hexdigest(),
                "sklearn_version": SKLEARN_VERSION,
                "code_version": code_version(),
            }
        )
        meta_tmp = tmp.with_suffix(".json.tmp")
        meta_tmp.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        os.replace(meta_tmp, metadata_path(path))
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_suffix(".json.tmp").unlink(missing_ok=True)
    logger.info("saved model path=%s version=%s", path, meta["version"])
    return meta


def read_metadata(path: Path) -> dict[str, Any]:
    """Read and check a model's metadata JSON without loading the model.

    :param path: the ``.joblib`` artifact path (the JSON sits beside it).
    :raises ModelNotTrainedError: no model exists at ``path``.
    :raises IncompatibleModelError: the metadata is unreadable or from another scikit-learn series or format.
    """
    if not path.exists():
        raise ModelNotTrainedError(f"No classifier model at {path}: {_FIX}.")
    meta_file = metadata_path(path)
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IncompatibleModelError(f"Model metadata {meta_file} is missing or unreadable: {_FIX}.") from exc
    if not isinstance(meta, dict):
        raise IncompatibleModelError(f"Model metadata {meta_file} is not a JSON object: {_FIX}.")
    found = str(meta.get("sklearn_version", "unknown"))
    if sklearn_series(found) != sklearn_series(SKLEARN_VERSION):
        raise IncompatibleModelError(
            f"Model {path} was trained with scikit-learn {found} but {SKLEARN_VERSION} is installed: {_FIX}."
        )
    if meta.get("format") != ARTIFACT_FORMAT:
        raise IncompatibleModelError(
            f"Model {path} has artifact format {meta.get('format')!r} but this code reads format "
            f"{ARTIFACT_FORMAT}: {_FIX}."
        )
    return meta


def load_classifier(path: Path | None = None) -> Classifier:
    """Load a trained classifier.

    :param path: artifact path; :func:`default_model_path` when None.
    :raises ModelNotTrainedError: nothing has been trained at that path yet.
    :raises IncompatibleModelError: the artifact is corrupt or was written by an incompatible version.
    """
    import joblib
    from sklearn.exceptions import InconsistentVersionWarning
    from sklearn.pipeline import Pipeline

    from nlp.model import Classifier

    path = default_model_path() if path is None else path
    meta = read_metadata(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise IncompatibleModelError(f"Cannot read model {path} ({exc.strerror}): {_FIX}.") from exc
    if hashlib.sha256(content).hexdigest() != meta.get("sha256"):
        raise IncompatibleModelError(f"Model {path} does not match its metadata (changed or corrupt): {_FIX}.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", InconsistentVersionWarning)
            payload = joblib.load(path)
    except InconsistentVersionWarning as exc:
        raise IncompatibleModelError(
            f"Model {path} was pickled by scikit-learn {exc.original_sklearn_version} but "
            f"{SKLEARN_VERSION} is installed: {_FIX}."
        ) from exc
    except Exception as exc:  # unpickling fails in many ways (missing class, EOF, bad data): all mean "rebuild it"
        raise IncompatibleModelError(f"Model {path} cannot be loaded ({type(exc).__name__}): {_FIX}.") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("pipeline"), Pipeline):
        raise IncompatibleModelError(f"Model {path} does not contain a classifier pipeline: {_FIX}.")
    try:
        return Classifier(payload["pipeline"], version=str(meta["version"]), metadata=meta)
    except (AttributeError, KeyError, ValueError) as exc:
        raise NlpError(f"Model {path} is not a fitted classifier ({exc}): {_FIX}.") from exc


@dataclass
class ModelCache:
    """A loaded model, reloaded when the artifact's mtime changes (looked at every ``check_s`` at most), or at
    once when it is asked for another artifact.

    Python workers of the streaming job keep one for their lifetime, so a retrained model is picked up by a
    running query (the job names the artifact shipped to them: streaming.shipped_model); the package's
    module-level functions use one too.

    :param path: artifact path; :func:`default_model_path` (resolved at each look) when None.
    :param check_s: seconds between looks at the artifact, so a batch does not cost a stat().
    """

    path: Path | None = None
    check_s: float = RELOAD_CHECK_S
    _model: Classifier | None = field(default=None, repr=False)
    _mtime: int | None = None
    _loaded_from: Path | None = None
    _checked_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(self, path: Path | None = None) -> Classifier:
        """Return the model, loading it first if the artifact is new or changed since the last look.

        :param path: the artifact to serve instead of the cache's own ``path``.
        :raises ModelNotTrainedError: no model has been trained at the path yet.
        :raises IncompatibleModelError: the artifact is corrupt or from an incompatible version.
        """
        model = self._model
        if (
            model is not None
            and (path or self.path) in (None, self._loaded_from)
            and time.monotonic() - self._checked_at < self.check_s
        ):
            return model
        with self._lock:
            now = time.monotonic()
            path = path or self.path or default_model_path()
            if self._model is not None and path == self._loaded_from and now - self._checked_at < self.check_s:
                return self._model
            self._checked_at = now
            try:
                mtime: int | None = os.stat(path).st_mtime_ns
            except OSError:
                mtime = None
            if self._model is not None and mtime is None and path == self._loaded_from:
                # The artifact went away (being replaced, or deleted): keep serving the model we have.
                return self._model
            if self._model is None or path != self._loaded_from or mtime != self._mtime:
                self._model, self._mtime, self._loaded_from = load_classifier(path), mtime, path
                logger.info('model loaded version="%s" path="%s"', self._model.version, path)
            return self._model
