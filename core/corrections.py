"""Corrections: "lines of this template are <category>", said by a person and kept in Elasticsearch.

A correction is keyed by ``template_id`` (``streaming.templates``): errors come in templates, and so does the
fix. The API creates, lists and revokes them through :class:`AsyncCorrectionStore`; the streaming job
(``streaming.overrides``) and training (``nlp.corrections``) read them through :class:`CorrectionStore`. As in
:mod:`core.silences`, what each call sends and how its answer reads is written once, in the request builders
below, so the two clients cannot drift apart. The index is the configuration's ``indices.corrections``; its
document id is the template id, so a template has at most one correction and a new one replaces the old.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from elasticsearch import AsyncElasticsearch, Elasticsearch, NotFoundError

from core.contract import CATEGORIES, rfc3339
from core.errors import InvalidCorrection

__all__ = [
    "CORRECTED",
    "MAX_CORRECTIONS",
    "CORRECTIONS_MAPPING",
    "Correction",
    "new_correction",
    "create_index_request",
    "put_request",
    "search_request",
    "parse_search",
    "delete_request",
    "CorrectionStore",
    "AsyncCorrectionStore",
]

logger = logging.getLogger(__name__)

# The ``model_version`` of a document whose category came from a correction, not from the model.
CORRECTED = "correction"
# More than this many corrected templates would mean the model needs retraining, not more overrides.
MAX_CORRECTIONS = 10_000
CORRECTIONS_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "template_id": {"type": "keyword"},
        "template": {"type": "keyword", "ignore_above": 4096},
        "message": {"type": "text"},
        "category": {"type": "keyword"},
        "previous": {"type": "keyword"},
        "event_id": {"type": "keyword"},
        "created_by": {"type": "keyword"},
        "created_at": {"type": "date"},
    },
}


@dataclass(frozen=True)
class Correction:
    """One correction: lines of ``template_id`` are ``category``.

    :param template: the template's text; ``message``: the line it was made on (as indexed, redacted),
        which training learns from; ``previous``: the category that line had; ``event_id``: that line's id.
    """

    template_id: str
    template: str
    message: str
    category: str
    previous: str
    event_id: str
    created_by: str
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Correction:
        return cls(**{name: str(doc.get(name) or "") for name in cls.__dataclass_fields__})


def new_correction(doc: dict[str, Any], category: str, created_by: str, now: datetime | None = None) -> Correction:
    """A correction of the template of the indexed document ``doc`` (not stored yet).

    :param doc: an indexed log document (docs/design.md): its ``template_id``, ``template``, ``message``,
        ``category`` and ``event_id`` are used.
    :param category: what lines of that template are (one of ``core.contract.CATEGORIES``).
    :param created_by: who said so (the API's authenticated principal).
    :param now: when (the current time when omitted).
    :raises InvalidCorrection: an unknown category, or a document without a template.
    """
    if category not in CATEGORIES:
        raise InvalidCorrection(f"Category {category!r} is unknown; use one of {', '.join(CATEGORIES)}.")
    if not doc.get("template_id"):
        raise InvalidCorrection(
            "This log has no template_id (it was indexed before templates existed); pick a newer one."
        )
    return Correction(
        template_id=str(doc["template_id"]),
        template=str(doc.get("template") or ""),
        message=str(doc.get("message") or ""),
        category=category,
        previous=str(doc.get("category") or ""),
        event_id=str(doc.get("event_id") or ""),
        created_by=created_by,
        created_at=rfc3339(now or datetime.now(UTC)),
    )


# Request builders and parsers: the keyword arguments of one client call, the same for both clients.


def create_index_request(index: str) -> dict[str, Any]:
    """``indices.create`` arguments for the corrections index (sent with status 400, "exists", ignored)."""
    return {"index": index, "mappings": CORRECTIONS_MAPPING}


def put_request(index: str, correction: Correction) -> dict[str, Any]:
    """``index`` arguments that store ``correction`` (replacing its template's), visible when the call returns."""
    return {"index": index, "id": correction.template_id, "document": correction.to_dict(), "refresh": "wait_for"}


def search_request(index: str) -> dict[str, Any]:
    """``search`` arguments for every correction, newest first (at most :data:`MAX_CORRECTIONS`)."""
    return {"index": index, "query": {"match_all": {}}, "size": MAX_CORRECTIONS, "sort": [{"created_at": "desc"}]}


def parse_search(response: Any) -> list[Correction]:
    """The corrections in a ``search`` answer."""
    return [Correction.from_dict(hit["_source"]) for hit in response["hits"]["hits"]]


def delete_request(index: str, template_id: str) -> dict[str, Any]:
    """``delete`` arguments that revoke a template's correction, gone from searches when the call returns."""
    return {"index": index, "id": template_id, "refresh": "wait_for"}


def _log_created(correction: Correction) -> None:
    logger.info(
        'correction stored template_id="%s" category="%s" previous="%s" created_by="%s"',
        correction.template_id,
        correction.category,
        correction.previous,
        correction.created_by,
    )


class CorrectionStore:
    """The corrections index through a blocking client (the streaming job's workers, training, tests).

    :param es: Elasticsearch client.
    :param index: the corrections index (``config.indices.corrections``).
    :param request_timeout_s: timeout of each Elasticsearch call.
    """

    def __init__(self, es: Elasticsearch, index: str, request_timeout_s: float) -> None:
        self.index = index
        self._es = es.options(request_timeout=request_timeout_s)

    def create(self, correction: Correction) -> Correction:
        """Store ``correction`` (from :func:`new_correction`), creating the index on first use."""
        self._es.options(ignore_status=400).indices.create(**create_index_request(self.index))
        self._es.index(**put_request(self.index, correction))
        _log_created(correction)
        return correction

    def search(self) -> list[Correction]:
        """Every correction, newest first; none when no correction was ever made."""
        try:
            return parse_search(self._es.search(**search_request(self.index)))
        except NotFoundError:
            return []

    def delete(self, template_id: str) -> bool:
        """Revoke a template's correction; False when it has none."""
        try:
            self._es.delete(**delete_request(self.index, template_id))
        except NotFoundError:
            return False
        logger.info('correction revoked template_id="%s"', template_id)
        return True


class AsyncCorrectionStore:
    """The corrections index through an asyncio client (the API): :class:`CorrectionStore`'s calls, and ``get``.

    :param es: Elasticsearch client.
    :param index: the corrections index (``config.indices.corrections``).
    :param request_timeout_s: timeout of each Elasticsearch call.
    """

    def __init__(self, es: AsyncElasticsearch, index: str, request_timeout_s: float) -> None:
        self.index = index
        self._es = es.options(request_timeout=request_timeout_s)

    async def create(self, correction: Correction) -> Correction:
        """Store ``correction`` (from :func:`new_correction`), creating the index on first use."""
        await self._es.options(ignore_status=400).indices.create(**create_index_request(self.index))
        await self._es.index(**put_request(self.index, correction))
        _log_created(correction)
        return correction

    async def search(self) -> list[Correction]:
        """Every correction, newest first; none when no correction was ever made."""
        try:
            response = await self._es.search(**search_request(self.index))
        except NotFoundError:
            return []
        return parse_search(response)

    async def get(self, template_id: str) -> Correction | None:
        """The template's correction, or None."""
        try:
            response = await self._es.get(index=self.index, id=template_id)
        except NotFoundError:
            return None
        return Correction.from_dict(response["_source"])

    async def delete(self, template_id: str) -> bool:
        """Revoke a template's correction; False when it has none."""
        try:
            await self._es.delete(**delete_request(self.index, template_id))
        except NotFoundError:
            return False
        logger.info('correction revoked template_id="%s"', template_id)
        return True
