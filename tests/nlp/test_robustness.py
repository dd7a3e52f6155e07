"""The streaming job hands classify_batch whatever arrives on Kafka: it must never raise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from nlp import Classifier


def _check(labels: list[str], confidences: list[float], n: int, classifier: Classifier) -> None:
    assert len(labels) == len(confidences) == n
    assert set(labels) <= set(classifier.labels)
    assert all(0.0 <= c <= 1.0 for c in confidences)


def test_empty_batch_and_empty_message(classifier: Classifier) -> None:
    assert classifier.classify_batch([]) == ([], [])
    labels, confidences = classifier.classify_batch([""])
    _check(labels, confidences, 1, classifier)


def test_one_megabyte_message(classifier: Classifier) -> None:
    huge = ("GET /index.html 200 " * 60_000)[: 1 << 20]
    labels, confidences = classifier.classify_batch([huge, "ok"])
    _check(labels, confidences, 2, classifier)


def test_binary_ish_and_odd_values(classifier: Classifier) -> None:
    odd: list[object] = [
        "\x00\x01\x02\xff\xfe binary \x7f",
        bytes(range(256)),
        "\ud800\udfff lone surrogates",
        "🔥 émoji ünïcode 漢字",
        None,
        float("nan"),
        12345,
        "\n\r\t  ",
    ]
    labels, confidences = classifier.classify_batch(odd)
    _check(labels, confidences, len(odd), classifier)


def test_pandas_series_and_arrow_array_inputs(classifier: Classifier) -> None:
    messages = ["Failed password for root from 10.0.0.1 port 22 ssh2", "Order 123 placed", None]
    from_list = classifier.classify_batch(
        ["Failed password for root from 10.0.0.1 port 22 ssh2", "Order 123 placed", ""]
    )
    assert classifier.classify_batch(pd.Series(messages)) == from_list
    assert classifier.classify_batch(pa.array(messages)) == from_list


def test_batch_equals_single_calls_and_is_deterministic(classifier: Classifier) -> None:
    messages = [f"worker {i} finished job in {i * 7} ms" for i in range(50)] + ["user bob logged in"] * 3
    labels, confidences = classifier.classify_batch(messages)
    assert (labels, confidences) == classifier.classify_batch(messages)
    for message, label, confidence in zip(messages, labels, confidences, strict=True):
        assert classifier.classify(message) == (label, confidence)


def test_probabilities_sum_to_one(classifier: Classifier) -> None:
    proba = classifier.predict_proba(["a", "", "disk full", "payment captured"])
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_explain_names_the_words_behind_the_label(classifier: Classifier) -> None:
    tokens = classifier.explain("Failed password for invalid user admin from 203.0.113.9 port 22 ssh2", top=5)
    assert 0 < len(tokens) <= 5
    words = " ".join(t for t, _ in tokens)
    assert "password" in words or "failed" in words or "invalid" in words
    assert [s for _, s in tokens] == sorted((s for _, s in tokens), reverse=True)
    # An empty message has no features, so nothing pushed its label: no words, not words with no weight.
    assert classifier.explain("", top=5) == []


def test_explain_shows_placeholders_readably(classifier: Classifier) -> None:
    tokens = classifier.explain("Connection from 10.1.2.3 port 5555 blocked by firewall", top=20)
    assert all("zz" not in token for token, _ in tokens)


def test_repeated_texts_in_any_order_get_their_own_scores(classifier: Classifier) -> None:
    # Each distinct masked text is scored once and the scores are spread back (Classifier.predict_proba).
    shapes = [
        "Failed password for root from 10.0.0.{} port 22 ssh2",
        "Order {} placed by customer",
        "GC pause took {} ms",
        "connection pool exhausted after {} retries",
    ]
    messages = [shapes[(i * 7) % len(shapes)].format(i) for i in range(40)]
    proba = classifier.predict_proba(messages)
    for message, row in zip(messages, proba, strict=True):
        np.testing.assert_allclose(classifier.predict_proba([message])[0], row)
