"""The PyTensor graphs against independent NumPy computations of loss, gradient and update."""

from __future__ import annotations

import numpy as np
import pytest

from models import backend as backend_module
from models.classifiers import ModelSpec, init_values, param_labels, poly_exponents
from tests import reference as ref

RNG = np.random.default_rng(7)
X = RNG.normal(size=(37, 2))
Y = (RNG.random(37) < 0.5).astype(float)
M = np.ones(37)
M[::5] = 0.0  # rows outside the batch / padding must not count

SPECS = [
    ModelSpec("logistic"),
    ModelSpec("poly", degree=3),
    ModelSpec("poly", degree=6),
    ModelSpec("mlp", hidden=(5,), activation="tanh"),
    ModelSpec("mlp", hidden=(4, 3), activation="relu"),
    ModelSpec("mlp", hidden=(3, 4, 2), activation="sigmoid"),
]


def reference_loss_grad(spec, values, l2):
    if spec.kind == "logistic":
        return ref.logistic_loss_grad(values[0], values[1], X, Y, l2, M)
    if spec.kind == "poly":
        return ref.poly_loss_grad(values[0], values[1], X, Y, spec.degree, l2, M)
    return ref.mlp_loss_grad(values, X, Y, spec.activation, l2, M)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.label())
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_loss_and_gradient_match_numpy(spec, l2, classifier_cache, backend):
    model = classifier_cache.get(spec, backend)
    values = init_values(spec, seed=3)
    values = [v + 0.1 for v in values]  # non-zero biases too
    model.set_values(values)
    expected_loss, expected_grads = reference_loss_grad(spec, values, l2)
    assert model.loss(X, Y, M, l2) == pytest.approx(expected_loss, rel=1e-10, abs=1e-12)
    for got, want in zip(model.gradient(X, Y, M, l2), expected_grads):
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("spec", SPECS[:1] + SPECS[3:4], ids=lambda s: s.label())
def test_sgd_step_is_w_minus_lr_grad_and_returns_loss_before(spec, classifier_cache, backend):
    model = classifier_cache.get(spec, backend)
    values = init_values(spec, seed=1)
    model.set_values(values)
    loss_before, grads = reference_loss_grad(spec, values, 0.05)
    returned = model.step(X, Y, M, lr=0.7, l2=0.05)
    assert returned == pytest.approx(loss_before, rel=1e-12)
    for got, v, g in zip(model.get_values(), values, grads):
        np.testing.assert_allclose(got, v - 0.7 * g, rtol=1e-10, atol=1e-13)


def test_proba_is_sigmoid_of_logits(classifier_cache, backend):
    spec = ModelSpec("mlp", hidden=(6, 6), activation="tanh")
    model = classifier_cache.get(spec, backend)
    values = init_values(spec, seed=11)
    model.set_values(values)
    z, _ = ref.mlp_forward(values, X, "tanh")
    np.testing.assert_allclose(model.proba(X), ref.sigmoid(z), rtol=1e-12)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.label())
def test_verify_grad(spec):
    """PyTensor's own finite-difference check of the symbolic gradient of each cost."""
    import pytensor.tensor as pt
    from pytensor.gradient import verify_grad

    from models.classifiers import cost_expression

    exponents = None
    if spec.kind != "mlp":
        exponents = pt.as_tensor_variable(np.array(poly_exponents(spec.effective_degree), dtype=np.int64).T)

    def cost(*params):
        return cost_expression(spec, pt.as_tensor_variable(X), pt.as_tensor_variable(Y),
                               pt.as_tensor_variable(M), 0.1, list(params), exponents)

    values = [v + 0.05 for v in init_values(spec, seed=5)]
    verify_grad(cost, values, rng=np.random.default_rng(0), abs_tol=1e-5, rel_tol=1e-5)


def test_polynomial_exponents_cover_every_monomial():
    assert poly_exponents(1) == [(1, 0), (0, 1)]
    assert poly_exponents(2) == [(1, 0), (0, 1), (2, 0), (1, 1), (0, 2)]
    assert len(poly_exponents(6)) == 27  # (d+1)(d+2)/2 − 1
    assert param_labels(ModelSpec("logistic")) == ["w1", "w2", "b"]


def test_init_is_deterministic_for_a_seed_and_zeros_on_request():
    spec = ModelSpec("mlp", hidden=(8, 4))
    a, b, c = init_values(spec, 3), init_values(spec, 3), init_values(spec, 4)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[0], c[0])
    assert all(not np.any(v) for v in init_values(spec, 3, "zeros"))
    assert [v.shape for v in a] == [(2, 8), (8,), (8, 4), (4,), (4,), ()]


def test_invalid_specs_are_rejected_with_a_message():
    with pytest.raises(ValueError, match="degree"):
        ModelSpec("poly", degree=0).validated()
    with pytest.raises(ValueError, match="hidden layers"):
        ModelSpec("mlp", hidden=()).validated()
    with pytest.raises(ValueError, match="units"):
        ModelSpec("mlp", hidden=(65,)).validated()
    with pytest.raises(ValueError, match="activation"):
        ModelSpec("mlp", activation="swish").validated()


def test_lr_l2_shape_and_architecture_changes_within_a_family_never_recompile(classifier_cache, backend, monkeypatch):
    spec = ModelSpec("mlp", hidden=(7,), activation="tanh")
    model = classifier_cache.get(spec, backend)
    model.step(X, Y, M, 0.1)
    compiles = []
    real = backend_module.compile_function
    monkeypatch.setattr("models.classifiers.compile_function", lambda *a, **k: compiles.append(a) or real(*a, **k))
    for lr, l2 in [(1e-4, 0.0), (0.5, 0.1), (10.0, 1.0)]:
        model.step(X, Y, M, lr, l2)
    bigger = np.vstack([X, X])
    model.step(bigger, np.r_[Y, Y], np.r_[M, M], 0.1)  # another N
    model.configure(ModelSpec("mlp", hidden=(9,), activation="tanh"))  # other widths, same graph
    model.step(X, Y, M, 0.1)
    assert compiles == []
    poly = classifier_cache.get(ModelSpec("poly", degree=2), backend)
    poly.step(X, Y, M, 0.1)
    assert classifier_cache.get(ModelSpec("poly", degree=5), backend) is poly
    poly.step(X, Y, M, 0.1)
    assert compiles == [], "every degree runs on the one compiled polynomial graph"
