"""The extractor's learned model: the shipped weights are what one command makes from the
corpus, and the plain-Python inference agrees with the library that trained it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eventstore.extract.model import WEIGHTS_FILE, Linear, dumps, shipped

CORPUS_REQUIRED = "MILESTONES_TEST_CORPUS_REQUIRED"  # CI sets it: a missing corpus must not pass unnoticed


def corpus_or_skip() -> Path:
    from eventstore.extract.train import DEFAULT_CORPUS

    if not DEFAULT_CORPUS.is_dir():
        message = f"no labelled corpus at {DEFAULT_CORPUS}"
        if os.environ.get(CORPUS_REQUIRED) == "1":
            pytest.fail(message)
        pytest.skip(message)
    return DEFAULT_CORPUS


def test_the_shipped_weights_are_a_retraining_on_the_corpus():
    pytest.importorskip("sklearn", reason="retraining needs scikit-learn: pip install -e '.[train]'")
    from eventstore.extract.train import train

    model, _ = train(corpus_or_skip())
    shipped_text = (Path(__file__).parent.parent / "eventstore" / "extract" / WEIGHTS_FILE).read_text(encoding="utf-8")
    assert dumps(model) == shipped_text, "retrain: python -m eventstore.extract.train"


def test_the_confidence_is_the_logistic_of_the_summed_weights():
    model = Linear(-1.0, {"a": 2.0, "b": 0.5})
    assert model.probability([]) == pytest.approx(1 / (1 + 2.718281828459045))
    assert model.probability(["a", "b", "unseen"]) == pytest.approx(1 / (1 + 2.718281828459045**-1.5))
    assert 0.0 < Linear(0.0, {"x": -1e9}).probability(["x"]) < 1e-20  # no overflow


def test_the_shipped_thresholds_are_in_order():
    model = shipped()
    assert 0.0 < model.emit_threshold <= model.ingest_threshold < 1.0
    assert model.names.weights and model.events.weights
