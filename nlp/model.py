"""The classifier: mask -> TF-IDF (word uni+bigrams) -> Complement Naive Bayes, sigmoid-calibrated.

``build_pipeline`` returns a plain scikit-learn ``Pipeline``; ``Classifier`` wraps a fitted one with
the artifact's identity and the batch-oriented calls the streaming job and the API use.
Why these choices is measured and written down in ``nlp/MODEL.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.calibration import CalibratedClassifierCV
from sklearn.naive_bayes import ComplementNB, MultinomialNB
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from nlp.features import LogVectorizer, make_vectorizer
from nlp.preprocess import display_token, mask_array, mask_texts, to_arrow

__all__ = ["Classifier", "TrainConfig", "build_pipeline", "naive_bayes_of"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """Model hyper-parameters; the defaults are the measured choice (see MODEL.md).

    :param ngram_max: 1 = words, 2 = words and adjacent word pairs.
    :param min_df: minimum number of training messages a feature must occur in.
    :param nb: ``complement`` (ComplementNB) or ``multinomial`` (MultinomialNB).
    :param alpha: Naive Bayes smoothing.
    :param calibration: ``sigmoid``, ``isotonic`` or ``none``.
    :param calibration_folds: cross-validation folds used to fit the calibrator.
    """

    ngram_max: int = 2
    min_df: int = 2
    nb: str = "complement"
    alpha: float = 1.0
    calibration: str = "sigmoid"
    calibration_folds: int = 5

    def as_dict(self) -> dict[str, Any]:
        """Return the config as plain JSON-able values."""
        return asdict(self)


def build_pipeline(config: TrainConfig) -> Pipeline:
    """Build an unfitted pipeline: raw messages in, probabilities out.

    :param config: hyper-parameters.
    """
    if config.nb == "complement":
        nb: ComplementNB | MultinomialNB = ComplementNB(alpha=config.alpha)
    elif config.nb == "multinomial":
        nb = MultinomialNB(alpha=config.alpha, fit_prior=False)
    else:
        raise ValueError(f"unknown naive bayes variant {config.nb!r}: use 'complement' or 'multinomial'")
    classifier: Any = nb
    if config.calibration != "none":
        # ensemble=False: one NB fitted on all training data (explain() reads its weights) plus a
        # calibrator fitted on cross-validated predictions, so confidences are not NB's near-0/1 values.
        classifier = CalibratedClassifierCV(nb, method=config.calibration, cv=config.calibration_folds, ensemble=False)
    return Pipeline(
        [
            ("mask", FunctionTransformer(mask_texts)),
            ("tfidf", make_vectorizer(ngram_max=config.ngram_max, min_df=config.min_df)),
            ("clf", classifier),
        ]
    )


def naive_bayes_of(pipeline: Pipeline) -> ComplementNB | MultinomialNB:
    """Return the fitted Naive Bayes inside a pipeline (unwrapping the calibrator).

    :param pipeline: a fitted pipeline from :func:`build_pipeline`.
    """
    clf = pipeline.named_steps["clf"]
    if isinstance(clf, CalibratedClassifierCV):
        estimator: ComplementNB | MultinomialNB = clf.calibrated_classifiers_[0].estimator
        return estimator
    nb: ComplementNB | MultinomialNB = clf
    return nb


class Classifier:
    """A fitted model and its identity; thread-safe for concurrent reads.

    :param pipeline: fitted pipeline from :func:`build_pipeline`.
    :param version: content hash of the artifact this model was loaded from.
    :param metadata: the artifact's metadata (metrics, data hash, versions).
    """

    def __init__(self, pipeline: Pipeline, version: str, metadata: dict[str, Any] | None = None) -> None:
        self.pipeline = pipeline
        self.version = version
        self.metadata: dict[str, Any] = dict(metadata or {})
        self._vectorizer: LogVectorizer = pipeline.named_steps["tfidf"]
        self._clf: Any = pipeline.named_steps["clf"]
        self.labels: tuple[str, ...] = tuple(str(c) for c in self._clf.classes_)
        self._labels_array: NDArray[np.object_] = np.array(self.labels, dtype=object)
        self._vocabulary: NDArray[np.object_] = np.array(
            [display_token(t) for t in self._vectorizer.get_feature_names_out()], dtype=object
        )

    def __repr__(self) -> str:
        return f"Classifier(version={self.version!r}, labels={list(self.labels)!r})"

    def predict_proba(self, messages: Sequence[object]) -> NDArray[np.float64]:
        """Return class probabilities, one row per message, columns in ``labels`` order.

        :param messages: raw messages; None, bytes and non-strings are coerced, never rejected.
        """
        if len(messages) == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float64)
        features = self._vectorizer.transform(mask_array(to_arrow(messages)))
        proba: NDArray[np.float64] = np.asarray(self._clf.predict_proba(features), dtype=np.float64)
        return proba

    def classify_batch(self, messages: Sequence[object]) -> tuple[list[str], list[float]]:
        """Label a batch: the call the streaming job makes from its pandas UDF.

        :param messages: raw messages (a list, tuple, pandas Series or Arrow array of strings).
        :returns: labels and confidences (probability of the chosen label), in input order.
        """
        proba = self.predict_proba(messages)
        if len(proba) == 0:
            return [], []
        best = proba.argmax(axis=1)
        labels: list[str] = self._labels_array[best].tolist()
        confidences: list[float] = proba[np.arange(len(best)), best].round(4).tolist()
        return labels, confidences

    def classify(self, message: object) -> tuple[str, float]:
        """Label one message.

        :param message: one raw message.
        """
        labels, confidences = self.classify_batch([message])
        return labels[0], confidences[0]

    def explain(self, message: object, top: int = 5) -> list[tuple[str, float]]:
        """Return the words and word pairs that pushed this message towards its label, strongest first.

        The score of a feature is its tf-idf weight times how much more the Naive Bayes weight favours
        the chosen label than the average of the other labels. Placeholders are shown as ``<ip>``.

        :param message: one raw message.
        :param top: how many features to return at most.
        """
        features = self._vectorizer.transform(mask_array(to_arrow([message])))
        label, _ = self.classify(message)
        nb = naive_bayes_of(self.pipeline)
        weights = np.asarray(nb.feature_log_prob_, dtype=np.float64)
        chosen = self.labels.index(label)
        others = np.delete(weights, chosen, axis=0).mean(axis=0)
        row = features.getrow(0)
        margin = row.data * (weights[chosen, row.indices] - others[row.indices])
        order = np.argsort(-margin)[: max(top, 0)]
        return [(str(self._vocabulary[row.indices[i]]), round(float(margin[i]), 4)) for i in order if margin[i] > 0]
