"""The generator that made the committed training corpus ``nlp/data/corpus.csv``.

It is the documented, reproducible way the data was made: ``python -m nlp.corpusgen`` rewrites the
file byte for byte. See ``nlp/data/README.md`` for what it contains and ``nlp/data/RUBRIC.md`` for the
labelling rules every template follows.
"""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import LABELS, Row, Source, generate
from nlp.corpusgen.inhouse import SOURCES as _INHOUSE
from nlp.corpusgen.sources_auth import SOURCES as _AUTH
from nlp.corpusgen.sources_cloud import SOURCES as _CLOUD
from nlp.corpusgen.sources_commerce import SOURCES as _COMMERCE
from nlp.corpusgen.sources_compute_ui import SOURCES as _COMPUTE_UI
from nlp.corpusgen.sources_data import SOURCES as _DATA
from nlp.corpusgen.sources_domains import SOURCES as _DOMAINS
from nlp.corpusgen.sources_more import SOURCES as _MORE
from nlp.corpusgen.sources_network import SOURCES as _NETWORK
from nlp.corpusgen.sources_os import SOURCES as _OS
from nlp.corpusgen.sources_platform import SOURCES as _PLATFORM
from nlp.corpusgen.sources_runtime import SOURCES as _RUNTIME
from nlp.corpusgen.sources_services import SOURCES as _SERVICES
from nlp.corpusgen.sources_systems import SOURCES as _SYSTEMS
from nlp.corpusgen.sources_web import SOURCES as _WEB
from nlp.corpusgen.supplement_apps import SUPPLEMENT as _APPS_EXTRA
from nlp.corpusgen.supplement_infra import SUPPLEMENT as _INFRA_EXTRA

__all__ = ["ALL_SOURCES", "LABELS", "PER_LABEL", "Row", "Source", "generate"]

logger = logging.getLogger(__name__)


def _merge(sources: list[Source], *supplements: dict[str, dict[str, list[str]]]) -> list[Source]:
    """Append supplement templates to the sources of the same name (after the originals, so ids stay)."""
    by_name = {source.name: source for source in sources}
    for supplement in supplements:
        unknown = sorted(set(supplement) - set(by_name))
        if unknown:
            raise ValueError(f"supplement names unknown sources {unknown}")
    merged: list[Source] = []
    seen: set[str] = set()
    for source in sources:
        templates = {label: list(items) for label, items in source.templates.items()}
        for supplement in supplements:
            for label, items in supplement.get(source.name, {}).items():
                templates.setdefault(label, []).extend(items)
        # The same wording twice would put one template in both splits: keep the first only.
        unique: dict[str, list[str]] = {}
        for label, items in templates.items():
            for template in items:
                if template not in seen:
                    seen.add(template)
                    unique.setdefault(label, []).append(template)
        merged.append(Source(source.name, source.kind, unique, source.styles))
    return merged


ALL_SOURCES: list[Source] = _merge(
    [
        *_WEB,
        *_DATA,
        *_AUTH,
        *_PLATFORM,
        *_OS,
        *_NETWORK,
        *_RUNTIME,
        *_COMMERCE,
        *_DOMAINS,
        *_SERVICES,
        *_CLOUD,
        *_MORE,
        *_SYSTEMS,
        *_COMPUTE_UI,
        *_INHOUSE,
    ],
    _APPS_EXTRA,
    _INFRA_EXTRA,
)

# Lines per category. general is the broadest category (everything else), so it gets the most.
PER_LABEL: dict[str, int] = {"security": 2700, "performance": 2700, "business": 2200, "general": 4900}
