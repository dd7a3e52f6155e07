"""Build ``nlp/data/real_templates.csv``: labelled templates of real software, one row per template.

``python -m nlp.realdata`` reads the development data beside the repository (``../shared/data``) and the demo
services in ``producers/demo``, and writes each template with this project's label (``nlp/data/RUBRIC.md``) and
the system it came from. Lines of ``../shared`` are never copied: their rows hold the template as the message
to train on, each variable part written as the kind of value it holds in the lines (``<ip>``, ``<num>``,
``<user>``; ``<*>`` when no kind holds: :func:`typed_templates`), never the value; only the demo services, this
repository's own code, keep up to two example messages. :func:`real_messages` gives the example messages
themselves, for measuring (``nlp.loso``) when ``../shared`` is there; :func:`raw_views` the Loghub ones as raw
lines too, and :func:`loghub_template_lines` how many lines each Loghub template has. Sources:

- **Loghub** 2k samples (Zhu et al., "Loghub", ISSRE 2023): labels by template in ``loghub_labels.csv``.
- **fail2ban** test logs (fail2ban 1.0.2, GPL-2+): a line after ``# failJSON: {... "match": true ...}`` is an
  attack or authentication failure, ``security``; the other annotated lines are labelled here by wording
  (:data:`_FAIL2BAN_GENERAL`, everything else they hold is an authentication event: ``security``).
- **lnav** format samples (github.com/tstack/lnav ``src/formats``, BSD-2-Clause): labelled by hand,
  :data:`_LNAV_LABELS` (index in ``lnav-samples.jsonl`` -> label; unlisted lines are ``general``).
- **demo services** of this repository: the category each template declares (``LogLine.category``).
- **application packages** (``npm:*``, ``pypi:*``): the log calls in the code of applications of other domains
  (publishing and memberships, ticketing, e-commerce payments, conferences, mailing lists, personal finance,
  shift planning, localisation, CI, document management), from their npm and PyPI packages: each call's format
  string with its arguments as ``<*>``, labelled by hand in ``app_logcalls.csv`` (see ``nlp/data/README.md``).
  No log file of them is read: the template is the line the software writes, without its values.

Messages are what the streaming job reads: raw lines go through its own parser (``streaming.event``), so a
syslog or access-log header is cut the same way as in production. Templates come from
``streaming.templates``. The output is committed, so a fresh clone trains without ``../shared``.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from core.config import REPO_ROOT
from nlp.corpus import REAL_TEMPLATES, LabelledData
from nlp.errors import TrainingDataError
from nlp.loso import family_of
from nlp.preprocess import fill_wildcards, mask_texts, wildcard_of

__all__ = [
    "APP_LOGCALLS",
    "RAW_VIEWS",
    "build_rows",
    "loghub_lines",
    "loghub_template_lines",
    "main",
    "raw_views",
    "real_messages",
    "shared_available",
    "typed_templates",
]

logger = logging.getLogger(__name__)

_SHARED: Final = REPO_ROOT.parent / "shared" / "data"
# This project's label of each Loghub template (system,event_id,label,role); see nlp/data/README.md.
_LOGHUB_LABELS: Final = Path(__file__).resolve().parent / "data" / "loghub_labels.csv"
# Labelled log calls of application packages (system,template,label,package,path,note); see nlp/data/README.md.
APP_LOGCALLS: Final = Path(__file__).resolve().parent / "data" / "app_logcalls.csv"
# The forms of the Loghub messages raw_views gives: Loghub's cut, the job's cut of the raw line, the cut of the
# reader the job falls back on for a format none of its detectors knows, the raw line whole.
RAW_VIEWS: Final = (
    "Loghub's message",
    "raw line, the job's parser",
    "raw line, general header reader",
    "raw line, header left in",
)
# A log call's argument written right before "ms" ("took ${elapsed}ms") is a number of milliseconds.
_MS_ARGUMENT: Final = re.compile(r"<\*>(?=ms\b)")
# ``source`` is the system a row came from (``family:system``); all rows train, real data is scored by
# leaving systems out (nlp.loso), not by a split.
_FIELDS: Final = ("message", "label", "source", "template", "split", "weight", "lines")
# A real template counts as much as this many synthetic lines: real wording is scarcer and worth more
# (leave-systems-out macro-F1 0.794 at 1, 0.805 at 3; see nlp/MODEL.md).
_WEIGHT: Final = 3
# A log call of an application package is a template read from code, not one seen in a log (no values, no
# count of lines): it counts as one synthetic line, as the hand-written templates do (at 3, leave-systems-out
# ECE on the systems of real lines doubled, 0.024 -> 0.049; see nlp/MODEL.md).
_LOGCALL_WEIGHT: Final = 1
_PER_TEMPLATE: Final = 2
# Families whose lines are this repository's own and may be committed as they are.
_OWN_FAMILIES: Final = frozenset({"demo"})
_MAX_CHARS: Final = 600
# Stands for a template's variable part while the template is masked: no mask rule reads or writes it.
_SLOT: Final = "\x01"

# fail2ban lines annotated "match": false that are not about authentication: connection chatter, DNS,
# plain access-log lines with status 200, LDAP connection bookkeeping, an unban.
_FAIL2BAN_GENERAL: Final = re.compile(
    r"^(Connection (closed|from|reset)|error: kex_exchange|no (IP address|host name) found|lost connection|"
    r"improper command pipelining|SSH: Server;Ltype: (Kex|Version)|conn=\d+ (fd=\d+ (ACCEPT|closed)|op=\d+ "
    r"(EXT|UNBIND|RESULT))|NOTICE \[\w+\] Unban|.*\" 200 \d+|.*org\.slf4j|rA\w+: from=|<co ts=)"
)

# lnav samples that are not general, by line index (labelled with RUBRIC.md; see the module docstring).
_LNAV_LABELS: Final[dict[int, str]] = {
    40: "security",  # request refused: chunked Transfer-Encoding forbidden
    48: "security",  # 403
    56: "security",  # connection closed during SSL handshake
    91: "business",  # consumed record with orderId
    93: "security",  # SSL error connecting with a client certificate
    97: "security",  # user logged in
    99: "business",  # failed to process payment
    112: "security",  # SAML authentication request
    117: "business",  # recommendations requested for products
    124: "performance",  # statement duration
    125: "performance",
    126: "performance",
    127: "performance",
    130: "performance",  # request completed in 180 ms
    178: "security",  # firewall packet logs
    179: "security",
    180: "security",
    181: "security",
    182: "security",
    183: "security",
    184: "security",
    185: "security",  # pubkey auth succeeded
    191: "security",
    196: "performance",  # rescan time
    199: "performance",  # admission check failed for memory
    212: "security",  # ticket issued for root
    219: "security",  # auth session closed
}


def _message(line: str) -> str | None:
    """The message the streaming job would classify for a raw line (None when the job rejects it)."""
    from streaming.event import parse_record  # the job's own parser; only needed to rebuild the file

    parsed = parse_record(line.encode("utf-8"), None, datetime.now(UTC))
    message = None if parsed.error else parsed.fields.get("message")
    return message.strip()[:_MAX_CHARS] if isinstance(message, str) and message.strip() else None


def _header_message(line: str) -> str:
    """The message the job's general header reader cuts from a raw line, as for a format no detector knows."""
    from streaming.formats.header import parse_header  # the job's fallback reader

    return parse_header(line.strip(), datetime.now(UTC)).message.strip()[:_MAX_CHARS]


def _loghub_rows() -> Iterator[tuple[str, dict[str, str], str]]:
    """(system, row of ``*_structured.csv``, label) for every line of the Loghub 2k samples."""
    with _LOGHUB_LABELS.open(newline="", encoding="utf-8") as handle:
        labels = {(r["system"], r["event_id"]): r["label"] for r in csv.DictReader(handle)}
    for system in sorted({system for system, _ in labels}):
        path = _SHARED / "loghub" / system / f"{system}_2k.log_structured.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                label = labels.get((system, row["EventId"]))
                if label is None:
                    raise TrainingDataError(f"{system} template {row['EventId']} has no label in {_LOGHUB_LABELS}.")
                yield system, row, label


def _loghub() -> Iterator[tuple[str, str, str, str]]:
    """Every line of the Loghub 2k samples, as Loghub cut it (its ``Content`` column) with its label."""
    for system, row, label in _loghub_rows():
        yield "loghub", f"loghub:{system}", row["Content"], label


def loghub_template_lines() -> Counter[tuple[str, str]]:
    """How many of a Loghub system's 2,000 sample lines each of its templates has, by (system, template): how
    often a real stream shows each template."""
    from streaming.templates import template_of

    return Counter((system, template_of(message).text) for _, system, message, _ in _loghub())


def _loghub_raw() -> dict[tuple[str, str], str]:
    """(system, Loghub's message) -> the first raw line that has it (the ``*_2k.log`` beside the structured file,
    whose ``LineId`` is the line's number)."""
    raw: dict[str, list[str]] = {}
    found: dict[tuple[str, str], str] = {}
    for system, row, _ in _loghub_rows():
        if system not in raw:
            raw[system] = (_SHARED / "loghub" / system / f"{system}_2k.log").read_text(encoding="utf-8").splitlines()
        found.setdefault((f"loghub:{system}", row["Content"]), raw[system][int(row["LineId"]) - 1])
    return found


def _fail2ban() -> Iterator[tuple[str, str, str, str]]:
    logs = _SHARED / "fail2ban" / "logs"
    for path in sorted(logs.rglob("*")):
        if not path.is_file():
            continue
        previous = ""
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            annotated = previous.startswith("# failJSON:")
            match = annotated and re.search(r'"match"\s*:\s*true', previous) is not None
            previous = line
            if line.startswith("#") or not line.strip() or not annotated:
                continue
            message = _message(line)
            if message is None:
                continue
            label = "security" if match or not _FAIL2BAN_GENERAL.match(message) else "general"
            yield "fail2ban", f"fail2ban:{path.relative_to(logs).parts[0]}", message, label


def _lnav() -> Iterator[tuple[str, str, str, str]]:
    lines = (_SHARED / "formats" / "lnav-samples.jsonl").read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        sample = json.loads(line)
        message = _message(sample["line"])
        if message is not None:
            yield "lnav", f"lnav:{sample['format']}", message, _LNAV_LABELS.get(index, "general")


def _demo() -> Iterator[tuple[str, str, str, str]]:
    from producers.demo import SERVICES
    from producers.demo.base import Ctx

    for name, service in SERVICES.items():
        kinds = list(service.templates) + [t for group in service.incident_templates.values() for t in group]
        for _, make in kinds:
            for seed in range(3):  # several fillings: the template keeps at most two distinct ones
                line = make(Ctx(random.Random(seed), frozenset({"latency_storm"})))
                yield "demo", f"demo:{name}", line.message.splitlines()[0][:_MAX_CHARS], line.category


def _app_logcalls() -> list[tuple[str, str, str, str]]:
    """(system, template, typed template, label) of every labelled log call of the application packages; the
    only kind a call's text tells is a number before ``ms``, every other argument stays ``<*>``."""
    with APP_LOGCALLS.open(newline="", encoding="utf-8") as handle:
        return [
            (r["system"], r["template"], _MS_ARGUMENT.sub("<num>", r["template"]), r["label"])
            for r in csv.DictReader(handle)
        ]


def loghub_lines() -> list[str]:
    """The messages of every Loghub sample line in ``../shared``, in file order: a real stream, with its repeats."""
    return [message for _, _, message, _ in _loghub()]


def shared_available() -> bool:
    """Whether the development data beside the repository is there (a fresh clone may have it or not)."""
    return (_SHARED / "loghub").is_dir()


def _collect() -> dict[tuple[str, str], tuple[Counter[str], list[str]]]:
    """(system, template) -> (label counts over its lines, its distinct messages in order of appearance); the
    template's label is :func:`_label` of the counts, its examples the first :data:`_PER_TEMPLATE` messages."""
    from streaming.templates import template_of

    found: dict[tuple[str, str], tuple[Counter[str], list[str]]] = defaultdict(lambda: (Counter(), []))
    for _, system, message, label in (*_loghub(), *_fail2ban(), *_lnav(), *_demo()):
        counts, messages = found[(system, template_of(message).text)]
        counts[label] += 1
        if message not in messages:
            messages.append(message)
    return found


def typed_templates(templates: list[str], messages: list[list[str]]) -> list[str]:
    """Each template with every ``<*>`` written as the kind of value it holds in most of the template's
    messages (``<ip>``, ``<num_ms>``: :func:`nlp.preprocess.wildcard_of` of the masked value), ``<*>`` when
    no kind holds in most of them. The masker reads a value in its context (``user bob``, ``for bob from
    <ip>``), so the values are found in the masked message, aligned with the masked template.

    :param templates: template texts (``streaming.templates``), variable parts as ``<*>``.
    :param messages: for each template, the messages it was taken from.
    """
    from streaming.templates import WILDCARD

    masked_templates = mask_texts([f" {_SLOT} ".join(t.split(WILDCARD)) for t in templates])
    masked_messages = iter(mask_texts([m for group in messages for m in group]))
    typed = []
    for template, masked_template, group in zip(templates, masked_templates, messages, strict=True):
        parts = template.split(WILDCARD)
        words = masked_template.split()
        in_context = re.compile(r"\s*".join("(.*?)" if w == _SLOT else re.escape(w) for w in words), re.DOTALL)
        # When the masker changed a word of the template's own text in the line ("for james from <ip>" masks
        # james), the values are cut from the raw line and masked alone.
        alone = re.compile(r"\s*(.*?)\s*".join(re.escape(" ".join(part.split())) for part in parts), re.DOTALL)
        votes: list[Counter[str]] = [Counter() for _ in parts[1:]]
        for message in group:
            found = in_context.fullmatch(" ".join(next(masked_messages).split()))
            if found is not None and len(found.groups()) == len(votes):  # else a mask rule ate a slot
                values = list(found.groups())
            elif (found := alone.fullmatch(" ".join(message.split()))) is not None:
                values = mask_texts(found.groups())
            else:
                continue
            for vote, value in zip(votes, values, strict=True):
                vote[wildcard_of(value)] += 1
        kinds = [_majority(vote) for vote in votes]
        typed.append(parts[0] + "".join(kind + part for kind, part in zip(kinds, parts[1:], strict=True)))
    return typed


def _majority(votes: Counter[str]) -> str:
    kind, count = votes.most_common(1)[0] if votes else ("<*>", 0)
    return kind if count * 2 > votes.total() else "<*>"


def _label(counts: Counter[str]) -> str:
    # A template annotated both ways (fail2ban bans some lines only in context) takes its majority label.
    return counts.most_common(1)[0][0]


def build_rows() -> list[dict[str, str]]:
    """Return the rows of ``real_templates.csv``: per (system, template) its label and line count, with the
    template, its wildcards typed, as the message (the demo services: up to two example messages)."""
    found = _collect()
    typed = dict(zip(found, typed_templates([t for _, t in found], [m for _, m in found.values()]), strict=True))
    rows = []
    for (system, template), (counts, messages) in found.items():
        label = _label(counts)
        own = family_of(system) in _OWN_FAMILIES
        for message in messages[:_PER_TEMPLATE] if own else [typed[(system, template)]]:
            rows.append(
                {
                    "message": message,
                    "label": label,
                    "source": system,
                    "template": template,
                    "split": "train",
                    "weight": str(_WEIGHT),
                    "lines": str(counts.total()),
                }
            )
    for system, template, typed_template, label in _app_logcalls():
        rows.append(
            {
                "message": typed_template,
                "label": label,
                "source": system,
                "template": template,
                "split": "train",
                "weight": str(_LOGCALL_WEIGHT),
                "lines": "1",  # a call site, not lines of a log
            }
        )
    return rows


def real_messages() -> LabelledData:
    """Up to two real example messages per template of every system, labelled like their template: what
    leave-systems-out scores on when ``../shared`` is there (read from it, never written anywhere). The
    application packages have no log lines here: their template is scored, its typed wildcards filled as
    training reads them."""
    messages, labels, sources, templates = [], [], [], []
    for (system, template), (counts, examples) in _collect().items():
        for message in examples[:_PER_TEMPLATE]:
            messages.append(message)
            labels.append(_label(counts))
            sources.append(system)
            templates.append(template)
    for system, template, typed_template, label in _app_logcalls():
        messages.append(fill_wildcards(typed_template))
        labels.append(label)
        sources.append(system)
        templates.append(template)
    return LabelledData(messages, labels, ["test"] * len(messages), sources, templates)


def raw_views(real: LabelledData) -> dict[str, LabelledData]:
    """The Loghub messages of :func:`real_messages` in four forms, to score side by side: as Loghub cut them
    from their lines; as the streaming job cuts them from the raw line (its own parser, ``streaming.event``, as
    in production); as the job's general header reader alone cuts them, which is what the job does with a
    format none of its detectors knows (the parser's detectors were written with these eight in view, so this
    is the estimate for a stranger's format); and the raw line whole, the header left in. The other sources'
    messages already are the job's cut (fail2ban, lnav) or its own (demo).

    :param real: the output of :func:`real_messages`; its Loghub rows are kept, in order, with their labels.
    """
    raw = _loghub_raw()
    keep = [i for i, source in enumerate(real.sources) if family_of(source) == "loghub"]
    lines = [raw[(real.sources[i], real.messages[i])] for i in keep]

    def view(messages: list[str]) -> LabelledData:
        return LabelledData(
            messages,
            [real.labels[i] for i in keep],
            ["test"] * len(keep),
            [real.sources[i] for i in keep],
            [real.templates[i] for i in keep],
        )

    return {
        RAW_VIEWS[0]: view([real.messages[i] for i in keep]),
        RAW_VIEWS[1]: view([_message(line) or "" for line in lines]),
        RAW_VIEWS[2]: view([_header_message(line) for line in lines]),
        RAW_VIEWS[3]: view(lines),
    }


def main() -> int:
    """Rewrite ``real_templates.csv`` from ``../shared/data``, the demo services and the labelled log calls."""
    parser = argparse.ArgumentParser(prog="python -m nlp.realdata", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REAL_TEMPLATES)
    args = parser.parse_args()
    rows = build_rows()
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows of {len({(r['source'], r['template']) for r in rows})} templates to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
