from __future__ import annotations

import csv

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.corpus import DEFAULT_CORPUS
from nlp.features import LogVectorizer, make_vectorizer
from nlp.preprocess import mask_texts


def _corpus_sample(n: int = 1500) -> list[str]:
    with DEFAULT_CORPUS.open(newline="", encoding="utf-8") as handle:
        rows = [r["message"] for r in csv.DictReader(handle)]
    return mask_texts(rows[::5][:n])


def _fitted() -> tuple[LogVectorizer, list[str]]:
    texts = _corpus_sample()
    return make_vectorizer(ngram_max=2, min_df=2).fit(texts), texts


def test_fast_transform_equals_scikit_learn_transform_on_corpus() -> None:
    vectorizer, texts = _fitted()
    fast = vectorizer.transform(texts)
    reference = vectorizer.transform_reference(texts)
    assert fast.shape == reference.shape
    assert abs(fast - reference).max() < 1e-12


def test_fast_transform_survives_pickling_and_unigram_config() -> None:
    import pickle

    texts = _corpus_sample(400)
    vectorizer = make_vectorizer(ngram_max=1, min_df=1).fit(texts)
    clone = pickle.loads(pickle.dumps(vectorizer))
    assert abs(clone.transform(texts) - vectorizer.transform_reference(texts)).max() < 1e-12


_VECTORIZER, _ = _fitted()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=200), min_size=1, max_size=10))
def test_fast_transform_equals_reference_on_arbitrary_text(messages: list[str]) -> None:
    texts = mask_texts(messages)
    fast = _VECTORIZER.transform(texts)
    reference = _VECTORIZER.transform_reference(texts)
    assert np.allclose(fast.toarray(), reference.toarray())
