"""The dry-run sender: writes what would have been sent to the log (ElastAlert2's ``DebugAlerter``).

Routes fall back to it when a receiver's token is missing, so the system runs without chat credentials.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from alerting import format as fmt
from alerting.senders.base import AlertGroup, Secret, Sender

__all__ = ["LogSender"]

logger = logging.getLogger(__name__)


class LogSender(Sender):
    """Logs one line per alert at INFO; ``stand_in_for`` names the receiver it replaces, if any."""

    type_name: ClassVar[str] = "log"
    optional_options: ClassVar[tuple[str, ...]] = ("stand_in_for",)

    def __init__(self, name: str, options: Mapping[str, Any], secrets: Mapping[str, Secret], timeout_s: float) -> None:
        super().__init__(name, options, secrets, timeout_s)
        self.sent: int = 0

    def describe(self) -> str:
        stand_in = self.options.get("stand_in_for")
        return f"log (stand-in for {stand_in})" if stand_in else "log"

    def send(self, group: AlertGroup) -> None:
        for alert in fmt.ordered(group.alerts):
            link = fmt.dashboard_link(alert, group.public_url) or "-"
            logger.info(
                'alert route="%s" receiver="%s" title="%s" service="%s" category="%s" value="%s" '
                'window="%s" samples=%d link="%s" alert_id="%s"',
                group.route,
                self.name,
                fmt.title(alert),
                alert.service or "-",
                alert.category or "-",
                fmt.value_text(alert),
                fmt.window_text(alert),
                len(alert.samples),
                link,
                alert.alert_id,
            )
        self.sent += 1
