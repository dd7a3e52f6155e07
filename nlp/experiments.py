"""Feature and model comparison behind the choices in ``nlp/MODEL.md``: ``python -m nlp.experiments``.

Every candidate is scored two ways, both on data the candidate was not fitted on:
template-grouped 5-fold cross-validation on the train split (no template in both folds), and the
fixed held-out test split. Candidates use uncalibrated Naive Bayes (calibration barely moves the
argmax; it is evaluated separately by ``python -m nlp evaluate``). Takes a few minutes on 2 cores.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold
from sklearn.naive_bayes import ComplementNB, MultinomialNB
from sklearn.pipeline import FeatureUnion

from nlp.corpus import DEFAULT_CORPUS, load_labelled
from nlp.preprocess import mask_texts, tokenize

__all__ = ["Candidate", "main", "run"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Candidate:
    """One feature set and classifier to compare."""

    name: str
    features: str  # word1 | word12 | char35 | word12+char35
    nb: str  # complement | multinomial
    alpha: float


CANDIDATES = [
    Candidate("words, CNB a=1", "word1", "complement", 1.0),
    Candidate("words+bigrams, CNB a=0.3", "word12", "complement", 0.3),
    Candidate("words+bigrams, CNB a=1 (chosen)", "word12", "complement", 1.0),
    Candidate("words+bigrams, CNB a=3", "word12", "complement", 3.0),
    Candidate("words+bigrams, MNB a=1", "word12", "multinomial", 1.0),
    Candidate("char 3-5 (in words), CNB a=1", "char35", "complement", 1.0),
    Candidate("words+bigrams+char 3-5, CNB a=1", "word12+char35", "complement", 1.0),
]


def _vectorizer(kind: str) -> Any:
    word = TfidfVectorizer(
        ngram_range=(1, 2 if kind != "word1" else 1), min_df=2, sublinear_tf=True, token_pattern=r"\S+"
    )
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True)
    return {"word1": word, "word12": word, "char35": char, "word12+char35": FeatureUnion([("w", word), ("c", char)])}[
        kind
    ]


def _score(candidate: Candidate, x_fit: NDArray[Any], y_fit: NDArray[Any], x_eval: NDArray[Any]) -> NDArray[Any]:
    vectorizer = _vectorizer(candidate.features)
    nb = (
        ComplementNB(alpha=candidate.alpha)
        if candidate.nb == "complement"
        else MultinomialNB(alpha=candidate.alpha, fit_prior=False)
    )
    nb.fit(vectorizer.fit_transform(x_fit), y_fit)
    predicted: NDArray[Any] = nb.predict(vectorizer.transform(x_eval))
    return predicted


def run() -> list[dict[str, Any]]:
    """Score every candidate; return one row per candidate."""
    data = load_labelled([DEFAULT_CORPUS])
    train, test = data.subset("train"), data.subset("test")
    x_train = np.array([" ".join(tokenize(t)) for t in mask_texts(train.messages)], dtype=object)
    x_test = np.array([" ".join(tokenize(t)) for t in mask_texts(test.messages)], dtype=object)
    y_train, y_test = np.array(train.labels), np.array(test.labels)
    groups = np.array(train.templates)
    rows: list[dict[str, Any]] = []
    for candidate in CANDIDATES:
        started = time.perf_counter()
        folds = [
            f1_score(y_train[va], _score(candidate, x_train[tr], y_train[tr], x_train[va]), average="macro")
            for tr, va in GroupKFold(5).split(x_train, y_train, groups)
        ]
        held_out = f1_score(y_test, _score(candidate, x_train, y_train, x_test), average="macro")
        rows.append(
            {
                "candidate": candidate.name,
                "cv_macro_f1": round(float(np.mean(folds)), 4),
                "held_out_macro_f1": round(float(held_out), 4),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        print(f"{candidate.name:40} cv {rows[-1]['cv_macro_f1']:.4f}  held-out {rows[-1]['held_out_macro_f1']:.4f}")
    return rows


def main() -> int:
    """Print the comparison table."""
    run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
