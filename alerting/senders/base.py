"""What every sender shares: the group it sends, the base class, secrets that never print, error scrubbing."""

from __future__ import annotations

import hashlib
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from core.alert import Alert

__all__ = ["AlertGroup", "Secret", "Sender", "scrub"]

logger = logging.getLogger(__name__)


class Secret:
    """A token or secret URL: ``str()`` and ``repr()`` show ``***``; only :meth:`reveal` gives the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __str__(self) -> str:
        return "***"

    def __repr__(self) -> str:
        return "Secret('***')"

    def __bool__(self) -> bool:
        return bool(self._value)


def scrub(text: str, *secrets: Secret | None) -> str:
    """``text`` with every secret (and any ``bot<digits>:<token>`` path) replaced by ``***``.

    :param text: an SDK error message or server reply.
    :param secrets: the values that must never reach a log line, the DLQ or the history index.
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret.reveal(), "***")
    text = re.sub(r"bot\d+:[A-Za-z0-9_-]+", "bot***", text)
    return re.sub(r"xox[a-z]-[A-Za-z0-9-]+", "xox*-***", text)


@dataclass(frozen=True)
class AlertGroup:
    """The alerts one message carries (a single alert, or a group collected during a route's group wait).

    :param route: the route name, shown in the message footer and recorded in history.
    :param alerts: at least one alert.
    :param public_url: public base URL of the dashboard for links (may be "").
    """

    route: str
    alerts: tuple[Alert, ...]
    public_url: str = ""

    @property
    def group_id(self) -> str:
        """Stable identity of this exact group (used to resume a multi-part message after a retry)."""
        joined = "\n".join(sorted(f"{a.alert_id}:{a.status}" for a in self.alerts))
        return hashlib.sha256(f"{self.route}\n{joined}".encode()).hexdigest()[:16]


class Sender(ABC):
    """A chat channel. ``send`` raises :class:`~alerting.errors.DeliveryError`; it never retries by itself.

    Subclasses declare ``type_name``, the ``required_options`` the routes file must give, the
    ``optional_options`` it may give, and ``credentials``: option name -> default environment variable that
    holds the secret. A sender whose credentials are missing is replaced by the log sender.
    """

    type_name: ClassVar[str] = ""
    required_options: ClassVar[tuple[str, ...]] = ()
    optional_options: ClassVar[tuple[str, ...]] = ()
    credentials: ClassVar[dict[str, str]] = {}

    def __init__(self, name: str, options: Mapping[str, Any], secrets: Mapping[str, Secret], timeout_s: float) -> None:
        """:param name: receiver name from the routes file.
        :param options: the receiver's non-secret options (already checked against the declared keys).
        :param secrets: credential option name -> secret value read from the environment.
        :param timeout_s: timeout of each HTTP call.
        """
        self.name = name
        self.options = dict(options)
        self.secrets = dict(secrets)
        self.timeout_s = timeout_s

    @classmethod
    def missing_options(cls, options: Mapping[str, Any], secrets: Mapping[str, Secret]) -> list[str]:
        """Required options that are absent (a subclass may make some depend on the credentials present)."""
        return [key for key in cls.required_options if options.get(key) in (None, "")]

    @classmethod
    def credentials_present(cls, secrets: Mapping[str, Secret]) -> bool:
        """True when the secrets needed to talk to the service are set (all of them, unless overridden)."""
        return all(secrets.get(name) for name in cls.credentials)

    @abstractmethod
    def send(self, group: AlertGroup) -> None:
        """Deliver one message (or its parts) for ``group``.

        :raises DeliveryError: the service refused or did not answer in ``timeout_s``.
        """

    @abstractmethod
    def describe(self) -> str:
        """Type plus a non-secret target, e.g. ``slack #alerts`` or ``telegram chat -100123``."""

    def close(self) -> None:  # noqa: B027 (optional hook, not abstract)
        """Release connections; the default has none."""
