"""Every edit of the points is a ``QUndoCommand`` (as in Orange's paint-data widget), so undo and
redo work for adding, moving, deleting, relabelling, clearing, presets and loaded files."""

from __future__ import annotations

from typing import Protocol

import numpy as np
from PyQt5 import QtWidgets

from models.points import CLASS_NAMES, PointSet, PointsSnapshot

#: Command ids for ``mergeWith``: consecutive preset edits (noise slider) merge into one undo step.
MERGE_PRESET = 1001


class PointsOwner(Protocol):
    """What a command needs from the session: the points and a way to announce a change."""

    points: PointSet

    def notify_points_changed(self, fit_view: bool = False) -> None: ...


class AddPointCommand(QtWidgets.QUndoCommand):
    def __init__(self, owner: PointsOwner, x: float, y: float, label: int) -> None:
        super().__init__(f"Add {CLASS_NAMES[label]}")
        self.owner, self.x, self.y, self.label = owner, float(x), float(y), int(label)
        self.row: PointsSnapshot | None = None

    def redo(self) -> None:
        points = self.owner.points
        if self.row is None:
            index = points.add(self.x, self.y, self.label)
            self.row = points.snapshot([index])
        else:
            points.insert(self.row)
        self.owner.notify_points_changed()

    def undo(self) -> None:
        self.owner.points.remove(self.row.indices)
        self.owner.notify_points_changed()


class DeletePointsCommand(QtWidgets.QUndoCommand):
    def __init__(self, owner: PointsOwner, indices: list[int]) -> None:
        n = len(set(indices))
        super().__init__(f"Delete {n} point{'s' if n != 1 else ''}")
        self.owner, self.indices = owner, sorted(set(int(i) for i in indices))
        self.removed: PointsSnapshot | None = None

    def redo(self) -> None:
        self.removed = self.owner.points.remove(self.indices)
        self.owner.notify_points_changed()

    def undo(self) -> None:
        self.owner.points.insert(self.removed)
        self.owner.notify_points_changed()


class MovePointsCommand(QtWidgets.QUndoCommand):
    def __init__(self, owner: PointsOwner, indices: list[int], old_xy: np.ndarray, new_xy: np.ndarray) -> None:
        n = len(indices)
        super().__init__(f"Move {n} point{'s' if n != 1 else ''}")
        self.owner, self.indices = owner, list(indices)
        self.old_xy, self.new_xy = np.array(old_xy, dtype=float), np.array(new_xy, dtype=float)

    def redo(self) -> None:
        self.owner.points.move(self.indices, self.new_xy)
        self.owner.notify_points_changed()

    def undo(self) -> None:
        self.owner.points.move(self.indices, self.old_xy)
        self.owner.notify_points_changed()


class RelabelPointsCommand(QtWidgets.QUndoCommand):
    """Swap the class of the given points (trout ↔ salmon)."""

    def __init__(self, owner: PointsOwner, indices: list[int]) -> None:
        super().__init__("Change class")
        self.owner, self.indices = owner, sorted(set(int(i) for i in indices))

    def _swap(self) -> None:
        labels = self.owner.points.labels[self.indices]
        self.owner.points.set_labels(self.indices, 1 - labels)
        self.owner.notify_points_changed()

    redo = _swap
    undo = _swap


class ReplacePointsCommand(QtWidgets.QUndoCommand):
    """Replace every point: a preset, a loaded file, or Clear."""

    def __init__(self, owner: PointsOwner, xy: np.ndarray, labels: np.ndarray, text: str,
                 merge: bool = False, fit_view: bool = True) -> None:
        super().__init__(text)
        self.owner = owner
        self.xy, self.labels = np.array(xy, dtype=float).reshape(-1, 2), np.array(labels, dtype=np.int64)
        self.merge, self.fit_view = merge, fit_view
        self.before: PointsSnapshot | None = None
        self.after: PointsSnapshot | None = None

    def id(self) -> int:  # noqa: A003 - Qt override
        return MERGE_PRESET if self.merge else -1

    def mergeWith(self, other: QtWidgets.QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, ReplacePointsCommand) or not other.merge:
            return False
        self.after, self.xy, self.labels = other.after, other.xy, other.labels
        self.setText(other.text())
        return True

    def redo(self) -> None:
        points = self.owner.points
        if self.after is None:
            self.before = points.replace(self.xy, self.labels)
            self.after = points.snapshot()
        else:
            points.restore(self.after)
        self.owner.notify_points_changed(fit_view=self.fit_view)

    def undo(self) -> None:
        self.owner.points.restore(self.before)
        self.owner.notify_points_changed(fit_view=self.fit_view)
