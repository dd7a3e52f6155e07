"""The consumer's view of the active silences, kept fresh from the silence store and across restarts.

Silences themselves (model, validation, the Elasticsearch index) live in :mod:`core.silences`, shared with the
API that creates them. The cache re-reads them every few seconds and keeps its last good copy in the
delivery store, so a restart during an Elasticsearch outage still honours them.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

from alerting.store import DeliveryStore
from core.alert import Alert
from core.errors import InvalidSilence
from core.silences import Silence, SilenceStore

__all__ = ["SilenceCache"]

logger = logging.getLogger(__name__)


class SilenceCache:
    """The consumer's view of active silences, refreshed every ``refresh_s``; survives Elasticsearch outages.

    :param silences: the silence store, or None to use only silences given to :meth:`replace`.
    :param refresh_s: how often to re-read the index.
    :param store: where the last good list is kept across restarts.
    """

    _STORE_KEY = "silences"

    def __init__(self, silences: SilenceStore | None, refresh_s: float, store: DeliveryStore | None = None) -> None:
        self._source = silences
        self._refresh_s = refresh_s
        self._store = store
        self._next_at = 0.0
        self._failing = False
        self._silences: list[Silence] = []
        saved = store.get(self._STORE_KEY) if store else None
        if saved:
            try:
                self._silences = [Silence.from_dict(d) for d in json.loads(saved)]
            except (ValueError, TypeError, InvalidSilence) as exc:  # a damaged copy: the next refresh replaces it
                logger.warning('saved silences unreadable, starting without them error="%s"', exc)

    def replace(self, silences: list[Silence]) -> None:
        self._silences = list(silences)
        if self._store is not None:
            self._store.put(self._STORE_KEY, json.dumps([s.to_dict() for s in silences]))

    def refresh(self, force: bool = False) -> None:
        """Re-read active silences when due; on failure keep the last list and warn once per outage."""
        now = time.monotonic()
        if self._source is None or (not force and now < self._next_at):
            return
        self._next_at = now + self._refresh_s
        try:
            fresh = self._source.search()
        except Exception as exc:  # noqa: BLE001 - whatever the store says, alerts keep flowing on the last list
            if not self._failing:
                logger.warning(
                    'silences unavailable, using the last known list index="%s" count=%d error="%s"',
                    self._source.index,
                    len(self._silences),
                    type(exc).__name__,
                )
            self._failing = True
            return
        if self._failing:
            logger.info('silences available again index="%s" count=%d', self._source.index, len(fresh))
        self._failing = False
        if fresh != self._silences:
            self.replace(fresh)

    def match(self, alert: Alert) -> Silence | None:
        now = datetime.now(UTC)
        return next((s for s in self._silences if s.matches(alert, now)), None)
