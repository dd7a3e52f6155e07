"""Alert delivery: the alerts topic to Slack and Telegram, with routing, grouping, repeat suppression,
silences, resolved notices, retries, a dead-letter topic and a history index.

    alerts topic ─► consumer (validate; invalid ─► alerts DLQ topic)
                   └► dispatcher: silenced? duplicate? repeat within the interval? ─► route groups (group_wait_s)
                      └► one worker per receiver: send with retries ─► delivery store (SQLite) ─► commit offset
                                                                 └ last retry failed ─► alerts DLQ topic
    delivery store ─► history flusher ─► alert history index;  API ─► core.silences ─► silence index

Topic and index names come from the configuration (``topics.alerts``, ``topics.alerts_dlq``,
``indices.alerts``, ``indices.silences``). The alert message (:mod:`core.alert`) and the silence store
(:mod:`core.silences`) live in ``core/``, shared with the rules engine and the API.

Run it with ``python -m alerting run``; check a route with ``python -m alerting test-message --route NAME``.
"""

from __future__ import annotations

from alerting.consumer import AlertConsumer
from alerting.errors import AlertingError, DeliveryError, RoutesError
from alerting.history import ensure_alerts_index
from alerting.routing import Route, Routing, load_routes
from alerting.status import read_status

__all__ = [
    "AlertConsumer",
    "AlertingError",
    "DeliveryError",
    "Route",
    "Routing",
    "RoutesError",
    "ensure_alerts_index",
    "load_routes",
    "read_status",
]
