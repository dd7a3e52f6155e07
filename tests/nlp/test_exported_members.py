from __future__ import annotations

import nlp

EXPECTED = {
    "Classifier",
    "IncompatibleModelError",
    "ModelCache",
    "NlpError",
    "classify",
    "classify_batch",
    "default_model",
    "default_model_path",
    "explain",
    "load_classifier",
}


def test_public_names_have_not_drifted() -> None:
    assert set(nlp.__all__) == EXPECTED
    for name in EXPECTED:
        assert hasattr(nlp, name), name


def test_errors_share_one_base() -> None:
    assert issubclass(nlp.IncompatibleModelError, nlp.NlpError)


def test_errors_derive_from_the_project_root_error() -> None:
    from core.errors import LogwatchError

    assert issubclass(nlp.NlpError, LogwatchError)
