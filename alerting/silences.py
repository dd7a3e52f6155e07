"""Silences: "do not notify about this rule / service / category until then", kept in Elasticsearch.

The API creates, lists and deletes them with the functions here; the consumer keeps a :class:`SilenceCache`
refreshed every few seconds (and its last good copy in the delivery store, so a restart during an
Elasticsearch outage still honours them). A silence matches an alert when every matcher it sets equals the
alert's value.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError

from alerting.errors import InvalidSilence
from alerting.model import CATEGORIES, Alert, rfc3339
from alerting.store import DeliveryStore

__all__ = ["SILENCES_INDEX", "Silence", "create_silence", "list_silences", "delete_silence", "SilenceCache"]

logger = logging.getLogger(__name__)

SILENCES_INDEX = "alert_silences"
MAX_SILENCES = 1000
_MAPPING: dict[str, Any] = {
    "properties": {
        "id": {"type": "keyword"},
        "rule": {"type": "keyword"},
        "service": {"type": "keyword"},
        "category": {"type": "keyword"},
        "comment": {"type": "text"},
        "created_by": {"type": "keyword"},
        "created_at": {"type": "date"},
        "expires_at": {"type": "date"},
    }
}


@dataclass(frozen=True)
class Silence:
    """One silence; ``None`` matchers match anything."""

    id: str
    rule: str | None
    service: str | None
    category: str | None
    comment: str
    created_by: str
    created_at: datetime
    expires_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule,
            "service": self.service,
            "category": self.category,
            "comment": self.comment,
            "created_by": self.created_by,
            "created_at": rfc3339(self.created_at),
            "expires_at": rfc3339(self.expires_at),
        }

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Silence:
        return cls(
            id=str(doc["id"]),
            rule=doc.get("rule"),
            service=doc.get("service"),
            category=doc.get("category"),
            comment=str(doc.get("comment") or ""),
            created_by=str(doc.get("created_by") or ""),
            created_at=datetime.fromisoformat(doc["created_at"]),
            expires_at=datetime.fromisoformat(doc["expires_at"]),
        )

    def active(self, now: datetime | None = None) -> bool:
        return self.expires_at > (now or datetime.now(UTC))

    def matches(self, alert: Alert, now: datetime | None = None) -> bool:
        return (
            self.active(now)
            and (self.rule is None or self.rule == alert.rule)
            and (self.service is None or self.service == alert.service)
            and (self.category is None or self.category == alert.category)
        )


def _clean(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def create_silence(
    es: Elasticsearch,
    *,
    rule: str | None = None,
    service: str | None = None,
    category: str | None = None,
    duration_s: float,
    comment: str = "",
    created_by: str = "api",
    request_timeout_s: float = 10.0,
) -> Silence:
    """Store a new silence that starts now and lasts ``duration_s``.

    :param es: Elasticsearch client.
    :param rule: rule name to silence, or None for any.
    :param service: service to silence, or None for any.
    :param category: category to silence (security, performance, business, general), or None for any.
    :param duration_s: how long it lasts, in seconds (more than 0).
    :param comment: why, for the people who see it.
    :param created_by: who asked.
    :param request_timeout_s: timeout of each Elasticsearch call.
    :raises InvalidSilence: no matcher, a bad category or a duration that is not positive.
    """
    rule, service, category = _clean(rule), _clean(service), _clean(category)
    if rule is None and service is None and category is None:
        raise InvalidSilence(
            "A silence needs at least one of rule, service or category; "
            "a silence matching everything would hide every alert."
        )
    if category is not None and category not in CATEGORIES:
        raise InvalidSilence(f"Category {category!r} is unknown; use one of {', '.join(CATEGORIES)}.")
    if not duration_s > 0 or duration_s > 366 * 86400:
        raise InvalidSilence(
            f"Duration must be between 0 and 366 days in seconds, got {duration_s!r}; "
            "give a positive number of seconds."
        )
    now = datetime.now(UTC)
    silence = Silence(
        id=uuid.uuid4().hex,
        rule=rule,
        service=service,
        category=category,
        comment=comment,
        created_by=created_by,
        created_at=now,
        expires_at=now + timedelta(seconds=duration_s),
    )
    client = es.options(request_timeout=request_timeout_s)
    client.options(ignore_status=400).indices.create(index=SILENCES_INDEX, mappings=_MAPPING)
    client.index(index=SILENCES_INDEX, id=silence.id, document=silence.to_dict(), refresh="wait_for")
    logger.info(
        'silence created id="%s" rule="%s" service="%s" category="%s" expires_at="%s"',
        silence.id,
        rule,
        service,
        category,
        rfc3339(silence.expires_at),
    )
    return silence


def list_silences(
    es: Elasticsearch, *, include_expired: bool = False, request_timeout_s: float = 10.0
) -> list[Silence]:
    """Silences, newest first (at most ``MAX_SILENCES``).

    :param es: Elasticsearch client.
    :param include_expired: also return silences whose expiry has passed.
    :param request_timeout_s: timeout of the Elasticsearch call.
    """
    query: dict[str, Any] = {"match_all": {}}
    if not include_expired:
        query = {"range": {"expires_at": {"gt": rfc3339(datetime.now(UTC))}}}
    try:
        found = es.options(request_timeout=request_timeout_s).search(
            index=SILENCES_INDEX, query=query, size=MAX_SILENCES, sort=[{"created_at": "desc"}]
        )
    except NotFoundError:
        return []  # no silence was ever created
    return [Silence.from_dict(hit["_source"]) for hit in found["hits"]["hits"]]


def delete_silence(es: Elasticsearch, silence_id: str, *, request_timeout_s: float = 10.0) -> bool:
    """Remove a silence at once; False when there is no such silence.

    :param es: Elasticsearch client.
    :param silence_id: the ``id`` create_silence returned.
    :param request_timeout_s: timeout of the Elasticsearch call.
    """
    try:
        es.options(request_timeout=request_timeout_s).delete(index=SILENCES_INDEX, id=silence_id, refresh="wait_for")
    except NotFoundError:
        return False
    logger.info('silence deleted id="%s"', silence_id)
    return True


class SilenceCache:
    """The consumer's view of active silences, refreshed every ``refresh_s``; survives Elasticsearch outages.

    :param es: Elasticsearch client, or None to use only silences given to :meth:`replace`.
    :param refresh_s: how often to re-read the index.
    :param store: where the last good list is kept across restarts.
    :param request_timeout_s: timeout of each Elasticsearch call.
    """

    _STORE_KEY = "silences"

    def __init__(
        self,
        es: Elasticsearch | None,
        refresh_s: float,
        store: DeliveryStore | None = None,
        request_timeout_s: float = 10.0,
    ) -> None:
        self._es = es
        self._refresh_s = refresh_s
        self._store = store
        self._timeout_s = request_timeout_s
        self._next_at = 0.0
        self._failing = False
        self._silences: list[Silence] = []
        saved = store.get(self._STORE_KEY) if store else None
        if saved:
            self._silences = [Silence.from_dict(d) for d in json.loads(saved)]

    def replace(self, silences: list[Silence]) -> None:
        self._silences = list(silences)
        if self._store is not None:
            self._store.put(self._STORE_KEY, json.dumps([s.to_dict() for s in silences]))

    def refresh(self, force: bool = False) -> None:
        """Re-read active silences when due; on failure keep the last list and warn once per outage."""
        now = time.monotonic()
        if self._es is None or (not force and now < self._next_at):
            return
        self._next_at = now + self._refresh_s
        try:
            fresh = list_silences(self._es, request_timeout_s=self._timeout_s)
        except (ApiError, TransportError) as exc:
            if not self._failing:
                logger.warning(
                    'silences unavailable, using the last known list index="%s" count=%d error="%s"',
                    SILENCES_INDEX,
                    len(self._silences),
                    type(exc).__name__,
                )
            self._failing = True
            return
        if self._failing:
            logger.info('silences available again index="%s" count=%d', SILENCES_INDEX, len(fresh))
        self._failing = False
        if fresh != self._silences:
            self.replace(fresh)

    def match(self, alert: Alert) -> Silence | None:
        now = datetime.now(UTC)
        return next((s for s in self._silences if s.matches(alert, now)), None)
