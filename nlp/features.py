"""TF-IDF features over masked log text, with a vectorised transform for the streaming hot path.

``LogVectorizer`` *is* scikit-learn's ``TfidfVectorizer`` (word n-grams over
:func:`nlp.preprocess.tokenize`) for fitting, so vocabulary, idf and parameters are the standard ones.
Only ``transform`` is replaced: scikit-learn builds n-grams in a Python loop per document (about
30 µs per log line), which alone would cap the classifier near 30,000 lines/s. Here the batch is
split, looked up and counted with Arrow and NumPy, and the distinct raw tokens (a few hundred per
batch once values are masked) are the only thing touched in Python. ``transform_reference`` keeps
the original path; a test checks that both give the same matrix.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from nlp.preprocess import split_token, tokenize

__all__ = ["LogVectorizer", "make_vectorizer"]

logger = logging.getLogger(__name__)

# Raw tokens remembered between batches; bounded so unmasked values cannot grow it forever.
_CACHE_LIMIT = 200_000


@dataclass
class _FastState:
    """Lookup tables derived from ``vocabulary_``; rebuilt after unpickling, never saved."""

    word_ids: dict[str, int]
    unigram_col: NDArray[np.int64]
    bigram_keys: NDArray[np.int64]
    bigram_col: NDArray[np.int64]
    n_words: int
    cache: dict[str, tuple[int, ...]] = field(default_factory=dict)


class LogVectorizer(TfidfVectorizer):  # type: ignore[misc]
    """TfidfVectorizer over masked log text whose ``transform`` is vectorised per batch."""

    def fit(self, raw_documents: Iterable[str], y: Any = None) -> LogVectorizer:
        """Learn vocabulary and idf from masked texts.

        :param raw_documents: masked texts (see :func:`nlp.preprocess.mask_texts`).
        :param y: ignored.
        """
        self._check_supported()
        super().fit(_as_list(raw_documents), y)
        self._drop_fit_leftovers()
        return self

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> sp.csr_matrix:
        """Fit, then return the tf-idf matrix of the training texts.

        :param raw_documents: masked texts.
        :param y: ignored.
        """
        self._check_supported()
        out = super().fit_transform(_as_list(raw_documents), y)
        self._drop_fit_leftovers()
        return out

    def _drop_fit_leftovers(self) -> None:
        # stop_words_ (terms pruned by min_df) is only kept for introspection and pickles in hash-seed
        # order; _stop_words_id is an id(): dropping both makes the artifact byte-identical run to run.
        self.__dict__.pop("stop_words_", None)
        self.__dict__.pop("_stop_words_id", None)
        self.__dict__.pop("_fast", None)

    def transform_reference(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        """scikit-learn's own per-document transform, kept to check the fast one against.

        :param raw_documents: masked texts.
        """
        return super().transform(_as_list(raw_documents))

    def transform(self, raw_documents: Iterable[str] | pa.Array) -> sp.csr_matrix:
        """Return the tf-idf matrix of masked texts, computed for the whole batch at once.

        :param raw_documents: masked texts, as a list or an Arrow string array.
        """
        fast = self._fast_state()
        arr = _as_arrow(raw_documents)
        n_docs = len(arr)
        lists = pc.ascii_split_whitespace(arr)
        flat = pc.list_flatten(lists)
        parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
        encoded = pc.dictionary_encode(flat)
        # to_numpy gives Python str objects ~15x faster than to_pylist for a string array.
        uniques = encoded.dictionary.to_numpy(zero_copy_only=False)
        per_unique = [_word_ids(fast, raw) for raw in uniques]
        lengths = np.fromiter(map(len, per_unique), dtype=np.int64, count=len(per_unique))
        concat = np.fromiter(itertools.chain.from_iterable(per_unique), dtype=np.int64, count=int(lengths.sum()))
        starts = np.cumsum(lengths) - lengths
        which = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        # Ragged gather: expand every raw token occurrence into its word ids, in document order.
        occ_len = lengths[which]
        total = int(occ_len.sum())
        occ_start = np.cumsum(occ_len) - occ_len
        within = np.arange(total, dtype=np.int64) - np.repeat(occ_start, occ_len)
        seq = concat[np.repeat(starts[which], occ_len) + within]
        docs = np.repeat(parents, occ_len)

        rows: list[NDArray[np.int64]] = []
        cols: list[NDArray[np.int64]] = []
        if self.ngram_range[0] <= 1:
            known = seq >= 0
            uni = fast.unigram_col[seq[known]]
            hit = uni >= 0
            rows.append(docs[known][hit])
            cols.append(uni[hit])
        if self.ngram_range[1] >= 2 and total > 1 and len(fast.bigram_keys):
            left, right = seq[:-1], seq[1:]
            ok = (docs[:-1] == docs[1:]) & (left >= 0) & (right >= 0)
            keys = left[ok] * fast.n_words + right[ok]
            pos = np.searchsorted(fast.bigram_keys, keys)
            pos[pos >= len(fast.bigram_keys)] = 0
            hit = fast.bigram_keys[pos] == keys
            rows.append(docs[:-1][ok][hit])
            cols.append(fast.bigram_col[pos[hit]])
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        counts = sp.csr_matrix((np.ones(len(row), dtype=np.float64), (row, col)), shape=(n_docs, len(self.vocabulary_)))
        counts.sum_duplicates()
        if self.binary:
            counts.data[:] = 1.0
        if self.sublinear_tf:
            np.log(counts.data, out=counts.data)
            counts.data += 1.0
        if self.use_idf:
            counts.data *= self.idf_[counts.indices]
        if self.norm is not None:
            counts = l2_normalize(counts, norm=self.norm, copy=False)
        return counts

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("_fast", None)
        return state

    def _check_supported(self) -> None:
        if self.analyzer != "word" or self.ngram_range[1] > 2 or self.stop_words is not None:
            raise ValueError("LogVectorizer supports word unigrams and bigrams without stop words only")

    def _fast_state(self) -> _FastState:
        fast: _FastState | None = self.__dict__.get("_fast")
        if fast is not None:
            return fast
        vocabulary: dict[str, int] = self.vocabulary_
        word_ids: dict[str, int] = {}
        for feature in vocabulary:
            for word in feature.split(" "):
                word_ids.setdefault(word, len(word_ids))
        n_words = max(len(word_ids), 1)
        unigram_col = np.full(n_words, -1, dtype=np.int64)
        bigram_pairs: list[tuple[int, int]] = []
        for feature, column in vocabulary.items():
            parts = feature.split(" ")
            if len(parts) == 1:
                unigram_col[word_ids[parts[0]]] = column
            else:
                bigram_pairs.append((word_ids[parts[0]] * n_words + word_ids[parts[1]], column))
        bigram_pairs.sort()
        fast = _FastState(
            word_ids=word_ids,
            unigram_col=unigram_col,
            bigram_keys=np.array([k for k, _ in bigram_pairs], dtype=np.int64),
            bigram_col=np.array([c for _, c in bigram_pairs], dtype=np.int64),
            n_words=n_words,
        )
        self.__dict__["_fast"] = fast
        return fast


def _word_ids(fast: _FastState, raw: str) -> tuple[int, ...]:
    ids = fast.cache.get(raw)
    if ids is None:
        if len(fast.cache) >= _CACHE_LIMIT:
            fast.cache.clear()
        ids = tuple(fast.word_ids.get(word, -1) for word in split_token(raw))
        fast.cache[raw] = ids
    return ids


def _as_arrow(documents: Iterable[str] | pa.Array) -> pa.Array:
    if isinstance(documents, pa.ChunkedArray):
        documents = documents.combine_chunks()
    if isinstance(documents, pa.Array):
        return documents
    items = documents if isinstance(documents, list) else list(documents)
    return pa.array(items, type=pa.large_string())


def _as_list(documents: Iterable[str] | pa.Array) -> list[str]:
    if isinstance(documents, pa.Array | pa.ChunkedArray):
        return [str(d) for d in documents.to_pylist()]
    return documents if isinstance(documents, list) else list(documents)


def make_vectorizer(ngram_max: int = 2, min_df: int = 2, sublinear_tf: bool = True) -> LogVectorizer:
    """Build the vectorizer the model uses.

    :param ngram_max: 1 for words, 2 for words and word pairs.
    :param min_df: drop words seen in fewer training messages than this (typos, leftover values).
    :param sublinear_tf: use 1 + log(tf), so a repeated word does not dominate a line.
    """
    return LogVectorizer(
        tokenizer=tokenize,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, ngram_max),
        min_df=min_df,
        sublinear_tf=sublinear_tf,
        dtype=np.float64,
    )
