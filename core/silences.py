"""Silences: "do not notify about this rule / service / category until then", kept in Elasticsearch.

The API creates, lists and deletes them through :class:`AsyncSilenceStore`; the alert consumer reads them
through :class:`SilenceStore` (and keeps its last good copy, so a restart during an Elasticsearch outage still
honours them). Both stores are thin: what each operation sends and how its answer reads is written once, in
the request builders and parsers below, so the blocking and the asyncio client cannot drift apart. The index
is the configuration's ``indices.silences``. A silence matches an alert when every matcher it sets equals
the alert's value.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import AsyncElasticsearch, Elasticsearch, NotFoundError

from core.alert import Alert
from core.contract import CATEGORIES, rfc3339
from core.errors import InvalidSilence

__all__ = [
    "MAX_SILENCES",
    "MAX_DURATION_S",
    "SILENCES_MAPPING",
    "Silence",
    "new_silence",
    "create_index_request",
    "put_request",
    "search_request",
    "parse_search",
    "delete_request",
    "SilenceStore",
    "AsyncSilenceStore",
]

logger = logging.getLogger(__name__)

MAX_SILENCES = 1000
MAX_DURATION_S = 366 * 86400
SILENCES_MAPPING: dict[str, Any] = {
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
        """A stored silence.

        :raises InvalidSilence: the document is not one (anyone who can write the index can plant a bad one).
        """
        try:
            silence = cls(
                id=str(doc["id"]),
                rule=_matcher(doc.get("rule")),
                service=_matcher(doc.get("service")),
                category=_matcher(doc.get("category")),
                comment=str(doc.get("comment") or ""),
                created_by=str(doc.get("created_by") or ""),
                created_at=_moment(doc["created_at"]),
                expires_at=_moment(doc["expires_at"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidSilence(f"Stored silence is malformed ({exc!r}); delete or fix it.") from None
        if silence.rule is None and silence.service is None and silence.category is None:
            raise InvalidSilence("Stored silence has no matcher and would silence everything; delete it.")
        return silence

    def active(self, now: datetime | None = None) -> bool:
        return self.expires_at > (now or datetime.now(UTC))

    def matches(self, alert: Alert, now: datetime | None = None) -> bool:
        return (
            self.active(now)
            and (self.rule is None or self.rule == alert.rule)
            and (self.service is None or self.service == alert.service)
            and (self.category is None or self.category == alert.category)
        )


def _matcher(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"a matcher must be text, got {type(value).__name__}")


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # so comparisons never raise


def _clean(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def new_silence(
    *,
    rule: str | None = None,
    service: str | None = None,
    category: str | None = None,
    duration_s: float,
    comment: str = "",
    created_by: str = "api",
    now: datetime | None = None,
) -> Silence:
    """A new, checked silence that starts now and lasts ``duration_s`` (not stored yet).

    :param rule: rule name to silence, or None for any.
    :param service: service to silence, or None for any.
    :param category: category to silence (security, performance, business, general), or None for any.
    :param duration_s: how long it lasts, in seconds (more than 0, at most 366 days).
    :param comment: why, for the people who see it.
    :param created_by: who asked.
    :param now: when it starts (the current time when omitted).
    :raises InvalidSilence: no matcher, a bad category or a duration out of range.
    """
    rule, service, category = _clean(rule), _clean(service), _clean(category)
    if rule is None and service is None and category is None:
        raise InvalidSilence(
            "A silence needs at least one of rule, service or category; "
            "a silence matching everything would hide every alert."
        )
    if category is not None and category not in CATEGORIES:
        raise InvalidSilence(f"Category {category!r} is unknown; use one of {', '.join(CATEGORIES)}.")
    if not duration_s > 0 or duration_s > MAX_DURATION_S:
        raise InvalidSilence(
            f"Duration must be between 0 and 366 days in seconds, got {duration_s!r}; "
            "give a positive number of seconds."
        )
    start = now or datetime.now(UTC)
    # Stored times keep milliseconds; the silence returned equals the one read back.
    start = start.replace(microsecond=start.microsecond // 1000 * 1000)
    return Silence(
        id=uuid.uuid4().hex,
        rule=rule,
        service=service,
        category=category,
        comment=comment,
        created_by=created_by,
        created_at=start,
        expires_at=start + timedelta(seconds=duration_s),
    )


# Request builders and parsers: the keyword arguments of one client call, the same for both clients.


def create_index_request(index: str) -> dict[str, Any]:
    """``indices.create`` arguments for the silence index (sent with status 400, "exists", ignored)."""
    return {"index": index, "mappings": SILENCES_MAPPING}


def put_request(index: str, silence: Silence) -> dict[str, Any]:
    """``index`` arguments that store ``silence``, visible to searches when the call returns."""
    return {"index": index, "id": silence.id, "document": silence.to_dict(), "refresh": "wait_for"}


def search_request(index: str, *, include_expired: bool = False, now: datetime | None = None) -> dict[str, Any]:
    """``search`` arguments for the silences, newest first (at most :data:`MAX_SILENCES`).

    :param index: the silence index.
    :param include_expired: also return silences whose expiry has passed.
    :param now: the moment "expired" is judged at (the current time when omitted).
    """
    query: dict[str, Any] = {"match_all": {}}
    if not include_expired:
        query = {"range": {"expires_at": {"gt": rfc3339(now or datetime.now(UTC))}}}
    return {"index": index, "query": query, "size": MAX_SILENCES, "sort": [{"created_at": "desc"}]}


def parse_search(response: Any) -> list[Silence]:
    """The silences in a ``search`` answer; a malformed document is left out and logged, never fatal."""
    silences = []
    for hit in response["hits"]["hits"]:
        try:
            silences.append(Silence.from_dict(hit.get("_source") or {}))
        except InvalidSilence as exc:
            logger.warning('malformed silence left out id="%s" error="%s"', hit.get("_id"), exc)
    return silences


def delete_request(index: str, silence_id: str) -> dict[str, Any]:
    """``delete`` arguments that end a silence at once, gone from searches when the call returns."""
    return {"index": index, "id": silence_id, "refresh": "wait_for"}


def _log_created(silence: Silence) -> None:
    logger.info(
        'silence created id="%s" rule="%s" service="%s" category="%s" expires_at="%s"',
        silence.id,
        silence.rule,
        silence.service,
        silence.category,
        rfc3339(silence.expires_at),
    )


class SilenceStore:
    """The silence index through a blocking client (the alert consumer, scripts and tests).

    :param es: Elasticsearch client.
    :param index: the silence index (``config.indices.silences``).
    :param request_timeout_s: timeout of each Elasticsearch call.
    """

    def __init__(self, es: Elasticsearch, index: str, request_timeout_s: float) -> None:
        self.index = index
        self._es = es.options(request_timeout=request_timeout_s)

    def create(self, silence: Silence) -> Silence:
        """Store ``silence`` (from :func:`new_silence`), creating the index on first use."""
        self._es.options(ignore_status=400).indices.create(**create_index_request(self.index))
        self._es.index(**put_request(self.index, silence))
        _log_created(silence)
        return silence

    def search(self, *, include_expired: bool = False) -> list[Silence]:
        """Silences, newest first; none when no silence was ever created."""
        try:
            return parse_search(self._es.search(**search_request(self.index, include_expired=include_expired)))
        except NotFoundError:
            return []

    def delete(self, silence_id: str) -> bool:
        """End a silence at once; False when there is no such silence."""
        try:
            self._es.delete(**delete_request(self.index, silence_id))
        except NotFoundError:
            return False
        logger.info('silence deleted id="%s"', silence_id)
        return True


class AsyncSilenceStore:
    """The silence index through an asyncio client (the API); each method mirrors :class:`SilenceStore`'s.

    :param es: Elasticsearch client.
    :param index: the silence index (``config.indices.silences``).
    :param request_timeout_s: timeout of each Elasticsearch call.
    """

    def __init__(self, es: AsyncElasticsearch, index: str, request_timeout_s: float) -> None:
        self.index = index
        self._es = es.options(request_timeout=request_timeout_s)

    async def create(self, silence: Silence) -> Silence:
        """Store ``silence`` (from :func:`new_silence`), creating the index on first use."""
        await self._es.options(ignore_status=400).indices.create(**create_index_request(self.index))
        await self._es.index(**put_request(self.index, silence))
        _log_created(silence)
        return silence

    async def search(self, *, include_expired: bool = False) -> list[Silence]:
        """Silences, newest first; none when no silence was ever created."""
        try:
            response = await self._es.search(**search_request(self.index, include_expired=include_expired))
        except NotFoundError:
            return []
        return parse_search(response)

    async def delete(self, silence_id: str) -> bool:
        """End a silence at once; False when there is no such silence."""
        try:
            await self._es.delete(**delete_request(self.index, silence_id))
        except NotFoundError:
            return False
        logger.info('silence deleted id="%s"', silence_id)
        return True
