"""In-house services: the phrasing banks dealt out to services with different line layouts."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from nlp.corpusgen.bank_business_general import BUSINESS, GENERAL
from nlp.corpusgen.bank_families import FAMILIES
from nlp.corpusgen.bank_more import MORE
from nlp.corpusgen.bank_more_general import MORE_GENERAL_BUSINESS
from nlp.corpusgen.bank_security_performance import PERFORMANCE, SECURITY
from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

# (name, kind, line layouts). Each bank line goes to exactly one of them, so a template never sits
# in both the train and the test split.
_SERVICES = [
    ("inhouse-python", "python service", ("{ts} {level} {svc}.worker: @msg@", "[{level}] @msg@")),
    ("inhouse-java", "jvm service", ("{ts} {level} [{thread}] {jclass} - @msg@",)),
    ("inhouse-go", "go service", ('level={level} ts={ts} msg="@msg@"', "{ts}\t{level}\t{svc}/handler.go:{n}\t@msg@")),
    ("inhouse-node", "node service", ('{{"level":"{level}","time":"{ts}","msg":"@msg@"}}',)),
    ("inhouse-dotnet", ".net service", ("{ts} [{level}] {svc}.Api: @msg@",)),
    ("inhouse-rust", "rust service", ("{ts} {level} {svc}::server: @msg@",)),
]
_MORE_SERVICES = [
    ("inhouse-php", "php service", ("[{ts}] production.{level}: @msg@",)),
    ("inhouse-ruby", "ruby service", ("{level}, [{ts} #{pid}] {level} -- : @msg@",)),
    ("inhouse-elixir", "elixir service", ("{ts} [{level}] @msg@",)),
    ("inhouse-scala", "scala service", ("{ts} {level} [{thread}] a.s.{svc}Actor - @msg@",)),
    ("inhouse-kotlin", "kotlin service", ("{ts} {level} {jclass}Kt: @msg@",)),
    ("inhouse-cpp", "c++ service", ("[{ts}] [{level}] [{svc}.cpp:{n}] @msg@", "@msg@")),
]


def _deal(services: Sequence[tuple[str, str, tuple[str, ...]]], banks: dict[str, list[str]]) -> list[Source]:
    templates: dict[str, dict[str, list[str]]] = {name: {} for name, _, _ in services}
    for label, bank in banks.items():
        for index, template in enumerate(bank):
            name = services[index % len(services)][0]
            templates[name].setdefault(label, []).append(template)
    return [Source(name, kind, templates[name], styles) for name, kind, styles in services]


def _deal_families(services: Sequence[tuple[str, str, tuple[str, ...]]]) -> list[Source]:
    # Wording k of family f goes to service (f + k) mod n: siblings land in different services.
    templates: dict[str, dict[str, list[str]]] = {name: {} for name, _, _ in services}
    for label, families in FAMILIES.items():
        for f, family in enumerate(families):
            for k, template in enumerate(family):
                name = services[(f + k) % len(services)][0]
                templates[name].setdefault(label, []).append(template)
    return [Source(name, kind, templates[name], styles) for name, kind, styles in services]


_FAMILY_SERVICES = [
    ("ops-runbook-batch", "batch jobs", ("{ts} {svc}-batch {level}: @msg@",)),
    ("ops-runbook-edge", "edge service", ("{syslog_ts} {host} edge[{pid}]: @msg@",)),
    ("ops-runbook-api", "api service", ('{{"severity":"{level}","message":"@msg@"}}',)),
    ("ops-runbook-worker", "worker", ("[{level}] {ts} worker-{few}: @msg@",)),
]

SOURCES = (
    _deal(_SERVICES, {"security": SECURITY, "performance": PERFORMANCE, "business": BUSINESS, "general": GENERAL})
    + _deal(_MORE_SERVICES, {**MORE, **MORE_GENERAL_BUSINESS})
    + _deal_families(_FAMILY_SERVICES)
)
