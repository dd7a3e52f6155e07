"""In-house services: the phrasing banks dealt out to services with different line layouts."""

from __future__ import annotations

import logging

from nlp.corpusgen.bank_business_general import BUSINESS, GENERAL
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


def _deal() -> list[Source]:
    templates: dict[str, dict[str, list[str]]] = {name: {} for name, _, _ in _SERVICES}
    for label, bank in (("security", SECURITY), ("performance", PERFORMANCE), ("business", BUSINESS), ("general", GENERAL)):
        for index, template in enumerate(bank):
            name = _SERVICES[index % len(_SERVICES)][0]
            templates[name].setdefault(label, []).append(template)
    return [Source(name, kind, templates[name], styles) for name, kind, styles in _SERVICES]


SOURCES = _deal()
