"""The cost over a two-parameter slice against an independent NumPy computation."""

from __future__ import annotations

import numpy as np
import pytest

from models.classifiers import ModelSpec, flatten, init_values, unflatten
from models.landscape import SliceRequest, axis_values, default_axes, grid_sizes, span_with_margin
from tests import reference as ref

RNG = np.random.default_rng(21)
N = 57
X = RNG.normal(size=(N + 7, 2)) * [1.5, 0.7] + [0.3, -0.2]
Y = (X[:, 0] - X[:, 1] + RNG.normal(size=N + 7) > 0).astype(float)
M = np.r_[np.ones(N), np.zeros(7)]  # padding rows must not count
X[N:] = 50.0  # …even wild ones


def numpy_cost(spec, theta, l2):
    values = unflatten(theta, spec)
    if spec.kind == "logistic":
        return ref.logistic_loss_grad(values[0], values[1], X, Y, l2, M)[0]
    if spec.kind == "poly":
        return ref.poly_loss_grad(values[0], values[1], X, Y, spec.degree, l2, M)[0]
    return ref.mlp_loss_grad(values, X, Y, spec.activation, l2, M)[0]


def numpy_grid(spec, theta, axes, a, b, l2):
    out = np.empty((len(b), len(a)))
    with np.errstate(over="ignore"):  # the reference's sigmoid (for the unused gradient) overflows on huge logits
        for r, bv in enumerate(b):
            for c, av in enumerate(a):
                t = theta.copy()
                t[axes[0]], t[axes[1]] = av, bv
                out[r, c] = numpy_cost(spec, t, l2)
    return out


@pytest.fixture(scope="module")
def landscapes(classifier_cache, backend):
    return {dtype: classifier_cache.landscape(backend, dtype) for dtype in ("float64", "float32")}


CASES = [
    (ModelSpec("logistic"), (0, 1)),
    (ModelSpec("logistic"), (2, 0)),  # bias along x
    (ModelSpec("poly", degree=3), (4, 1)),
    (ModelSpec("mlp", hidden=(4, 3), activation="tanh"), (3, 14)),  # W1[0,3] and W2[0,2]: both layers batched
    (ModelSpec("mlp", hidden=(5,), activation="relu"), (15, 2)),  # the output weight W2[0] and W1[0,2]
]


@pytest.mark.parametrize("spec, axes", CASES, ids=lambda v: v.label() if isinstance(v, ModelSpec) else str(v))
@pytest.mark.parametrize("l2", [0.0, 0.2])
def test_cost_grid_matches_numpy(spec, axes, l2, landscapes):
    theta = flatten(init_values(spec, seed=8)) + 0.15
    a, b = axis_values(-3, 2.5, 13), axis_values(-1.5, 4, 9)  # not square: rows follow b, columns a
    expected = numpy_grid(spec, theta, axes, a, b, l2)
    request = SliceRequest(theta, axes, a, b)
    got = landscapes["float64"].cost_grid(spec, request, X, Y, M, l2)
    assert got.shape == (9, 13)
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    got32 = landscapes["float32"].cost_grid(spec, request, X, Y, M, l2)
    np.testing.assert_allclose(got32, expected, rtol=2e-5)


def test_large_logits_do_not_overflow(landscapes):
    spec = ModelSpec("logistic")
    a = axis_values(-400, 400, 7)  # |z| up to ~10⁴ (float32 exp overflows at 88)
    request = SliceRequest(np.array([0.0, 0.0, 0.5]), (0, 1), a, a)
    expected = numpy_grid(spec, request.theta, (0, 1), a, a, 0.0)
    for dtype in ("float64", "float32"):
        got = landscapes[dtype].cost_grid(spec, request, X, Y, M)
        assert np.all(np.isfinite(got))
        np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_bad_requests_are_refused(landscapes):
    spec = ModelSpec("logistic")
    with pytest.raises(ValueError, match="two different"):
        landscapes["float64"].cost_grid(spec, SliceRequest(np.zeros(3), (1, 1), np.zeros(2), np.zeros(2)), X, Y, M)
    with pytest.raises(ValueError, match="3 parameters"):
        landscapes["float64"].cost_grid(spec, SliceRequest(np.zeros(4), (0, 1), np.zeros(2), np.zeros(2)), X, Y, M)


def test_default_axes_are_w1_w2_for_logistic_and_the_steepest_otherwise():
    assert default_axes(ModelSpec("logistic"), np.array([0.0, 0.1, 9.0])) == (0, 1)
    spec = ModelSpec("mlp", hidden=(2,))
    gradient = np.zeros(spec.n_params())
    gradient[[5, 2]] = [-3.0, 2.0]
    assert default_axes(spec, gradient) == (5, 2)


def test_span_covers_the_path_with_a_margin_and_a_minimum_size():
    x0, x1, y0, y1 = span_with_margin(np.array([[0, 0], [2, 1], [1, 0.5]]), margin=0.1, min_span=0.5)
    assert (x0, x1) == pytest.approx((-0.2, 2.2)) and (y0, y1) == pytest.approx((-0.1, 1.1))
    x0, x1, y0, y1 = span_with_margin(np.array([[1.0, 1.0]]), min_span=2.0)
    assert (x0, x1, y0, y1) == pytest.approx((0, 2, 0, 2))
    assert grid_sizes(ModelSpec("logistic")) == (50, 150)


@pytest.mark.parametrize("spec", [ModelSpec("logistic"), ModelSpec("poly", degree=2),
                                  ModelSpec("mlp", hidden=(3,), activation="sigmoid")], ids=lambda s: s.kind)
def test_gradient_matches_numpy(spec, landscapes):
    theta = flatten(init_values(spec, seed=2)) - 0.1
    values = unflatten(theta, spec)
    with np.errstate(over="ignore"):  # the padding rows (m = 0) have huge features
        if spec.kind == "logistic":
            expected = ref.logistic_loss_grad(values[0], values[1], X, Y, 0.3, M)[1]
        elif spec.kind == "poly":
            expected = ref.poly_loss_grad(values[0], values[1], X, Y, 2, 0.3, M)[1]
        else:
            expected = ref.mlp_loss_grad(values, X, Y, "sigmoid", 0.3, M)[1]
    got = landscapes["float64"].gradient(spec, theta, X, Y, M, 0.3)
    np.testing.assert_allclose(got, flatten(expected), rtol=1e-9, atol=1e-13)
