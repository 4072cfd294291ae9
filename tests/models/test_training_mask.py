"""The trainer learns only from the rows of its mask (a training split) and still evaluates every point."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.classifiers import ModelSpec
from models.datasets import make_preset
from models.training import Trainer, TrainingConfig
from tests import reference as ref


def test_masked_rows_carry_no_weight_and_standardization_uses_the_training_rows(classifier_cache, backend):
    xy, labels = make_preset("trout_salmon")
    mask = np.arange(100) % 3 != 0
    spec = ModelSpec("logistic")
    trainer = Trainer(classifier_cache.get(spec, backend), spec, TrainingConfig(lr=0.5, init="zeros"))
    trainer.set_points(xy, labels, mask)
    trainer.reset()
    trainer.step(30)
    z = (xy[mask] - xy[mask].mean(axis=0)) / xy[mask].std(axis=0)
    w, b, losses = ref.gradient_descent_logistic(z, labels[mask].astype(float), lr=0.5, steps=30)
    np.testing.assert_allclose(trainer.params()[0], w, rtol=1e-9)
    np.testing.assert_allclose(trainer.loss_history, losses, rtol=1e-9)
    evaluation = trainer.evaluate()
    assert len(evaluation.proba) == 100  # every point is evaluated, for the other splits' metrics
    predicted = ref.sigmoid(((xy - xy[mask].mean(axis=0)) / xy[mask].std(axis=0)) @ w + b) >= 0.5
    assert evaluation.accuracy == pytest.approx(np.mean(predicted[mask] == labels[mask]))


def test_an_empty_training_mask_gives_a_message_and_a_wrong_length_is_refused(classifier_cache, backend):
    spec = ModelSpec("logistic")
    trainer = Trainer(classifier_cache.get(spec, backend), spec)
    xy, labels = make_preset("xor")
    trainer.set_points(xy, labels, np.zeros(len(labels), dtype=bool))
    report = trainer.step(3)
    assert report.steps_done == 0 and "training split" in report.message and math.isnan(trainer.evaluate().accuracy)
    with pytest.raises(ValueError, match="mask"):
        trainer.set_points(xy, labels, np.ones(3, dtype=bool))
