"""Alert delivery: the ``alerts`` topic to Slack and Telegram, with routing, grouping, repeat suppression,
silences, resolved notices, retries, a dead-letter topic and a history index.

    alerts ─► consumer (validate; invalid ─► alerts.dlq)
             └► dispatcher: silences? duplicate? repeat within the interval? ─► route groups (group_wait_s)
                └► one worker per receiver: send with retries ─► delivery store (SQLite) ─► commit offset
                                                           └ last retry failed ─► alerts.dlq
    delivery store ─► history flusher ─► Elasticsearch ``alerts``;  API ─► silences ─► ``alert_silences``

Run it with ``python -m alerting run``; check a route with ``python -m alerting test-message --route NAME``.
"""

from __future__ import annotations

from alerting.consumer import AlertConsumer
from alerting.errors import AlertingError, DeliveryError, InvalidAlert, InvalidSilence, RoutesError
from alerting.history import ALERTS_INDEX, ensure_alerts_index
from alerting.model import Alert, parse_alert
from alerting.routing import Route, Routing, load_routes
from alerting.silences import SILENCES_INDEX, Silence, create_silence, delete_silence, list_silences
from alerting.status import read_status, status_path

__all__ = [
    "ALERTS_INDEX",
    "SILENCES_INDEX",
    "Alert",
    "AlertConsumer",
    "AlertingError",
    "DeliveryError",
    "InvalidAlert",
    "InvalidSilence",
    "Route",
    "Routing",
    "RoutesError",
    "Silence",
    "create_silence",
    "delete_silence",
    "ensure_alerts_index",
    "list_silences",
    "load_routes",
    "parse_alert",
    "read_status",
    "status_path",
]
