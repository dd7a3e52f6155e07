"""Senders by type name: one module per chat service, plus the log sender for dry runs."""

from __future__ import annotations

from alerting.senders.base import AlertGroup, Secret, Sender, scrub
from alerting.senders.log import LogSender
from alerting.senders.slack import SlackSender
from alerting.senders.telegram import TelegramSender

__all__ = ["SENDERS", "AlertGroup", "Secret", "Sender", "scrub", "LogSender", "SlackSender", "TelegramSender"]

SENDERS: dict[str, type[Sender]] = {cls.type_name: cls for cls in (SlackSender, TelegramSender, LogSender)}
