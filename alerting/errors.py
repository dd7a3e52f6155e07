"""Errors raised by alert delivery.

    LogwatchError                      (core.errors: root of every error the project raises)
    └── AlertingError
        ├── RoutesError (ConfigError)  the routes file is missing, malformed, or names an unknown sender
        └── DeliveryError              a chat service refused or did not answer; may carry ``retry_after_s``

An invalid alert message is :class:`core.errors.InvalidAlert` and a bad silence
:class:`core.errors.InvalidSilence`: the alert model and the silence store live in ``core/``, shared with the
rules engine and the API.

Every message is one sentence: what was wrong and what to do. A ``DeliveryError`` keeps the server's reply
text and any retry-after hint, and never a token.
"""

from __future__ import annotations

__all__ = ["AlertingError", "RoutesError", "DeliveryError"]

from core.errors import ConfigError, LogwatchError


class AlertingError(LogwatchError):
    """Base of alerting errors."""


class RoutesError(AlertingError, ConfigError):
    """The routes file is missing, malformed, or a sender lacks required options."""


class DeliveryError(AlertingError):
    """A chat service refused a message or did not answer in time.

    :param message: one sentence for people; never contains a token.
    :param retry_after_s: the server's hint (HTTP 429 ``Retry-After``, Telegram ``retry_after``), if any.
    :param permanent: True when retrying cannot help (bad token, unknown channel, malformed request).
    :param reply: the server's reply text, shortened, for the history index.
    """

    def __init__(
        self, message: str, *, retry_after_s: float | None = None, permanent: bool = False, reply: str = ""
    ) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.permanent = permanent
        self.reply = reply[:500]
