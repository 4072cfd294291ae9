"""Sweeps: each value trains exactly the model the playground would, the choice follows validation,
and the test split is only read by evaluate_on_test."""

from __future__ import annotations

import numpy as np
import pytest

from models.classifiers import ModelSpec
from models.splits import TEST, TRAIN, VALIDATION
from models.sweep import (PARAMS, SweepData, SweepPoint, SweepRequest, choose, evaluate_on_test, parse_values,
                          run_sweep)
from models.sweep_models import SweepGraphCache
from models.training import Trainer, TrainingConfig
from tests import reference as ref


@pytest.fixture(scope="module")
def graphs():
    return SweepGraphCache()


def noisy_circle(n_train: int, n_val: int, n_test: int, flip: float, seed: int):
    """Uniform points in a square, class 1 inside a circle, a fraction of labels flipped."""
    rng = np.random.default_rng(seed)
    n = n_train + n_val + n_test
    xy = rng.uniform(-1, 1, size=(n, 2))
    labels = (np.hypot(*xy.T) < 0.6).astype(np.int64)
    flipped = rng.random(n) < flip
    labels[flipped] = 1 - labels[flipped]
    codes = np.repeat(np.array([TRAIN, VALIDATION, TEST], dtype=np.int8), [n_train, n_val, n_test])
    return xy, labels, codes


def trained_like_the_playground(classifier_cache, backend, spec, data, request, l2):
    trainer = Trainer(classifier_cache.get(spec, backend), spec,
                      TrainingConfig(lr=request.lr, l2=l2, seed=request.seed, init=request.init))
    trainer.set_points(data.xy, data.labels, data.codes == TRAIN)
    trainer.reset()
    trainer.step(request.steps)
    return trainer


@pytest.mark.parametrize("param, values, spec", [
    ("degree", (1, 3, 5), ModelSpec("poly", degree=3)),
    ("units", (3, 8), ModelSpec("mlp", hidden=(5, 5), activation="tanh")),
    ("l2", (0.001, 0.1), ModelSpec("poly", degree=2)),
])
def test_each_value_trains_exactly_what_the_playground_trains(param, values, spec, graphs, classifier_cache, backend):
    xy, labels, codes = noisy_circle(40, 20, 10, 0.1, seed=1)
    data = SweepData(xy, labels, codes)
    request = SweepRequest(param, values, spec=spec, lr=0.3, steps=150, seed=4)
    points = list(run_sweep(request, data, backend, graphs))
    assert [p.value for p in points] == list(values)
    for point in points:
        l2 = point.value if param == "l2" else request.l2
        trainer = trained_like_the_playground(classifier_cache, backend, point.spec, data, request, l2)
        for got, expected in zip(point.params, trainer.params()):
            np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
        proba = trainer.proba_at(xy)
        for code, error in ((TRAIN, point.train_error), (VALIDATION, point.val_error)):
            rows = codes == code
            assert error == pytest.approx(np.mean((proba[rows] >= 0.5) != labels[rows]))
        z = np.log(proba[codes == VALIDATION]) - np.log1p(-proba[codes == VALIDATION])
        assert point.val_loss == pytest.approx(ref.bce(z, labels[codes == VALIDATION].astype(float)), rel=1e-8)


def test_iterations_sweep_is_one_descent_read_at_each_checkpoint(graphs, classifier_cache, backend):
    xy, labels, codes = noisy_circle(40, 20, 10, 0.1, seed=2)
    data = SweepData(xy, labels, codes)
    spec = ModelSpec("poly", degree=3)
    points = list(run_sweep(SweepRequest("iterations", (30, 150, 250), spec=spec, lr=0.3), data, backend, graphs))
    for point in points:
        trainer = trained_like_the_playground(classifier_cache, backend, spec, data,
                                              SweepRequest("iterations", (1,), lr=0.3, steps=int(point.value)), 0.0)
        np.testing.assert_allclose(point.params[0], trainer.params()[0], rtol=1e-9, atol=1e-12)


def test_validation_picks_a_middle_degree_while_training_error_is_lowest_at_the_top(graphs, backend):
    # A circle (degree 2 is the true boundary) with 15% of the labels flipped and only 30 training
    # points: degree 1 underfits, degree 10 (65 features) fits the flipped points, and 300
    # validation points see both mistakes.
    for seed in (0, 1):
        xy, labels, codes = noisy_circle(30, 300, 20, 0.15, seed)
        request = SweepRequest("degree", tuple(range(1, 11)), lr=0.1, steps=2000)
        points = list(run_sweep(request, SweepData(xy, labels, codes), backend, graphs))
        choice = choose(points, "degree")
        train_errors = [p.train_error for p in points]
        assert 1 < points[choice.by_validation].value < 10, [(p.train_error, p.val_error) for p in points]
        assert train_errors[-1] == min(train_errors) < train_errors[0]
        assert points[choice.by_training].value == 10


def test_choice_breaks_ties_towards_the_simpler_model_by_validation_and_the_flexible_one_by_training():
    def p(value, train_error, val_error, val_loss=0.5):
        return SweepPoint(value, train_error, val_error, 0.1, val_loss)

    points = [p(1, 0.0, 0.2), p(3, 0.0, 0.1), p(5, 0.1, 0.1), p(7, 0.2, 0.3)]
    assert choose(points, "k") == choose(points, "k").__class__(2, 0)  # k: larger k is simpler
    degrees = [p(1, 0.3, 0.2), p(2, 0.1, 0.1, 0.4), p(3, 0.0, 0.1, 0.4), p(4, 0.0, 0.3)]
    choice = choose(degrees, "degree")
    assert (degrees[choice.by_validation].value, degrees[choice.by_training].value) == (2, 4)
    diverged = [SweepPoint(1, np.nan, np.nan, np.nan, np.nan, diverged=True), p(2, 0.2, 0.2)]
    assert choose(diverged, "degree").by_validation == 1


def test_test_error_is_computed_only_on_request_and_matches_the_model(graphs, classifier_cache, backend):
    xy, labels, codes = noisy_circle(40, 20, 30, 0.1, seed=3)
    data = SweepData(xy, labels, codes)
    request = SweepRequest("degree", (2, 4), lr=0.3, steps=100)
    points = list(run_sweep(request, data, backend, graphs))
    chosen = points[choose(points, "degree").by_validation]
    score = evaluate_on_test(request, data, chosen, backend, graphs)
    trainer = trained_like_the_playground(classifier_cache, backend, chosen.spec, data, request, 0.0)
    proba = trainer.proba_at(xy[codes == TEST])
    assert score.n == 30 and score.error == pytest.approx(np.mean((proba >= 0.5) != labels[codes == TEST]))


def test_a_cancel_check_stops_inside_a_value(graphs, backend):
    xy, labels, codes = noisy_circle(40, 20, 10, 0.1, seed=5)
    calls = []

    def check():
        calls.append(1)
        if len(calls) > 3:
            raise KeyboardInterrupt

    sweep = run_sweep(SweepRequest("degree", (1, 2), steps=5000), SweepData(xy, labels, codes), backend, graphs, check=check)
    with pytest.raises(KeyboardInterrupt):
        list(sweep)
    assert len(calls) == 4  # stopped after 3 chunks of the first value, long before its 50 chunks


@pytest.mark.parametrize("codes, fragment", [
    ([0, 0, 2, 2, 0, 0], "validation split is empty"),
    ([0, 1, 1, 1, 0, 1], "no trout"),
])
def test_an_unusable_split_is_refused_before_any_training(codes, fragment, graphs, backend):
    xy = np.arange(12.0).reshape(6, 2)
    labels = np.array([1, 0, 0, 1, 1, 0])
    data = SweepData(xy, labels, np.array(codes))
    with pytest.raises(ValueError, match=fragment.split()[-1]):
        next(run_sweep(SweepRequest("degree", (1, 2)), data, backend, graphs))


def test_k_larger_than_the_training_split_is_refused(backend):
    xy, labels, codes = noisy_circle(10, 10, 5, 0.0, seed=0)
    with pytest.raises(ValueError, match="k = 15 needs at least 15 training points; there are 10"):
        next(run_sweep(SweepRequest("k", (1, 15)), SweepData(xy, labels, codes), backend))


def test_values_are_parsed_checked_sorted_and_deduplicated():
    assert parse_values("degree", "3, 1,2,3") == (1, 2, 3)
    assert parse_values("l2", "1e-3;0.1") == (0.001, 0.1)
    for param in PARAMS:
        assert parse_values(param, PARAMS[param].default)
    assert max(parse_values("k", PARAMS["k"].default)) <= 45  # fits the training split of 100 points at 60 %
    for param, text, fragment in (("degree", "0,2", "1…10"), ("degree", "2.5", "whole numbers"),
                                  ("l2", "0", "> 0"), ("k", "x", "not a number"), ("units", " , ", "at least one")):
        with pytest.raises(ValueError, match=fragment):
            parse_values(param, text)


def test_k_larger_than_the_training_split_can_be_left_out_with_a_note():
    from models.sweep import drop_unusable_k

    xy, labels, codes = noisy_circle(10, 10, 5, 0.0, seed=0)
    data = SweepData(xy, labels, codes)
    request, dropped = drop_unusable_k(SweepRequest("k", (1, 5, 10, 15, 20)), data)
    assert request.values == (1, 5, 10) and dropped == (15, 20)
    same, none = drop_unusable_k(SweepRequest("degree", (1, 2)), data)
    assert same.values == (1, 2) and none == ()


def test_the_cache_passed_in_is_the_one_filled_so_a_second_sweep_compiles_nothing(backend, monkeypatch):
    from models import sweep_models

    graphs = SweepGraphCache()
    xy, labels, codes = noisy_circle(30, 10, 5, 0.1, seed=6)
    data = SweepData(xy, labels, codes)
    list(run_sweep(SweepRequest("degree", (1, 2), steps=10), data, backend, graphs))
    assert len(graphs) == 1
    monkeypatch.setattr(sweep_models, "compile_function", lambda *a, **k: pytest.fail("compiled again"))
    list(run_sweep(SweepRequest("degree", (3, 7), steps=10), data, backend, graphs))
