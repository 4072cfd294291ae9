"""Mini-batches as row weights, stepping back through the history, and exact snapshots."""

from __future__ import annotations

import numpy as np
import pytest

from models.classifiers import ModelSpec
from models.datasets import make_preset
from models.descent_history import TrainerSnapshot
from models.minibatch import BatchSchedule
from models.training import Trainer, TrainingConfig
from tests import reference as ref


def make_trainer(cache, backend, spec=ModelSpec("logistic"), preset="trout_salmon", **config):
    trainer = Trainer(cache.get(spec, backend), spec, TrainingConfig(**config))
    xy, labels = make_preset(preset)
    trainer.set_points(xy, labels)
    trainer.reset()
    return trainer


def test_batches_cover_every_row_once_per_epoch_and_follow_the_seed():
    base = np.r_[np.ones(10), np.zeros(6)]  # 10 points padded to 16 rows
    schedule = BatchSchedule(base, batch_size=3, seed=4)
    assert schedule.batches_per_epoch == 4
    epoch = [schedule.batch_rows(t) for t in range(4)]
    assert [len(r) for r in epoch] == [3, 3, 3, 1]
    assert sorted(np.concatenate(epoch)) == list(range(10))
    m = schedule.weights(5)
    assert m.sum() == 3 and np.all(m[10:] == 0)
    again = BatchSchedule(base, batch_size=3, seed=4)
    assert all(np.array_equal(again.weights(t), schedule.weights(t)) for t in (7, 0, 3))
    other = BatchSchedule(base, batch_size=3, seed=5)
    assert any(not np.array_equal(other.batch_rows(t), schedule.batch_rows(t)) for t in range(4))
    assert BatchSchedule(base, batch_size=0).weights(3) is base
    assert BatchSchedule(base, batch_size=10).full_batch


def test_minibatch_descent_matches_numpy_and_records_the_full_loss(classifier_cache, backend):
    trainer = make_trainer(classifier_cache, backend, lr=0.3, batch_size=7, seed=2, init="zeros")
    x, y, m = trainer.padded_data()
    schedule = BatchSchedule(m, 7, 2)
    trainer.step(5)
    w, b = np.zeros(2), 0.0
    n = trainer.n_points
    for t in range(5):
        full_loss = ref.logistic_loss_grad(w, b, x[:n], y[:n])[0]
        assert trainer.loss_history[t] == pytest.approx(full_loss, rel=1e-10)
        _, (gw, gb) = ref.logistic_loss_grad(w, b, x, y, m=schedule.weights(t))
        w, b = w - 0.3 * gw, b - 0.3 * gb
    np.testing.assert_allclose(trainer.params()[0], w, rtol=1e-10)


def test_stepping_again_from_an_earlier_iterate_replays_the_same_path(classifier_cache, backend):
    spec = ModelSpec("mlp", hidden=(5,), activation="tanh")
    trainer = make_trainer(classifier_cache, backend, spec, preset="moons", lr=0.05, optimizer="adam", batch_size=16)
    trainer.step(12)
    first = [v.copy() for v in trainer.history.vectors]
    losses = list(trainer.loss_history)
    assert trainer.view(4) == 4 and trainer.viewing == 4 and trainer.shown_iteration == 4
    np.testing.assert_array_equal(trainer.flat_params(), first[4])
    assert trainer.iteration == 12 and len(trainer.history) == 13  # viewing forgets nothing
    trainer.evaluate()
    assert trainer.loss_history[:13] == pytest.approx(losses)
    trainer.step(8)  # from w(4): the later history is discarded, Adam's moments come back with w(4)
    assert trainer.viewing is None and trainer.iteration == 12
    np.testing.assert_allclose(trainer.history.vectors, first, rtol=1e-12, atol=1e-14)
    assert trainer.view(99) == 12 and trainer.viewing is None


def test_snapshot_restores_parameters_state_and_history_exactly(classifier_cache, backend):
    trainer = make_trainer(classifier_cache, backend, lr=0.2, optimizer="momentum")
    trainer.step(6)
    trainer.view(2)
    snap = TrainerSnapshot.take(trainer)
    trainer.step(3)  # discards 3..6 and goes on
    trainer.reset(seed=9)
    snap.restore(trainer)
    assert trainer.iteration == 6 and trainer.viewing == 2 and len(trainer.loss_history) == 7
    np.testing.assert_array_equal(trainer.flat_params(), trainer.history.vectors[2])
    trainer.view(6)
    np.testing.assert_array_equal(snap.latest_params, trainer.flat_params())
    velocity = trainer.classifier.optimizer_state("momentum")
    assert any(np.any(v != 0) for v in velocity)  # the state at w(6) came back with it
