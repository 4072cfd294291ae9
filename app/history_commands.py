"""Undoable changes of the descent itself: starting again from a clicked w(0), and stepping on from
an earlier iteration (which discards the later ones). Both keep an exact snapshot of every
racer's parameters, optimizer state and history, and undo puts it back."""

from __future__ import annotations

from typing import Protocol

import numpy as np
from PyQt5 import QtWidgets


class DescentOwner(Protocol):
    """What the commands need from the history controller."""

    def snapshot_all(self): ...

    def restore_all(self, snapshot) -> bool: ...

    def apply_restart(self, values: np.ndarray) -> None: ...

    def apply_discard(self, iteration: int) -> None: ...


class RestartFromCommand(QtWidgets.QUndoCommand):
    """Start every racer again at w(0) = ``values`` (flat)."""

    def __init__(self, owner: DescentOwner, values: np.ndarray, text: str) -> None:
        super().__init__(text)
        self.owner, self.values = owner, np.array(values, dtype=float)
        self.before = None

    def redo(self) -> None:
        if self.before is None:
            self.before = self.owner.snapshot_all()
        self.owner.apply_restart(self.values)

    def undo(self) -> None:
        self.owner.restore_all(self.before)


class DiscardLaterCommand(QtWidgets.QUndoCommand):
    """Forget the iterations after ``iteration`` (the user steps on from an earlier point)."""

    def __init__(self, owner: DescentOwner, iteration: int, latest: int) -> None:
        super().__init__(f"Step on from iteration {iteration} (discard {iteration + 1}…{latest})")
        self.owner, self.iteration = owner, int(iteration)
        self.before = None

    def redo(self) -> None:
        if self.before is None:
            self.before = self.owner.snapshot_all()
        self.owner.apply_discard(self.iteration)

    def undo(self) -> None:
        self.owner.restore_all(self.before)
