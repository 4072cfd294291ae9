"""The same seed and steps give the same parameters whichever back end computed them."""

from __future__ import annotations

import numpy as np
import pytest

from models.backend import available_backends, resolve_backend
from models.classifiers import Classifier, ModelSpec
from models.datasets import make_preset
from models.training import Trainer, TrainingConfig

OTHERS = [name for name in ("numba", "c") if name in available_backends()]
SPECS = [ModelSpec("logistic"), ModelSpec("mlp", hidden=(8,), activation="tanh")]


def train(backend_name: str, spec: ModelSpec) -> Trainer:
    xy, labels = make_preset("moons")
    trainer = Trainer(Classifier(spec, resolve_backend(backend_name)), spec, TrainingConfig(lr=0.3, seed=1, l2=0.01))
    trainer.set_points(xy, labels)
    trainer.reset()
    trainer.step(25)
    return trainer


@pytest.fixture(scope="module")
def reference():
    return {spec: train("jax", spec) for spec in SPECS}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.label())
@pytest.mark.parametrize("name", OTHERS)
def test_every_backend_computes_the_same_descent(name, spec, reference):
    got, want = train(name, spec), reference[spec]
    np.testing.assert_allclose(got.flat_params(), want.flat_params(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got.loss_history, want.loss_history, rtol=1e-10)
