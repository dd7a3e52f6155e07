"""Expand message templates into labelled log lines.

Template syntax, kept small on purpose so templates read like the log lines they stand for:

- ``{name}`` is a slot filled by :data:`nlp.corpusgen.fillers.FILLERS` (``{ip}``, ``{ms}``, ``{user}`` ...).
- ``{a|b|c}`` picks one alternative (an empty alternative is allowed: ``{|very }``).
- Anything else in braces is kept literally; write ``{{`` and ``}}`` for braces next to a slot (JSON).

Every software source also has line styles (syslog prefix, log4j layout, key=value, bare message) in
the same syntax, with ``@msg@`` where the message goes. A fraction of its lines get one, so the model
sees messages both as the streaming parser extracts them and as raw lines with headers.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from nlp.corpusgen.fillers import FILLERS

__all__ = ["LABELS", "Row", "Source", "expand", "generate", "template_split"]

logger = logging.getLogger(__name__)

LABELS = ("security", "performance", "business", "general")
_BRACES = re.compile(r"\{([^{}]*)\}")
# Share of lines that carry a software-specific header before the message.
_STYLED_SHARE = 0.3


@dataclass(frozen=True)
class Source:
    """One kind of software and the messages it writes, per category.

    :param name: short software name (``nginx``, ``sshd``); also the group for split and CV.
    :param kind: family (web, db, auth, ...), documented in the corpus README.
    :param templates: category -> message templates.
    :param styles: line headers in template syntax; ``@msg@`` is where the message goes.
    """

    name: str
    kind: str
    templates: Mapping[str, Sequence[str]]
    styles: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class Row:
    """One labelled corpus line."""

    message: str
    label: str
    source: str
    template: str
    split: str


def expand(template: str, rng: random.Random) -> str:
    """Fill one template.

    :param template: template text (see module docstring).
    :param rng: the generator's random source (seeded: output is deterministic).
    """

    def fill(match: re.Match[str]) -> str:
        body = match.group(1)
        if "|" in body:
            return expand(rng.choice(body.split("|")), rng)
        filler: Callable[[random.Random], str] | None = FILLERS.get(body)
        if filler is None:
            return match.group(0)
        return filler(rng)

    return _BRACES.sub(fill, template)


def template_split(template_id: str, test_share: int = 5) -> str:
    """Assign a whole template to train or test, so the test split only has unseen templates.

    :param template_id: ``source:category:index``.
    :param test_share: one template in this many goes to test.
    """
    digest = hashlib.sha256(template_id.encode("utf-8")).digest()
    return "test" if digest[0] % test_share == 0 else "train"


def generate(sources: Sequence[Source], per_label: dict[str, int], seed: int = 20240501) -> list[Row]:
    """Generate the corpus: about ``per_label[label]`` distinct lines per category.

    :param sources: all software sources.
    :param per_label: target line count per category; templates of a category share it evenly.
    :param seed: random seed.
    """
    rng = random.Random(seed)
    by_label: dict[str, list[tuple[Source, int, str]]] = {label: [] for label in LABELS}
    for source in sources:
        for label, templates in source.templates.items():
            if label not in by_label:
                raise ValueError(f"source {source.name} uses unknown label {label!r}")
            by_label[label].extend((source, i, t) for i, t in enumerate(templates))
    rows: list[Row] = []
    seen: set[str] = set()
    for label in LABELS:
        entries = by_label[label]
        quota = per_label[label] / max(len(entries), 1)
        for source, index, template in entries:
            template_id = f"{source.name}:{label}:{index}"
            split = template_split(template_id)
            # Integer share of the quota plus a random remainder: counts vary from template to template.
            count = int(quota) + (1 if rng.random() < quota - int(quota) else 0)
            attempts = 0
            made = 0
            while made < max(count, 1) and attempts < count * 4 + 4:
                attempts += 1
                message = expand(template, rng).strip()
                if source.styles and rng.random() < _STYLED_SHARE:
                    message = expand(rng.choice(source.styles), rng).replace("@msg@", message)
                message = message.replace("{{", "{").replace("}}", "}")
                if message in seen:
                    continue
                seen.add(message)
                rows.append(Row(message, label, source.name, template_id, split))
                made += 1
    return rows
