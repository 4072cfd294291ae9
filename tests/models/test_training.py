"""The training state: gradient descent, loss history, padding, the divergence guard."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.classifiers import ModelSpec, flatten
from models.datasets import make_preset
from models.training import Scaler, Trainer, TrainingConfig, capacity_for
from tests import reference as ref


def make_trainer(cache, backend, spec, **config):
    return Trainer(cache.get(spec, backend), spec, TrainingConfig(**config))


def test_gradient_descent_matches_numpy_with_loss_history_of_t_plus_1(classifier_cache, backend):
    xy, labels = make_preset("trout_salmon")
    trainer = make_trainer(classifier_cache, backend, ModelSpec("logistic"), lr=0.002, init="zeros", standardize=False)
    trainer.set_points(xy, labels)
    trainer.reset()
    report = trainer.step(40)
    w, b, losses = ref.gradient_descent_logistic(xy, labels.astype(float), lr=0.002, steps=40)
    assert report.steps_done == 40 and not report.diverged
    assert trainer.iteration == 40
    assert len(trainer.loss_history) == 41
    np.testing.assert_allclose(trainer.loss_history, losses, rtol=1e-9)
    np.testing.assert_allclose(trainer.params()[0], w, rtol=1e-9)
    assert float(trainer.params()[1]) == pytest.approx(b, rel=1e-9)


def test_standardization_trains_on_z_scores(classifier_cache, backend):
    xy, labels = make_preset("trout_salmon")
    trainer = make_trainer(classifier_cache, backend, ModelSpec("logistic"), lr=0.5, init="zeros", standardize=True)
    trainer.set_points(xy, labels)
    trainer.reset()
    trainer.step(25)
    z = (xy - xy.mean(axis=0)) / xy.std(axis=0)
    w, b, losses = ref.gradient_descent_logistic(z, labels.astype(float), lr=0.5, steps=25)
    np.testing.assert_allclose(trainer.params()[0], w, rtol=1e-9)
    np.testing.assert_allclose(trainer.loss_history, losses, rtol=1e-9)


def test_padding_rows_do_not_change_the_loss(classifier_cache, backend):
    xy, labels = make_preset("moons")
    spec = ModelSpec("mlp", hidden=(6,), activation="tanh")
    trainer = make_trainer(classifier_cache, backend, spec, standardize=False)
    trainer.set_points(xy[:70], labels[:70])
    x, y, m = trainer.padded_data()
    assert len(x) == capacity_for(70) == 128 and m.sum() == 70
    z, _ = ref.mlp_forward(trainer.params(), xy[:70], "tanh")
    assert trainer.current_loss() == pytest.approx(ref.bce(z, labels[:70].astype(float)), rel=1e-12)


def test_capacity_is_a_power_of_two_with_a_floor():
    assert [capacity_for(n) for n in (0, 1, 64, 65, 1000, 1024, 1025)] == [64, 64, 64, 128, 1024, 1024, 2048]


def test_divergence_restores_the_last_finite_parameters(classifier_cache, backend):
    # λ·α = 10 > 2: the penalty alone multiplies the weights by −9 each step, to inf within a few hundred steps.
    spec = ModelSpec("mlp", hidden=(8,), activation="relu")
    xy, labels = make_preset("xor")
    trainer = make_trainer(classifier_cache, backend, spec, lr=10.0, l2=1.0)
    trainer.set_points(xy, labels)
    trainer.reset()
    report = trainer.step(5000)
    assert report.diverged
    assert "learning rate" in report.message and "NaN/inf" in report.message
    assert report.steps_done < 5000
    params = trainer.flat_params()
    assert np.all(np.isfinite(params))
    assert math.isfinite(trainer.current_loss())
    np.testing.assert_array_equal(params, trainer.history.at(trainer.iteration)[1])
    assert len(trainer.loss_history) == trainer.iteration + 1
    assert all(math.isfinite(v) for v in trainer.loss_history)


def test_rewind_returns_to_an_earlier_iterate(classifier_cache, backend):
    xy, labels = make_preset("circles")
    spec = ModelSpec("poly", degree=2)
    trainer = make_trainer(classifier_cache, backend, spec, lr=0.3)
    trainer.set_points(xy, labels)
    trainer.reset()
    trainer.step(5)
    at_5 = trainer.flat_params()
    trainer.step(5)
    trainer.rewind(5)
    np.testing.assert_array_equal(trainer.flat_params(), at_5)
    assert trainer.iteration == 5 and len(trainer.loss_history) == 6 and len(trainer.history) == 6


def test_reset_draws_w0_from_the_seed(classifier_cache, backend):
    spec = ModelSpec("mlp", hidden=(4,))
    trainer = make_trainer(classifier_cache, backend, spec, seed=3)
    first = trainer.flat_params()
    trainer.reset()
    np.testing.assert_array_equal(trainer.flat_params(), first)
    trainer.reset(seed=4)
    assert not np.array_equal(trainer.flat_params(), first)
    assert trainer.iteration == 0 and np.array_equal(trainer.history.matrix()[0], flatten(trainer.params()))


def test_no_points_gives_a_message_not_an_error(classifier_cache, backend):
    trainer = make_trainer(classifier_cache, backend, ModelSpec("logistic"))
    report = trainer.step(3)
    assert report.steps_done == 0 and "no points" in report.message
    assert math.isnan(trainer.evaluate().accuracy)


def test_one_class_only_still_trains(classifier_cache, backend):
    trainer = make_trainer(classifier_cache, backend, ModelSpec("logistic"), lr=1.0)
    trainer.set_points(np.array([[0.0, 1.0], [1.0, 2.0], [2.0, 0.5]]), np.array([1, 1, 1]))
    trainer.reset()
    trainer.step(50)
    assert trainer.evaluate().accuracy == 1.0


def test_boundary_grid_samples_cell_centres(classifier_cache, backend):
    spec = ModelSpec("logistic")
    trainer = make_trainer(classifier_cache, backend, spec, standardize=False)
    trainer.classifier.set_values([np.array([1.0, 0.0]), np.array(0.0)])  # p = σ(x1)
    grid = trainer.proba_grid((-1.0, 1.0), (0.0, 4.0), 4)
    np.testing.assert_allclose(grid[0], ref.sigmoid(np.array([-0.75, -0.25, 0.25, 0.75])))
    assert np.all(grid == grid[0])


def test_boundary_grid_standardizes_each_axis_as_the_points_are(classifier_cache, backend):
    trainer = make_trainer(classifier_cache, backend, ModelSpec("logistic"), standardize=True)
    rng = np.random.default_rng(3)
    xy = rng.normal([50.0, 5.0], [10.0, 2.0], size=(40, 2))  # very different scales per feature
    trainer.set_points(xy, (xy[:, 0] > 50).astype(int))
    trainer.classifier.set_values([np.array([0.7, -1.3]), np.array(0.2)])
    grid = trainer.proba_grid((20.0, 80.0), (0.0, 10.0), 5)
    xs, ys = 20.0 + (np.arange(5) + 0.5) * 12.0, (np.arange(5) + 0.5) * 2.0
    mean, std = xy.mean(axis=0), xy.std(axis=0)
    z = 0.7 * (xs[None, :] - mean[0]) / std[0] - 1.3 * (ys[:, None] - mean[1]) / std[1] + 0.2
    np.testing.assert_allclose(grid, ref.sigmoid(z), rtol=1e-12, atol=1e-15)


def test_history_thins_past_its_budget():
    from models.training import ParamHistory

    history = ParamHistory(budget_bytes=ParamHistory.entry_bytes(np.zeros(10)) * 100)
    for t in range(1000):
        history.append(t, np.full(10, t))
    assert len(history) <= 101 and history.iterations[-1] == 999 and history.iterations[0] == 0
    kept, vector = history.at(500)
    assert kept <= 500 and vector[0] == kept


@pytest.mark.parametrize("n_params, with_state", [(3, False), (3, True), (337, False)])
def test_history_memory_stays_within_its_budget(n_params, with_state):
    """Measured with tracemalloc, not by the history's own count: small vectors are mostly overhead."""
    import tracemalloc

    from models.training import ParamHistory

    budget = 2**20
    history = ParamHistory(budget_bytes=budget)
    rng = np.random.default_rng(0)
    tracemalloc.start()
    try:
        for t in range(40_000):
            vector = rng.normal(size=n_params)
            history.append(t, vector, ("momentum", [vector * 0.5]) if with_state else None)
        used, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert used <= 1.1 * budget, f"{used / budget:.2f}× the budget"
    assert history.iterations[-1] == 39_999 and history.iterations[0] == 0


def test_scaler_handles_constant_features():
    scaler = Scaler.fit(np.array([[1.0, 5.0], [3.0, 5.0]]))
    np.testing.assert_allclose(scaler.transform(np.array([[2.0, 5.0]])), [[0.0, 0.0]])
