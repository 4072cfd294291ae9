"""Session contents: an exact round trip, and every kind of nonsense refused with a reason."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from models.classifiers import ModelSpec
from models.descent_history import TrainerSnapshot
from models.points import PointsSnapshot
from models.session_state import SessionState, SessionStateError, parse_state, to_container
from models.splits import SplitPlan
from models.training import TrainingConfig


def state_with_descent() -> SessionState:
    spec = ModelSpec("mlp", hidden=(3,), activation="tanh")
    n = spec.n_params()
    rng = np.random.default_rng(0)
    vectors = tuple(rng.normal(size=n) for _ in range(4))
    adam_state = (np.ones((2, 3)), np.ones(3), np.ones(3), np.ones(()),) * 2
    extras = tuple(("adam", [a * k for a in adam_state]) for k in range(4))
    descent = TrainerSnapshot(5, None, (0.7, 0.6, 0.5, 0.45, 0.42, 0.4), (0, 1, 3, 5), vectors, extras, vectors[-1],
                              "adam", adam_state)
    return SessionState(
        points=PointsSnapshot(rng.normal(size=(6, 2)), np.array([0, 1, 0, 1, 1, 0]), np.array([0, 1, 2, 5, 7, 9])),
        spec=spec, config=TrainingConfig(lr=0.05, l2=0.01, standardize=False, seed=3, optimizer="adam",
                                         hyperparameters={"beta1": 0.8}, batch_size=4),
        steps_per_frame=7, preset="xor", preset_seed=2, axis_names=("x1", "x2"), race=("sgd", "momentum"),
        hyperparameters={"momentum": {"momentum": 0.5}}, descent=descent, split_enabled=True,
        split_plan=SplitPlan(70, 20, 4, ((5, 2),)), test_uses=(("sweep of degree", SplitPlan(70, 20, 4, ((5, 2),))),),
        view_rect=(-1.0, -2.0, 3.0, 4.0), tab=2,
    )


def test_round_trip_keeps_everything():
    state = state_with_descent()
    back = parse_state(to_container(state))
    np.testing.assert_array_equal(back.points.xy, state.points.xy)
    np.testing.assert_array_equal(back.points.ids, state.points.ids)
    assert (back.spec, back.config, back.steps_per_frame, back.race) == (state.spec, state.config, 7, ("sgd", "momentum"))
    assert back.split_plan == state.split_plan and back.test_uses == state.test_uses and back.split_enabled
    assert back.view_rect == state.view_rect and back.tab == 2 and back.hyperparameters == state.hyperparameters
    d, e = back.descent, state.descent
    assert (d.iteration, d.iterations, d.optimizer) == (e.iteration, e.iterations, "adam")
    np.testing.assert_array_equal(d.loss_history, e.loss_history)
    np.testing.assert_array_equal(d.params, e.params)
    for got, want in zip(d.optimizer_state, e.optimizer_state):
        np.testing.assert_array_equal(got, want)
    for (_, got), (_, want) in zip(d.extras, e.extras):
        for a, b in zip(got, want):
            np.testing.assert_array_equal(a, b)


def test_autosave_thins_a_long_history():
    state = state_with_descent()
    long = TrainerSnapshot(5000, None, tuple(np.linspace(1, 0, 5001)), tuple(range(5001)),
                           tuple(np.zeros(state.spec.n_params()) + k for k in range(5001)), (None,) * 5001,
                           np.zeros(state.spec.n_params()), "adam", state.descent.optimizer_state)
    state.descent = long
    container = to_container(state, thin_history=True)
    assert 400 <= len(container.arrays["history_iterations"]) <= 500
    assert container.arrays["history_iterations"][-1] == 5000
    assert parse_state(container).descent.iteration == 5000


def broken(change) -> object:
    container = to_container(state_with_descent())
    change(container.meta, container.arrays)
    return container


@pytest.mark.parametrize("change, fragment", [
    (lambda m, a: m.update(surprise=1), "unknown entries"),
    (lambda m, a: m["model"].update(depth=3), "unknown entries in 'model'"),
    (lambda m, a: m["points"].update(count=7), "says 7 points"),
    (lambda m, a: a.update(points_labels=np.array([0, 1, 2, 1, 1, 0])), "labels"),
    (lambda m, a: a.update(points_ids=np.array([0, 0, 2, 5, 7, 9])), "distinct"),
    (lambda m, a: a["points_xy"].__setitem__((0, 0), np.nan), "NaN"),
    (lambda m, a: m["model"].update(kind="transformer"), "unknown model"),
    (lambda m, a: m["model"].update(hidden=[100]), "units"),
    (lambda m, a: m["training"].update(lr=-1), "'training.lr'"),
    (lambda m, a: m["training"].update(lr="fast"), "number"),
    (lambda m, a: m["training"].update(optimizer="lbfgs"), "unknown optimizer"),
    (lambda m, a: m["training"].update(hyperparameters={"gamma": 1}), "hyperparameters"),
    (lambda m, a: a.update(descent_params=np.zeros(3)), "parameters"),
    (lambda m, a: a.update(history_vectors=np.zeros((4, 2))), "parameter history"),
    (lambda m, a: a.update(history_iterations=np.array([0, 3, 1, 5])), "parameter history"),
    (lambda m, a: m["descent"].update(iteration=1), "longer than the descent"),
    (lambda m, a: a.pop("optimizer_state_0"), "missing"),
    (lambda m, a: m["split"].update(train=0), "'split.train'"),
    (lambda m, a: m["split"].update(pins=[[1, 7]]), "split"),
    (lambda m, a: m["view"].update(canvas=[0, 0, -1, 1]), "positive"),
    (lambda m, a: m["optimizers"].update(race=["sgd", "magic"]), "known optimizers"),
    (lambda m, a: m.pop("model"), "'model' is missing"),
])
def test_inconsistent_contents_are_refused_with_a_reason(change, fragment):
    with pytest.raises(SessionStateError, match=fragment):
        parse_state(broken(change))


def test_the_original_state_object_is_not_touched_by_a_failed_parse():
    container = to_container(state_with_descent())
    before = copy.deepcopy(container.meta)
    container.meta["points"]["count"] = -1
    with pytest.raises(SessionStateError):
        parse_state(container)
    container.meta["points"]["count"] = before["points"]["count"]
    assert container.meta == before
