"""Demo services: realistic simulators of a music recommender, search, auth, payment and inventory.

Run them with ``python -m producers.demo --bootstrap HOST:PORT --rate 5 --incident brute_force@60s``.
"""

from __future__ import annotations

import random

from producers.demo.auth import Auth
from producers.demo.base import Ctx, LogLine, Simulator
from producers.demo.incidents import INCIDENTS, Incident, parse_duration, parse_incident
from producers.demo.inventory import Inventory
from producers.demo.payment import Payment
from producers.demo.recommender import Recommender
from producers.demo.runner import DemoRunner
from producers.demo.search import Search

__all__ = [
    "INCIDENTS",
    "SERVICES",
    "Ctx",
    "DemoRunner",
    "Incident",
    "LogLine",
    "Simulator",
    "build_simulators",
    "parse_duration",
    "parse_incident",
]

SERVICES: dict[str, type[Simulator]] = {cls.name: cls for cls in (Recommender, Search, Auth, Payment, Inventory)}


def build_simulators(names: list[str] | None = None, rng: random.Random | None = None) -> list[Simulator]:
    """Simulators for ``names`` (default: all five), sharing one random source.

    :raises ValueError: a name is not one of ``SERVICES``.
    """
    rng = rng or random.Random()
    chosen = names or list(SERVICES)
    unknown = [n for n in chosen if n not in SERVICES]
    if unknown:
        raise ValueError(f"Unknown demo service {', '.join(unknown)}; choose from {', '.join(SERVICES)}.")
    return [SERVICES[n](rng) for n in chosen]
