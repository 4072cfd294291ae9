"""Racing optimizers on one compiled classifier: each racer's path is the one it would take alone,
and the primary never notices the racers."""

from __future__ import annotations

import numpy as np

from models.classifiers import ModelSpec
from models.datasets import make_preset
from models.race import Race
from models.training import Trainer, TrainingConfig

SPEC = ModelSpec("mlp", hidden=(5,), activation="tanh")
HYPER = {"momentum": {"momentum": 0.8}, "adam": {"beta1": 0.8}}


def trainer_for(cache, backend, optimizer, **config):
    trainer = Trainer(cache.get(SPEC, backend), SPEC,
                      TrainingConfig(optimizer=optimizer, hyperparameters=HYPER.get(optimizer, {}), **config))
    xy, labels = make_preset("moons")
    trainer.set_points(xy, labels)
    trainer.reset()
    return trainer


def alone(cache, backend, optimizer, steps, **config):
    trainer = trainer_for(cache, backend, optimizer, **config)
    trainer.step(steps)
    return np.array(trainer.history.vectors), list(trainer.loss_history)


def test_each_racer_takes_the_path_it_would_take_alone(classifier_cache, backend):
    config = dict(lr=0.05, batch_size=20, seed=3)
    expected = {name: alone(classifier_cache, backend, name, 9, **config) for name in ("sgd", "momentum", "adam")}
    primary = trainer_for(classifier_cache, backend, "sgd", **config)
    race = Race(primary)
    race.set_racers(["sgd", "momentum", "adam"], HYPER)
    assert race.names == ["momentum", "adam"]  # the primary's own optimizer is not raced twice
    for _ in range(3):
        primary.step(3)
        race.advance()
    np.testing.assert_allclose(primary.history.vectors, expected["sgd"][0], rtol=1e-12)
    for name in ("momentum", "adam"):
        trainer = race.racers[name].trainer
        assert trainer.iteration == 9
        np.testing.assert_allclose(trainer.history.vectors, expected[name][0], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(trainer.loss_history, expected[name][1], rtol=1e-10)
    np.testing.assert_array_equal(primary.flat_params(), expected["sgd"][0][-1])


def test_a_racer_added_late_catches_up_and_restart_brings_everyone_to_w0(classifier_cache, backend):
    primary = trainer_for(classifier_cache, backend, "sgd", lr=0.1)
    primary.step(30)
    race = Race(primary)
    race.set_racers(["nesterov"])
    assert race.lagging()
    race.advance(max_steps=20)
    assert race.racers["nesterov"].trainer.iteration == 20 and race.lagging()
    race.advance(max_steps=20)
    assert race.racers["nesterov"].trainer.iteration == 30 and not race.lagging()
    primary.reset(seed=5)
    race.restart()
    racer = race.racers["nesterov"].trainer
    assert racer.iteration == 0
    np.testing.assert_array_equal(racer.history.vectors[0], primary.history.vectors[0])


def test_a_diverging_racer_stops_with_a_message_and_the_others_go_on(classifier_cache, backend):
    # with λ = 1 and α = 10, momentum grows |w| geometrically until the loss overflows; AdaGrad's
    # normalized steps only grow it linearly
    primary = trainer_for(classifier_cache, backend, "adagrad", lr=10.0, l2=1.0)
    race = Race(primary)
    race.set_racers(["momentum"], {"momentum": {"momentum": 0.9}})
    messages = []
    for _ in range(400):
        assert not primary.step(1).diverged
        messages += race.advance()
        if messages:
            break
    assert messages and "Momentum diverged" in messages[0]
    racer = race.racers["momentum"]
    assert racer.stopped and np.all(np.isfinite(racer.trainer.flat_params()))
    stopped_at = racer.trainer.iteration
    primary.step(2)
    race.advance()
    assert racer.trainer.iteration == stopped_at and not race.lagging()


def test_view_snapshot_and_rewind_follow_the_primary(classifier_cache, backend):
    primary = trainer_for(classifier_cache, backend, "sgd", lr=0.1)
    race = Race(primary)
    race.set_racers(["rmsprop"])
    primary.step(6)
    race.advance()
    racer = race.racers["rmsprop"].trainer
    path = [v.copy() for v in racer.history.vectors]
    race.view(2)
    assert racer.viewing == 2 and racer.iteration == 6
    snaps = race.snapshot()
    race.rewind(2)
    assert racer.iteration == 2 and len(racer.history) == 3
    race.restore(snaps)
    assert racer.iteration == 6 and racer.viewing == 2
    np.testing.assert_array_equal(racer.history.vectors, path)
