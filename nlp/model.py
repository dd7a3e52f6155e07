"""The classifier: mask -> TF-IDF (word uni+bigrams) -> Complement Naive Bayes, sigmoid-calibrated, prior-shifted.

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
import pyarrow.compute as pc
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import GroupKFold
from sklearn.naive_bayes import ComplementNB, MultinomialNB
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from nlp.features import LogVectorizer, make_vectorizer
from nlp.preprocess import display_token, mask_array, mask_texts, to_arrow

__all__ = ["Classifier", "PriorShift", "TrainConfig", "build_pipeline", "naive_bayes_of"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """Model hyper-parameters; the defaults are the measured choice (see MODEL.md).

    :param ngram_max: 1 = words, 2 = words and adjacent word pairs.
    :param min_df: minimum number of training messages a feature must occur in. 1: a real template is one row,
        so at 2 every word found in a single real template was dropped (451 of the 1,847 words of real templates).
    :param nb: ``complement`` (ComplementNB) or ``multinomial`` (MultinomialNB).
    :param alpha: Naive Bayes smoothing.
    :param calibration: ``sigmoid``, ``isotonic`` or ``none``.
    :param calibration_folds: cross-validation folds used to fit the calibrator (grouped by template).
    :param background_label: the label of routine lines; ``background_share`` of a real stream carries it.
    :param background_share: the prior the probabilities are shifted to (the other labels share the rest
        equally); 0 keeps the training data's own class balance. Ignored when the label set lacks
        ``background_label``.
    """

    ngram_max: int = 2
    min_df: int = 1
    nb: str = "complement"
    alpha: float = 1.0
    calibration: str = "sigmoid"
    calibration_folds: int = 5
    background_label: str = "general"
    background_share: float = 0.85

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
            ("clf", PriorShift(classifier, config.background_label, config.background_share)),
        ]
    )


class PriorShift(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A probabilistic classifier whose probabilities are moved from the training prior to a stream's prior.

    Training data is near-balanced; real streams are mostly routine lines. Bayes' rule with the prior
    changed, ``p'(c|x) ∝ p(c|x) · target(c) / train(c)``, makes the model say the background label when
    the evidence for a minority label is weak, and keeps the confidences calibrated for that stream.

    :param estimator: the wrapped classifier (a calibrated Naive Bayes).
    :param background_label: the routine label.
    :param background_share: its share in the target prior; 0 leaves the probabilities unchanged.
    """

    def __init__(self, estimator: Any, background_label: str = "general", background_share: float = 0.0) -> None:
        self.estimator = estimator
        self.background_label = background_label
        self.background_share = background_share

    def fit(
        self, X: Any, y: Sequence[str], sample_weight: Any = None, groups: Sequence[str] | None = None
    ) -> PriorShift:
        """Fit the wrapped classifier and measure the training prior.

        :param X: features.
        :param y: labels.
        :param sample_weight: optional weight per row.
        :param groups: template of each row: the calibrator's folds keep a template's rows together, so
            it learns how sure the model is on wordings it has not seen.
        """
        folds = getattr(self.estimator, "cv", None)
        if groups is not None and isinstance(folds, int):
            self.estimator.cv = list(GroupKFold(n_splits=folds).split(X, y, groups))
        try:
            self.estimator.fit(X, y, sample_weight=sample_weight)
        finally:
            if folds is not None:
                self.estimator.cv = folds  # the fold indices are not worth pickling
        self.classes_ = self.estimator.classes_
        weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        labels = np.asarray(y, dtype=object)
        train = np.array([weights[labels == c].sum() for c in self.classes_]) / weights.sum()
        self.ratio_ = np.ones(len(self.classes_))
        if self.background_share > 0 and self.background_label in set(self.classes_) and len(self.classes_) > 1:
            others = (1.0 - self.background_share) / (len(self.classes_) - 1)
            target = np.array([self.background_share if c == self.background_label else others for c in self.classes_])
            self.ratio_ = target / train
        return self

    def predict_proba(self, X: Any) -> NDArray[np.float64]:
        """Return probabilities under the target prior, columns in ``classes_`` order.

        :param X: features.
        """
        proba = np.asarray(self.estimator.predict_proba(X), dtype=np.float64) * self.ratio_
        shifted: NDArray[np.float64] = proba / proba.sum(axis=1, keepdims=True)
        return shifted

    def predict(self, X: Any) -> NDArray[np.object_]:
        """Return the most probable label per row.

        :param X: features.
        """
        labels: NDArray[np.object_] = np.asarray(self.classes_)[self.predict_proba(X).argmax(axis=1)]
        return labels


def naive_bayes_of(pipeline: Pipeline) -> ComplementNB | MultinomialNB:
    """Return the fitted Naive Bayes inside a pipeline (unwrapping the calibrator).

    :param pipeline: a fitted pipeline from :func:`build_pipeline`.
    """
    clf = pipeline.named_steps["clf"]
    if isinstance(clf, PriorShift):
        clf = clf.estimator
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
        # Lines of one template often mask to the same text: each distinct text is scored once.
        masked = pc.dictionary_encode(mask_array(to_arrow(messages)))
        features = self._vectorizer.transform(masked.dictionary)
        distinct = np.asarray(self._clf.predict_proba(features), dtype=np.float64)
        proba: NDArray[np.float64] = distinct[masked.indices.to_numpy(zero_copy_only=False)]
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

    def explain(
        self, message: object, top: int = 5, *, label: str | None = None, against: str | None = None
    ) -> list[tuple[str, float]]:
        """Return the words and word pairs that pushed this message towards a label, strongest first.

        The score of a feature is its tf-idf weight times how much more the Naive Bayes weight favours
        ``label`` than ``against`` (or the average of the other labels). Placeholders are shown as ``<ip>``.

        :param message: one raw message.
        :param top: how many features to return at most.
        :param label: the label to explain; the model's choice when None.
        :param against: the one label to compare with (the runner-up, say); all the others when None.
        """
        features = self._vectorizer.transform(mask_array(to_arrow([message])))
        label = label if label is not None else self.classify(message)[0]
        nb = naive_bayes_of(self.pipeline)
        weights = np.asarray(nb.feature_log_prob_, dtype=np.float64)
        chosen = self.labels.index(label)
        if against is None:
            others = np.delete(weights, chosen, axis=0).mean(axis=0)
        else:
            others = weights[self.labels.index(against)]
        row = features.getrow(0)
        margin = row.data * (weights[chosen, row.indices] - others[row.indices])
        order = np.argsort(-margin)[: max(top, 0)]
        return [(str(self._vocabulary[row.indices[i]]), round(float(margin[i]), 4)) for i in order if margin[i] > 0]
