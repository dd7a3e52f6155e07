"""How well the model labels messages it has not seen: held-out templates, unseen software, real systems left out."""

from __future__ import annotations

import csv
import random
from typing import Any

import pytest

from nlp import Classifier
from nlp.corpus import DEFAULT_CORPUS, load_labelled
from nlp.evaluate import metrics
from nlp.loso import PER_LINE, estimate_on_real, family_of, format_misses, format_systems, format_views
from nlp.model import TrainConfig
from nlp.realdata import APP_LOGCALLS, RAW_VIEWS
from nlp.training import DEFAULT_LABELS, TrainResult
from producers.demo import SERVICES
from producers.demo.base import Ctx

# The synthetic test split is balanced while the model is shifted to a stream's prior (85% general), so
# this figure sits below the balanced-prior one (0.90); floors are set below the measured figures in MODEL.md.
MIN_HELD_OUT_MACRO_F1 = 0.74


def test_held_out_macro_f1_meets_the_bar(classifier: Classifier, trained: TrainResult) -> None:
    test = load_labelled([DEFAULT_CORPUS]).subset("test")
    predicted, confidence = classifier.classify_batch(test.messages)
    result = metrics(test.labels, predicted, list(classifier.labels), confidence)
    assert result["macro_f1"] == trained.metadata["test_metrics"]["macro_f1"]
    assert result["macro_f1"] >= MIN_HELD_OUT_MACRO_F1, result["per_class"]


# Software that appears nowhere in the training corpus (Dovecot, vsftpd, Jira, Asterisk, Magento,
# WooCommerce, Shopify, Ghost, Exim, Gitea, Mattermost, Odoo), one unmistakable line per case.
UNSEEN_SOFTWARE = [
    (
        "security",
        "imap-login: Disconnected (auth failed, 3 attempts in 12 secs): user=<bob>, method=PLAIN, rip=203.0.113.9",
    ),
    ("security", 'FAIL LOGIN: Client "198.51.100.7", user "admin"'),
    ("security", "Login failed for user 'jdoe' from 10.2.3.4: invalid password"),
    ("security", "Registration from '\"100\"<sip:100@192.0.2.1>' failed for '203.0.113.5' - Wrong password"),
    ("security", "Admin access denied for user 'editor': not authorized to cancel orders"),
    ("security", "gitea: Failed authentication attempt for alice from 192.0.2.10: invalid credentials"),
    ("performance", "SMTP command timeout on connection from mail.example.org [198.51.100.20]"),
    ("performance", "Slow query detected: 4.2 seconds for catalog_product_index_price"),
    ("performance", "Indexing took 183 seconds, consider increasing the heap size"),
    ("performance", "The task processor queue reached 500 scheduled tasks, system is overloaded"),
    ("performance", "imap(alice): Error: Out of memory (allocated 268435456 bytes)"),
    ("performance", "mattermost: API request /api/v4/posts took 6500ms, exceeding the slow request threshold"),
    ("business", "Order #4521 status changed from pending to processing (payment received, 89.00 EUR)"),
    ("business", "Customer jane@example.com placed order 100000123 for 3 items, grand total 154.20 USD"),
    ("business", "Webhook orders/paid received for order 1043, total 29.99 CAD"),
    ("business", "Reservation 3389201 confirmed for 2 nights, total 420.00 EUR"),
    ("business", "New member signed up for the paid newsletter (monthly plan, 5 USD)"),
    ("business", "odoo: Invoice INV/2024/0042 validated and sent to customer, amount 1,250.00 EUR"),
    ("general", "Plugin system started, 212 plugins enabled"),
    ("general", "exim 4.96 daemon started: pid=1234, -q30m, listening for SMTP on port 25"),
    ("general", "Asterisk Ready."),
    ("general", "master: Dovecot v2.3.21 starting up for imap, pop3"),
    ("general", "Configuration reloaded from /etc/gitea/app.ini"),
    ("general", "mattermost: Server is shutting down"),
]


# Shifted to a stream's prior, the model says general when the evidence for a minority label is weak; three
# of these lines are missed that way (listed in nlp/MODEL.md), so the floor is over the set, not per line.
MIN_UNSEEN_SOFTWARE_AGREEMENT = 0.85


def test_unmistakable_lines_from_unseen_software(classifier: Classifier) -> None:
    labels, confidences = classifier.classify_batch([message for _, message in UNSEEN_SOFTWARE])
    wrong = [
        (message, expected, label, confidence)
        for (expected, message), label, confidence in zip(UNSEEN_SOFTWARE, labels, confidences, strict=True)
        if label != expected
    ]
    assert 1 - len(wrong) / len(UNSEEN_SOFTWARE) >= MIN_UNSEEN_SOFTWARE_AGREEMENT, wrong
    # Every category is still found on software it has never seen.
    assert {label for (expected, _), label in zip(UNSEEN_SOFTWARE, labels, strict=True) if label == expected} == set(
        DEFAULT_LABELS
    )


@pytest.fixture(scope="module")
def real_estimate() -> dict[str, Any]:
    """The shipped configuration retrained with each real system left out in turn (about a minute)."""
    return estimate_on_real(TrainConfig(), list(DEFAULT_LABELS))


# Below what leave-systems-out measured (nlp/MODEL.md), so a regression fails loudly.
MIN_REAL_PRECISION = {"security": 0.90, "performance": 0.55, "business": 0.80, "general": 0.78}
MIN_REAL_RECALL = {"security": 0.65, "performance": 0.60, "business": 0.55, "general": 0.94}
MIN_REAL_MACRO_F1 = 0.76
MAX_REAL_ECE = 0.08


# Systems scored on their log calls' templates (nlp/data/app_logcalls.csv), not on lines of a log.
with APP_LOGCALLS.open(newline="", encoding="utf-8") as _handle:
    LOGCALL_FAMILIES = frozenset(family_of(row["system"]) for row in csv.DictReader(_handle))
# Below what leave-systems-out measured on them (nlp/MODEL.md): applications of domains the model was not
# trained on, where business recall is the open gap (about 0.1).
MIN_LOGCALL_MACRO_F1 = 0.45
MIN_LOGCALL_PRECISION = {"security": 0.70, "general": 0.78}


def _pooled(real_estimate: dict[str, Any], logcalls: bool) -> dict[str, Any]:
    rows = [p for p in real_estimate["predictions"] if (family_of(p["system"]) in LOGCALL_FAMILIES) == logcalls]
    return metrics(
        [p["label"] for p in rows],
        [p["predicted"] for p in rows],
        list(DEFAULT_LABELS),
        [p["confidence"] for p in rows],
        present_only=True,
    )


def test_precision_per_class_on_real_systems_left_out(real_estimate: dict[str, Any]) -> None:
    assert real_estimate["pooled"]["n"] == len(real_estimate["predictions"])
    pooled = _pooled(real_estimate, logcalls=False)  # the systems scored on real lines
    assert pooled["n"] > 1500 and real_estimate["folds"] >= 20
    for label, floor in MIN_REAL_PRECISION.items():
        row = pooled["per_class"][label]
        assert row["support"] >= 50, (label, row)
        assert row["precision"] >= floor, (label, row, pooled["confusion"])
        assert row["recall"] >= MIN_REAL_RECALL[label], (label, row, pooled["confusion"])
    assert pooled["macro_f1"] >= MIN_REAL_MACRO_F1, pooled["per_class"]


def test_applications_of_other_domains_left_out(real_estimate: dict[str, Any]) -> None:
    pooled = _pooled(real_estimate, logcalls=True)
    assert pooled["n"] > 1000 and pooled["per_class"]["business"]["support"] >= 100
    for label, floor in MIN_LOGCALL_PRECISION.items():
        assert pooled["per_class"][label]["precision"] >= floor, (label, pooled["per_class"][label])
    assert pooled["macro_f1"] >= MIN_LOGCALL_MACRO_F1, pooled["per_class"]


# Lines of formats the job's parser knows score as their messages, and so do lines cut by its general header
# reader alone, as a format none of its detectors knows would be (0.748 against 0.735 on Loghub, nlp/MODEL.md):
# the bound for both. The header left in whole costs 0.048, guarded here against getting worse.
MAX_RAW_GAP = 0.03
MAX_HEADER_LEFT_IN_GAP = 0.08


def test_raw_lines_through_the_job_score_as_their_messages(real_estimate: dict[str, Any]) -> None:
    loghub, job, header, whole = (real_estimate["views"][name] for name in RAW_VIEWS)
    assert loghub["n"] == job["n"] == header["n"] == whole["n"] > 500
    for cut in (job, header):
        assert cut["macro_f1"] >= loghub["macro_f1"] - MAX_RAW_GAP, (loghub["per_class"], cut["per_class"])
    assert whole["macro_f1"] >= loghub["macro_f1"] - MAX_HEADER_LEFT_IN_GAP, (loghub["per_class"], whole["per_class"])
    assert [line.split("  ")[0].strip() for line in format_views(real_estimate).splitlines()] == [*RAW_VIEWS, PER_LINE]


# Weighted by how often each template occurs, Loghub's held-out figure is a real stream's: 0.662 (nlp/MODEL.md),
# well under the 0.735 of one or two examples per template.
MIN_PER_LINE_MACRO_F1 = 0.60


def test_the_per_line_figure_weighs_each_template_by_its_lines(real_estimate: dict[str, Any]) -> None:
    per_line, per_example = real_estimate["views"][PER_LINE], real_estimate["views"][RAW_VIEWS[0]]
    assert per_line["n"] == per_example["n"]
    supports = sum(row["support"] for row in per_line["per_class"].values())
    assert supports == 16_000  # 8 systems of 2,000 lines
    assert per_line["macro_f1"] >= MIN_PER_LINE_MACRO_F1, per_line["per_class"]


def test_confidence_on_real_systems_means_what_it_says(real_estimate: dict[str, Any]) -> None:
    pooled = _pooled(real_estimate, logcalls=False)
    assert pooled["ece"] <= MAX_REAL_ECE, (pooled["ece"], pooled["mean_confidence"], pooled["accuracy"])


def test_every_real_system_is_reported(real_estimate: dict[str, Any]) -> None:
    systems = real_estimate["systems"]
    assert {"loghub:HDFS", "loghub:Android", "demo:recommender"} <= set(systems)
    assert any(name.startswith("fail2ban (") for name in systems)
    table = format_systems(real_estimate)
    assert all(name in table for name in systems)


def test_every_held_out_error_is_listed_by_system(real_estimate: dict[str, Any]) -> None:
    pooled = real_estimate["pooled"]
    misses = [p for p in real_estimate["predictions"] if p["predicted"] != p["label"]]
    confusion = pooled["confusion"]
    assert len(misses) == pooled["n"] - sum(confusion[i][i] for i in range(len(confusion))) > 0
    assert all(m["label"] != m["predicted"] and m["template"] for m in misses)
    listing = format_misses(real_estimate)
    assert listing.startswith(f"{len(misses)} held-out messages wrong")
    assert all(f"\n{system} (" in listing for system in {m["system"] for m in misses})


def _demo_lines(per_kind: int) -> list[tuple[str, str, str]]:
    """Fresh lines of every event kind the demo services write: (service, declared category, message)."""
    lines = []
    for name, service in SERVICES.items():
        kinds = list(service.templates) + [t for group in service.incident_templates.values() for t in group]
        for _, make in kinds:
            for seed in range(1000, 1000 + per_kind):  # other values than the committed examples
                line = make(Ctx(random.Random(seed), frozenset({"latency_storm"})))
                lines.append((name, line.category, line.message.splitlines()[0]))
    return lines


MIN_DEMO_AGREEMENT = 0.95


def test_the_demo_event_kinds_get_their_rubric_category(classifier: Classifier) -> None:
    lines = _demo_lines(per_kind=4)
    predicted, _ = classifier.classify_batch([message for _, _, message in lines])
    wrong = [(s, want, got, m) for (s, want, m), got in zip(lines, predicted, strict=True) if want != got]
    assert len(lines) > 250
    assert 1 - len(wrong) / len(lines) >= MIN_DEMO_AGREEMENT, wrong
