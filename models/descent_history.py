"""Exact snapshots of a descent (parameters, optimizer state, loss and parameter history), so that
starting again from a clicked w(0) or discarding later iterations can be undone."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.classifiers import unflatten
from models.training import Trainer
from models.series import Series


@dataclass(frozen=True)
class TrainerSnapshot:
    """Everything :meth:`Trainer.step` and :meth:`Trainer.view` change, copied."""

    iteration: int
    viewing: int | None
    loss_history: np.ndarray  # a read-only float64 copy: a tuple cost 32 bytes a value and a Python loop
    iterations: tuple[int, ...]
    vectors: tuple[np.ndarray, ...]  # history entries are never modified in place: sharing them is safe
    extras: tuple
    params: np.ndarray
    optimizer: str
    optimizer_state: tuple[np.ndarray, ...]

    @classmethod
    def take(cls, trainer: Trainer) -> TrainerSnapshot:
        history, optimizer = trainer.history, trainer.config.optimizer
        losses = np.array(trainer.loss_history, dtype=float)
        losses.flags.writeable = False
        return cls(trainer.iteration, trainer.viewing, losses, tuple(history.iterations),
                   tuple(history.vectors), tuple(history.extras), trainer.flat_params(), optimizer,
                   tuple(trainer.classifier.optimizer_state(optimizer)))

    def restore(self, trainer: Trainer) -> None:
        """Put ``trainer`` (on the same model) back exactly as it was when the snapshot was taken."""
        trainer.set_params(unflatten(self.params, trainer.spec), restart=False)
        if self.optimizer == trainer.config.optimizer:
            trainer.classifier.set_optimizer_state(self.optimizer, list(self.optimizer_state))
        trainer.iteration = self.iteration
        trainer.viewing = self.viewing
        trainer.loss_history = Series(self.loss_history)
        trainer.history.iterations = list(self.iterations)
        trainer.history.vectors = list(self.vectors)
        trainer.history.extras = list(self.extras)

    @property
    def latest_params(self) -> np.ndarray:
        """w at the last iteration (not the viewed one)."""
        return self.vectors[-1] if self.vectors else self.params
