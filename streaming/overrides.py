"""People's corrections, applied by the classify stage: a line whose template was corrected gets that category.

Each Python worker keeps one :class:`Overrides` for its lifetime (like nlp's model cache): it reads the whole
corrections index (``core.corrections``, at most ``MAX_CORRECTIONS`` small documents) and reads it again every
``RELOAD_S``, so a correction made in the dashboard applies to new lines within seconds, and a revoked one
stops applying as fast. When Elasticsearch does not answer, the last copy read stays in force (warned once per
outage) and the next look is ``RELOAD_S`` later, so an outage costs a batch one failed request at most.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Final

from elasticsearch import ApiError, Elasticsearch, TransportError

from core.config import es_hosts, load_config
from core.corrections import CORRECTED, CorrectionStore

__all__ = ["RELOAD_S", "Overrides", "default_overrides"]

logger = logging.getLogger(__name__)

# How stale a worker's copy of the corrections may be.
RELOAD_S: Final = 3.0


@dataclass
class Overrides:
    """The corrections, by template id, re-read every ``reload_s``.

    :param es_url: Elasticsearch; with ``index`` and ``timeout_s``, from the configuration when None.
    :param index: the corrections index (``indices.corrections``).
    :param timeout_s: timeout of the read (``es.request_timeout_s``).
    :param reload_s: seconds between reads.
    """

    es_url: str | None = None
    index: str | None = None
    timeout_s: float | None = None
    reload_s: float = RELOAD_S
    _by_template: dict[str, str] = field(default_factory=dict, repr=False)
    _read_at: float | None = None
    _down: bool = False
    _store: CorrectionStore | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _client(self) -> CorrectionStore:
        if self._store is None:
            config = load_config()
            url = self.es_url or config.es.url
            timeout_s = self.timeout_s or config.es.request_timeout_s
            es = Elasticsearch(es_hosts(url), request_timeout=timeout_s, max_retries=0)
            self._store = CorrectionStore(es, self.index or config.indices.corrections, timeout_s)
        return self._store

    def categories(self) -> dict[str, str]:
        """Template id -> corrected category, read again when the last read is ``reload_s`` old."""
        now = time.monotonic()
        if self._read_at is not None and now - self._read_at < self.reload_s:
            return self._by_template
        with self._lock:
            if self._read_at is not None and time.monotonic() - self._read_at < self.reload_s:
                return self._by_template
            store = self._client()
            try:
                self._by_template = {c.template_id: c.category for c in store.search()}
                if self._down:
                    logger.info('corrections readable again index="%s"', store.index)
                self._down = False
            except (ApiError, TransportError) as exc:
                if not self._down:
                    logger.warning(
                        'corrections unreadable, keeping %d index="%s" error="%s"',
                        len(self._by_template),
                        store.index,
                        type(exc).__name__,
                    )
                self._down = True
            self._read_at = time.monotonic()
            return self._by_template

    def apply(self, rows: list[dict[str, Any]]) -> None:
        """Give labelled rows whose template has a correction its category, confidence 1 and model ``correction``.

        :param rows: the classify stage's labelled rows, changed in place.
        """
        corrected = self.categories()
        if not corrected:
            return
        for row in rows:
            category = corrected.get(row.get("template_id") or "")
            if category is not None:
                row.update(category=category, category_confidence=1.0, model_version=CORRECTED)


# The process's corrections: the classify stage's default.
default_overrides: Final = Overrides()
