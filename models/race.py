"""A race: other optimizers following the same descent as a primary :class:`Trainer`.

Every racer starts from the primary's w(0), sees the same points and the same mini-batches
(the batch of iteration t depends only on the seed and t), and keeps its own parameters,
optimizer state, loss history and path. All of them share the primary's compiled classifier:
a racer's parameters and optimizer state are put into the shared variables for its steps and
taken out again afterwards, so no racer needs a graph of its own. The primary's values are
restored exactly after each turn, so the primary never notices.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field

import numpy as np

from models.classifiers import unflatten
from models.descent_history import TrainerSnapshot
from models.optimizers import OPTIMIZERS
from models.training import Trainer


@dataclass
class Racer:
    """One optimizer in the race, with its own trainer on the shared classifier."""

    optimizer: str
    trainer: Trainer
    values: list[np.ndarray] = field(default_factory=list)  # parked parameters
    state: list[np.ndarray] = field(default_factory=list)  # parked optimizer state
    stopped: str = ""  # why it stopped (diverged), '' while it runs

    @property
    def title(self) -> str:
        return OPTIMIZERS[self.optimizer].title


class Race:
    """Racers that follow ``primary``: step, restart, view and rewind with it."""

    def __init__(self, primary: Trainer) -> None:
        self.primary = primary
        self.racers: dict[str, Racer] = {}
        self.hyperparameters: dict[str, dict[str, float]] = {}

    @property
    def classifier(self):
        return self.primary.classifier

    # ------------------------------------------------------------------ taking turns
    @contextlib.contextmanager
    def _turns(self):
        """Save the primary's parameters and optimizer state, give racers turns, restore them."""
        model, optimizer = self.classifier, self.primary.config.optimizer
        values, state = model.get_values(), model.optimizer_state(optimizer)
        try:
            yield
        finally:
            model.set_values(values)
            model.set_optimizer_state(optimizer, state)

    @contextlib.contextmanager
    def _turn(self, racer: Racer):
        """``racer``'s values in the shared variables for the duration (inside :meth:`_turns`).

        Only the racer's own optimizer's state is set: the others' state variables are not read
        by its step, and the primary's are restored when the turns end."""
        model = self.classifier
        self._sync_config(racer)
        if racer.values:  # a racer being created has none yet: its trainer sets them
            model.set_values(racer.values)
        model.set_optimizer_state(racer.optimizer, racer.state or None)
        try:
            yield racer.trainer
        finally:
            racer.values = model.get_values()
            racer.state = model.optimizer_state(racer.optimizer)

    def _sync_config(self, racer: Racer) -> None:
        """The primary's knobs (α, λ, batch size, seed…) with the racer's own optimizer."""
        racer.trainer.config = dataclasses.replace(
            self.primary.config, optimizer=racer.optimizer,
            hyperparameters=dict(self.hyperparameters.get(racer.optimizer, {})))

    # ------------------------------------------------------------------ membership
    def set_racers(self, names: list[str], hyperparameters: dict[str, dict[str, float]] | None = None) -> None:
        """Race these optimizers (the primary's own is left out); new ones start at w(0)."""
        if hyperparameters is not None:
            self.hyperparameters = {k: dict(v) for k, v in hyperparameters.items()}
        wanted = [n for n in dict.fromkeys(names) if n != self.primary.config.optimizer]
        for name in list(self.racers):
            if name not in wanted:
                del self.racers[name]
        new = [n for n in wanted if n not in self.racers]
        if not new:
            return
        with self._turns():
            for name in new:
                config = dataclasses.replace(self.primary.config, optimizer=name)
                trainer = Trainer(self.classifier, config=config)
                racer = Racer(name, trainer)
                self.racers[name] = racer
                with self._turn(racer):
                    trainer.set_points(self.primary.xy, self.primary.labels, self.primary.mask)
                    trainer.set_params(unflatten(self.primary.history.vectors[0], trainer.spec), restart=True)
        self.racers = {n: self.racers[n] for n in wanted}

    def set_hyperparameters(self, name: str, values: dict[str, float]) -> None:
        self.hyperparameters[name] = dict(values)

    @property
    def names(self) -> list[str]:
        return list(self.racers)

    def lagging(self) -> bool:
        """Some running racer is behind the primary (just added: it catches up)."""
        return any(not r.stopped and r.trainer.iteration < self.primary.iteration for r in self.racers.values())

    def points_stale(self) -> bool:
        """Some racer trains on other points than the primary (edited while it could not follow)."""
        p = self.primary
        return any(r.trainer.n_points != p.n_points or not np.array_equal(r.trainer.xy, p.xy)
                   or not np.array_equal(r.trainer.labels, p.labels)
                   or not np.array_equal(r.trainer.train_rows, p.train_rows)
                   or r.trainer.config.standardize != p.config.standardize for r in self.racers.values())

    # ------------------------------------------------------------------ following the primary
    def sync_points(self) -> None:
        """The primary's points (and standardization) changed: every racer trains on them too."""
        with self._turns():
            for racer in self.racers.values():
                with self._turn(racer) as trainer:
                    trainer.set_points(self.primary.xy, self.primary.labels, self.primary.mask)

    def restart(self) -> None:
        """Every racer back to the primary's w(0), with fresh optimizer state and empty history."""
        w0 = self.primary.history.vectors[0]
        with self._turns():
            for racer in self.racers.values():
                racer.stopped = ""
                with self._turn(racer) as trainer:
                    trainer.set_params(unflatten(w0, trainer.spec), restart=True)

    def advance(self, max_steps: int | None = None, evaluate: bool = True) -> list[str]:
        """Step every running racer towards the primary's iteration (at most ``max_steps`` each);
        return the messages of racers that diverged now. ``evaluate=False`` leaves L(w(t)) of the
        newest iterate to the next step (one compiled call less per racer and frame)."""
        messages = []
        target = self.primary.iteration
        with self._turns():
            for racer in self.racers.values():
                gap = target - racer.trainer.iteration
                if racer.stopped or gap <= 0:
                    continue
                with self._turn(racer) as trainer:
                    report = trainer.step(gap if max_steps is None else min(gap, max_steps), evaluate=evaluate)
                if report.diverged:
                    racer.stopped = f"{racer.title} diverged at iteration {trainer.iteration + 1}; its path stops there."
                    messages.append(racer.stopped)
        return messages

    def evaluate(self) -> None:
        """Record every racer's loss at its newest iterate (after stepping without it)."""
        with self._turns():
            for racer in self.racers.values():
                with self._turn(racer) as trainer:
                    trainer.evaluate()

    def view(self, iteration: int) -> None:
        with self._turns():
            for racer in self.racers.values():
                with self._turn(racer) as trainer:
                    trainer.view(min(iteration, trainer.iteration))

    def snapshot(self) -> dict[str, tuple[TrainerSnapshot, str]]:
        snaps = {}
        with self._turns():
            for name, racer in self.racers.items():
                with self._turn(racer) as trainer:
                    snaps[name] = (TrainerSnapshot.take(trainer), racer.stopped)
        return snaps

    def restore(self, snaps: dict[str, tuple[TrainerSnapshot, str]]) -> None:
        """Undo: put the racers that are still in the race back as they were."""
        with self._turns():
            for name, racer in self.racers.items():
                if name in snaps:
                    snap, racer.stopped = snaps[name]
                    with self._turn(racer) as trainer:
                        snap.restore(trainer)

    def rewind(self, iteration: int) -> None:
        """Forget every racer's iterates after ``iteration`` (stepping on from an earlier point)."""
        with self._turns():
            for racer in self.racers.values():
                with self._turn(racer) as trainer:
                    trainer.rewind(min(iteration, trainer.iteration))
                racer.stopped = ""
