"""The committed data: the corpus (size, variety, split, reproduced by its generator) and the real templates."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from nlp.corpus import DEFAULT_CORPUS, REAL_TEMPLATES, load_labelled
from nlp.corpusgen.__main__ import render
from nlp.errors import TrainingDataError
from nlp.preprocess import PLACEHOLDERS, fill_wildcards, normalize
from nlp.realdata import APP_LOGCALLS, RAW_VIEWS, raw_views, real_messages, typed_templates
from streaming.templates import template_of

# The families read from ../shared (the others: the demo, this repository's own, and the log calls of application
# packages, committed as labelled templates in app_logcalls.csv).
_SHARED_FAMILIES = frozenset({"loghub", "fail2ban", "lnav"})


def _rows() -> list[dict[str, str]]:
    with DEFAULT_CORPUS.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_corpus_is_large_and_varied() -> None:
    rows = _rows()
    assert len(rows) >= 5000
    assert len({r["source"] for r in rows}) >= 30
    assert len({r["template"] for r in rows}) >= 1000
    labels = Counter(r["label"] for r in rows)
    assert set(labels) == {"security", "performance", "business", "general"}
    assert min(labels.values()) >= 1000


def test_split_is_by_template_and_fixed() -> None:
    rows = _rows()
    split_of: dict[str, set[str]] = {}
    for r in rows:
        split_of.setdefault(r["template"], set()).add(r["split"])
    assert all(len(s) == 1 for s in split_of.values())
    counts = Counter(r["split"] for r in rows)
    assert 0.1 < counts["test"] / len(rows) < 0.3


def test_messages_are_unique() -> None:
    messages = [r["message"] for r in _rows()]
    assert len(messages) == len(set(messages))


def test_generator_reproduces_the_committed_file() -> None:
    assert render() == DEFAULT_CORPUS.read_text(encoding="utf-8")


def test_real_templates_cover_every_source_and_stay_modest() -> None:
    with REAL_TEMPLATES.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    families = Counter(r["source"].split(":", 1)[0] for r in rows)
    assert set(families) == {"loghub", "fail2ban", "lnav", "demo", "npm", "pypi"}
    assert {r["label"] for r in rows} == {"security", "performance", "business", "general"}
    assert REAL_TEMPLATES.stat().st_size < 1_000_000
    per_template = Counter((r["source"], r["template"]) for r in rows)
    assert max(per_template.values()) <= 2  # the demo's templates with an example or two, not copies of its logs
    # Third-party logs (../shared) are never copied: their rows hold the template, each variable part written
    # as the kind of value it holds (<ip>, <num_ms>) or <*>.
    third_party = [r for r in rows if r["source"].split(":", 1)[0] in _SHARED_FAMILIES]
    kinds = "|".join(name[1:-1] for name in PLACEHOLDERS.values())
    typed = re.compile(f"(?:<(?:{kinds}|num_[a-z]+)>)+")
    assert third_party and all(typed.sub("<*>", r["message"]) == r["template"] for r in third_party)
    assert sum("<*>" in r["template"] for r in third_party) > len(third_party) / 2
    assert sum(typed.search(r["message"]) is not None for r in third_party) > len(third_party) / 2


def test_application_log_calls_are_cited_labelled_and_trained_on() -> None:
    with APP_LOGCALLS.open(newline="", encoding="utf-8") as handle:
        calls = list(csv.DictReader(handle))
    assert all(r["package"].split(" ", 1)[0] in {"npm", "pypi"} and r["path"] for r in calls)  # cited
    systems = Counter(r["system"] for r in calls)
    assert len(systems) >= 8 and min(systems.values()) >= 10
    # Business comes from applications of several domains, not one.
    assert len({r["system"] for r in calls if r["label"] == "business"}) >= 6
    assert {r["label"] for r in calls} == {"security", "performance", "business", "general"}
    with REAL_TEMPLATES.open(newline="", encoding="utf-8") as handle:
        trained = {
            (r["source"], r["template"]): (r["message"], r["label"])
            for r in csv.DictReader(handle)
            if r["source"].split(":", 1)[0] in {"npm", "pypi"}
        }
    # Every labelled call is a training row with its label; the only kind its text tells is a number before "ms".
    assert len(trained) == len(calls)
    for r in calls:
        message, label = trained[(r["system"], r["template"])]
        assert label == r["label"] and message.replace("<num>ms", "<*>ms") == r["template"]
    assert sum("<num>ms" in m for m, _ in trained.values()) >= 5


def test_typed_wildcards_give_the_words_a_real_line_gives() -> None:
    messages = [
        "user=bob1 took 345 ms from 10.0.0.1 job=42",
        "user=eve2 took 12 ms from 10.0.0.2 job=nightly",
        "user=joe3 took 7 ms from 10.0.0.3 job=weekly",
    ]
    template = template_of(messages[0]).text
    assert template == "user=<*> took <*> from <*> job=<*>"
    # The job is a number in one line of three: no kind holds in most of them.
    assert typed_templates([template], [messages]) == ["user=<user> took <num_ms> from <ip> job=<*>"]
    filled = fill_wildcards("user=<user> took <num_ms> from <ip> job=<*>")
    assert normalize(filled) == normalize("user=bob1 took 345 ms from 10.0.0.1 job=")


def test_no_line_of_the_shared_data_is_in_the_committed_file() -> None:
    real = real_messages()  # read from ../shared, which CI has beside the repository
    with REAL_TEMPLATES.open(newline="", encoding="utf-8") as handle:
        committed = {r["message"] for r in csv.DictReader(handle)}
    copied = [
        m
        for m, s in zip(real.messages, real.sources, strict=True)
        if s.split(":", 1)[0] in _SHARED_FAMILIES and m in committed
    ]
    # A message with no variable part is its own template; anything else found verbatim is a copy.
    assert all(m == template_of(m).text for m in copied), copied[:5]
    assert len(copied) < len(real) / 5
    assert len(real) > 1500


def test_the_raw_views_are_the_loghub_messages_cut_by_the_job_and_left_whole() -> None:
    real = real_messages()
    views = raw_views(real)
    loghub, job, header, whole = (views[name] for name in RAW_VIEWS)
    assert len(loghub) == len(job) == len(header) == len(whole) == sum(s.startswith("loghub:") for s in real.sources)
    assert len(loghub) > 500
    assert loghub.labels == job.labels == header.labels == whole.labels and loghub.templates == whole.templates
    # Each whole line holds its message after a header; the job's parser cuts nearly all of them as Loghub did,
    # its general header reader alone most of them (it was not written for these formats).
    assert all(
        line.rstrip().endswith(m.strip()) and len(line) > len(m)
        for m, line in zip(loghub.messages, whole.messages, strict=True)
    )
    same = sum(a == b for a, b in zip(loghub.messages, job.messages, strict=True))
    assert same >= 0.95 * len(loghub), [(a, b) for a, b in zip(loghub.messages, job.messages, strict=True) if a != b][
        :5
    ]
    same_header = sum(a == b for a, b in zip(loghub.messages, header.messages, strict=True))
    assert 0.5 * len(loghub) <= same_header < same
    assert all(h and h in line for h, line in zip(header.messages, whole.messages, strict=True))


def test_a_weight_column_is_read_and_checked(tmp_path: Path) -> None:
    data = tmp_path / "w.csv"
    data.write_text("message,label,weight\na b,x,2.5\nc d,y,\n", encoding="utf-8")
    assert load_labelled([data]).weights == [2.5, 1.0]
    data.write_text("message,label,weight\na b,x,-1\n", encoding="utf-8")
    with pytest.raises(TrainingDataError, match="positive number"):
        load_labelled([data])
