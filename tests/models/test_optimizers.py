"""Every optimizer's first updates against a NumPy transcription of its published rule."""

from __future__ import annotations

import numpy as np
import pytest

from models.classifiers import ModelSpec, init_values
from models.optimizers import OPTIMIZERS, check_hyperparameters
from tests import reference as ref

RNG = np.random.default_rng(11)
X = RNG.normal(size=(41, 2))
Y = (X[:, 0] + 0.5 * RNG.normal(size=41) > 0).astype(float)
M = np.ones(41)
M[::4] = 0.0
#: Non-default hyperparameters, so that a builder reading the wrong input would fail.
HYPER = {"momentum": {"momentum": 0.7}, "nesterov": {"momentum": 0.6}, "adagrad": {"eps": 1e-3},
         "rmsprop": {"rho": 0.8, "eps": 1e-4}, "adam": {"beta1": 0.85, "beta2": 0.99, "eps": 1e-6}, "sgd": {}}


def grad_fn(spec, l2):
    if spec.kind == "logistic":
        return lambda w: ref.logistic_loss_grad(w[0], w[1], X, Y, l2, M)[1]
    return lambda w: ref.mlp_loss_grad(w, X, Y, spec.activation, l2, M)[1]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("spec", [ModelSpec("logistic"), ModelSpec("mlp", hidden=(5,), activation="tanh")],
                         ids=["logistic", "mlp"])
def test_first_three_updates_match_the_published_rule(name, spec, classifier_cache, backend):
    model = classifier_cache.get(spec, backend)
    values = [v + 0.2 for v in init_values(spec, seed=5)]
    model.set_values(values)
    model.reset_optimizer_state()
    hp = check_hyperparameters(name, HYPER[name])
    expected = ref.optimizer_updates(name, values, grad_fn(spec, 0.01), lr=0.3, hp=hp, steps=3)
    for t in range(3):
        model.step(X, Y, M, lr=0.3, l2=0.01, optimizer=name, hyperparameters=HYPER[name])
        for got, want in zip(model.get_values(), expected[t]):
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=f"{name}, update {t + 1}")


def test_momentum_with_beta_zero_is_sgd(classifier_cache, backend):
    spec = ModelSpec("logistic")
    model = classifier_cache.get(spec, backend)
    start = init_values(spec, seed=2)
    paths = {}
    for name, hp in (("sgd", {}), ("momentum", {"momentum": 0.0}), ("nesterov", {"momentum": 0.0})):
        model.set_values(start)
        model.reset_optimizer_state()
        paths[name] = []
        for _ in range(5):
            model.step(X, Y, M, lr=0.5, optimizer=name, hyperparameters=hp)
            paths[name].append(np.concatenate([np.ravel(v) for v in model.get_values()]))
    np.testing.assert_allclose(paths["momentum"], paths["sgd"], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(paths["nesterov"], paths["sgd"], rtol=1e-13, atol=1e-15)


def test_state_is_saved_restored_and_reset(classifier_cache, backend):
    spec = ModelSpec("logistic")
    model = classifier_cache.get(spec, backend)
    model.set_values(init_values(spec, seed=4))
    model.reset_optimizer_state()
    model.step(X, Y, M, lr=0.1, optimizer="adam")
    state = model.optimizer_state("adam")
    assert float(state[0]) == 1.0 and np.any(state[1] != 0)  # t, then m of w
    model.step(X, Y, M, lr=0.1, optimizer="adam")
    assert float(model.optimizer_state("adam")[0]) == 2.0
    model.set_optimizer_state("adam", state)
    assert float(model.optimizer_state("adam")[0]) == 1.0
    model.set_optimizer_state("adam", None)
    assert all(np.all(s == 0) for s in model.optimizer_state("adam"))


def test_warming_an_optimizer_leaves_its_state_at_zero(backend):
    from models.classifiers import Classifier

    model = Classifier(ModelSpec("logistic"), backend)
    model.warm(64, None, "adam")
    assert all(np.all(s == 0) for s in model.optimizer_state("adam"))


@pytest.mark.parametrize("name, values, message", [
    ("adam", {"beta1": 1.0}, "β1"), ("momentum", {"beta1": 0.5}, "no hyperparameter"),
    ("rmsprop", {"eps": 0.0}, "ε"), ("lbfgs", {}, "unknown optimizer"),
])
def test_bad_hyperparameters_are_refused_with_a_message(name, values, message):
    with pytest.raises(ValueError, match=message):
        check_hyperparameters(name, values)


def test_every_optimizer_documents_its_rule():
    for info in OPTIMIZERS.values():
        assert "w ←" in info.rule and info.title
