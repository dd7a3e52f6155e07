"""The Elasticsearch side of the contract: daily indices, their template, and the alias readers use.

Every name derives from ``config.indices.logs`` (the ``prefix`` below): the daily indices are
``<prefix>-YYYY.MM.DD``, and the index template and the alias readers search are both called ``<prefix>``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from elasticsearch import Elasticsearch

__all__ = ["index_template", "index_name", "ensure_template"]

KEYWORD = {"type": "keyword", "ignore_above": 1024}
# Every query is in filter context and sorted by time, so no score is ever computed: no norms to write.
TEXT = {"type": "text", "norms": False}


def index_template(prefix: str) -> dict[str, Any]:
    """The index template for ``<prefix>-*``: explicit mappings, and the alias every reader searches.

    :param prefix: index name prefix, ``config.indices.logs`` (the alias has the same name).
    """
    return {
        "index_patterns": [f"{prefix}-*"],
        "priority": 100,
        "template": {
            "settings": {
                "number_of_shards": 1,
                # No replica on one node (green), one as soon as the cluster has a second node to hold it.
                "auto_expand_replicas": "0-1",
                "refresh_interval": "1s",
                # Past the field limit, new attribute keys stay in _source unindexed instead of refusing the log.
                "mapping.total_fields.ignore_dynamic_beyond_limit": True,
            },
            "aliases": {prefix: {}},
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    "event_id": {"type": "keyword"},
                    "timestamp": {"type": "date"},
                    "ingested_at": {"type": "date"},
                    "processed_at": {"type": "date"},
                    "level": {"type": "keyword"},
                    "service": {"type": "keyword"},
                    "host": {"type": "keyword"},
                    "logger": {"type": "keyword"},
                    "env": {"type": "keyword"},
                    "version": {"type": "keyword"},
                    "trace_id": {"type": "keyword"},
                    "span_id": {"type": "keyword"},
                    # message.keyword serves exact and wildcard matches (api.query) only, never sorts or
                    # aggregations: no doc values, the largest column of the index for nearly unique lines.
                    "message": {**TEXT, "fields": {"keyword": {**KEYWORD, "doc_values": False}}},
                    # The message with its variable parts as <*> (streaming.templates), and its stable id.
                    "template_id": {"type": "keyword"},
                    "template": {**KEYWORD, "fields": {"text": TEXT}},
                    "exception": {
                        "properties": {
                            "type": {"type": "keyword"},
                            "message": TEXT,
                            "stacktrace": TEXT,
                        }
                    },
                    # Free-form per service: every leaf is a keyword, so services cannot fight over types.
                    # subobjects=false stores "a" and "a.b" side by side (foreign JSON has both, flattened).
                    "attributes": {"type": "object", "dynamic": True, "subobjects": False},
                    "category": {"type": "keyword"},
                    "category_confidence": {"type": "float"},
                    "model_version": {"type": "keyword"},
                    "format": {"type": "keyword"},
                    "redactions": {"type": "integer"},
                    "kafka": {
                        "properties": {
                            "topic": {"type": "keyword"},
                            "partition": {"type": "integer"},
                            "offset": {"type": "long"},
                        }
                    },
                },
                "dynamic_templates": [
                    {
                        "attributes_as_keywords": {
                            "path_match": "attributes.*",
                            "match_mapping_type": "*",
                            "mapping": KEYWORD,
                        }
                    }
                ],
            },
        },
    }


def index_name(timestamp: datetime, prefix: str) -> str:
    """The daily index a document with this (UTC) timestamp belongs to.

    :param timestamp: the document's arrival time (its Kafka timestamp, or the batch's time when that is not
        trusted: streaming.sink), in UTC.
    :param prefix: index name prefix, ``config.indices.logs``.
    """
    return f"{prefix}-{_day(timestamp.date())}"


@lru_cache(maxsize=64)
def _day(day: date) -> str:
    # The sink names an index for every document, nearly always the same day: strftime was 4% of a worker's time.
    return f"{day:%Y.%m.%d}"


def ensure_template(es: Elasticsearch, prefix: str) -> None:
    """Install or update the index template named ``prefix`` (idempotent).

    :param es: the client.
    :param prefix: index name prefix, ``config.indices.logs``.
    """
    es.indices.put_index_template(name=prefix, **index_template(prefix))
