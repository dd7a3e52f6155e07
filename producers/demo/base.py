"""What every simulated service shares: the log line, weighted templates, realistic identifiers."""

from __future__ import annotations

import base64
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

__all__ = ["LogLine", "Template", "Simulator", "Ctx", "TRACE", "capture"]

logger = logging.getLogger(__name__)

TRACE = 5  # logging has no TRACE level; the producer maps anything below DEBUG to TRACE

_FIRST = (
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
    "grace",
    "heidi",
    "ivan",
    "judy",
    "mallory",
    "niaj",
    "olivia",
    "peggy",
    "rupert",
    "sybil",
    "trent",
    "victor",
    "walter",
    "yusuf",
    "zoe",
    "mei",
    "sofia",
    "lukas",
    "amara",
    "kenji",
    "priya",
    "mateo",
    "ines",
    "noah",
)
_WAREHOUSES = ("fra-1", "ams-2", "iad-1", "sin-1", "gru-1")
_REGIONS = ("eu-west-1", "eu-central-1", "us-east-1", "ap-southeast-1")


@dataclass
class LogLine:
    """One log call a simulated service makes.

    :param category: the docs/design.md category a person would give it (ground truth, sent only with --label).
    """

    level: int
    message: str
    component: str
    category: str
    attributes: dict[str, Any] = field(default_factory=dict)
    exception: BaseException | None = None
    trace: bool = True


Template = tuple[float, Callable[["Ctx"], LogLine]]


def capture(fn: Callable[..., object], *args: object) -> BaseException:
    """Run ``fn`` (which raises) and return its exception, with a real traceback for the log."""
    try:
        fn(*args)
    except Exception as exc:
        return exc
    raise AssertionError(f"{fn.__name__} was expected to raise")


class Ctx:
    """Random helpers and incident state handed to every template.

    :param rng: the simulation's random source (seeded for reproducible runs).
    :param incidents: the incidents active right now.
    """

    def __init__(self, rng: random.Random, incidents: frozenset[str] = frozenset()) -> None:
        self.rng = rng
        self.incidents = incidents

    def active(self, incident: str) -> bool:
        return incident in self.incidents

    def pick(self, options: Sequence[Any]) -> Any:
        return options[self.rng.randrange(len(options))]

    def hex(self, n: int) -> str:
        return f"{self.rng.getrandbits(n * 4):0{n}x}"

    def user_id(self) -> str:
        return f"u{self.rng.randint(10_000, 999_999)}"

    def username(self) -> str:
        return f"{self.pick(_FIRST)}{self.rng.choice(('', '', '.', '_'))}{self.rng.randint(1, 99)}"

    def email(self) -> str:
        return f"{self.username()}@example.com"

    def public_ip(self) -> str:
        block = self.pick(("203.0.113", "198.51.100", "192.0.2"))
        return f"{block}.{self.rng.randint(1, 254)}"

    def internal_ip(self) -> str:
        return f"10.{self.rng.randint(0, 3)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"

    def latency_ms(self, typical: float, storm_factor: float = 1.0) -> int:
        """Log-normal latency around ``typical``; multiplied during a latency storm."""
        value = self.rng.lognormvariate(0, 0.5) * typical
        if storm_factor > 1 and self.active("latency_storm"):
            value *= storm_factor * self.rng.uniform(0.6, 1.6)
        return max(1, int(value))

    def order_id(self) -> str:
        return f"ord_{self.hex(12)}"

    def sku(self) -> str:
        return f"SKU-{self.rng.randint(10_000, 99_999)}"

    def warehouse(self) -> str:
        return str(self.pick(_WAREHOUSES))

    def region(self) -> str:
        return str(self.pick(_REGIONS))

    def amount(self) -> float:
        return round(
            self.rng.choice((4.99, 9.99, 14.99, 19.99)) * self.rng.randint(1, 4) + self.rng.choice((0, 0, 5.5, 12.0)),
            2,
        )

    def token(self, n: int = 24) -> str:
        """A random bearer-token-looking string (generated, never a real secret)."""
        return base64.urlsafe_b64encode(self.rng.randbytes(n)).decode().rstrip("=")


class Simulator:
    """A simulated service: a name, a share of the traffic and weighted log templates.

    Subclasses fill ``templates`` (normal operation) and ``incident_templates`` (by incident name).

    :param rng: the random source.
    """

    name = "service"
    weight = 1.0
    version = "1.0.0"
    templates: Sequence[Template] = ()
    incident_templates: dict[str, Sequence[Template]] = {}

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._cum = list(accumulate(w for w, _ in self.templates))
        self._incident_cum = {k: list(accumulate(w for w, _ in v)) for k, v in self.incident_templates.items()}

    def next(self, incidents: frozenset[str] = frozenset()) -> LogLine:
        """One log line of normal operation (shaped by the incidents active now)."""
        (template,) = self.rng.choices(self.templates, cum_weights=self._cum)
        return template[1](Ctx(self.rng, incidents))

    def incident(self, kind: str, incidents: frozenset[str]) -> LogLine | None:
        """One extra log line caused by incident ``kind``, or None if it does not affect this service."""
        templates = self.incident_templates.get(kind)
        if not templates:
            return None
        (template,) = self.rng.choices(templates, cum_weights=self._incident_cum[kind])
        return template[1](Ctx(self.rng, incidents))
