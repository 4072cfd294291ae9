"""The train / validation / test split as application state.

The split of every point follows from a :class:`~models.splits.SplitPlan` (percentages, seed,
pins by point id) and the session's current point ids, so the points' own undo commands need to
know nothing about it. Changing the plan (re-draw, percentages, seed, pins) is a command on the
session's undo stack, like every edit of the points. The controller also keeps the record of
each time the test set was looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PyQt5 import QtCore, QtWidgets

from models.splits import SPLIT_NAMES, TRAIN, SplitPlan, split_counts
from models.points import PointSet

MERGE_SPLIT = 1002


@dataclass(frozen=True)
class HeldOutUse:
    """One look at the test set: on which split, and what was seen."""

    plan: SplitPlan
    description: str


class SplitPlanCommand(QtWidgets.QUndoCommand):
    """Replace the split plan (re-draw, percentages, seed, pins); consecutive ``merge`` edits merge."""

    def __init__(self, controller: SplitController, before: SplitPlan, after: SplitPlan, text: str,
                 merge: bool = False) -> None:
        super().__init__(text)
        self.controller, self.before, self.after, self.merge = controller, before, after, merge

    def id(self) -> int:  # noqa: A003 - Qt override
        return MERGE_SPLIT if self.merge else -1

    def mergeWith(self, other: QtWidgets.QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, SplitPlanCommand) or not other.merge:
            return False
        self.after = other.after
        self.setText(other.text())
        return True

    def redo(self) -> None:
        self.controller.set_plan(self.after)

    def undo(self) -> None:
        self.controller.set_plan(self.before)


class SplitController(QtCore.QObject):
    """Split plan, on/off, hidden splits and the test-set record for one session.

    Signals
    -------
    changed()
        The plan, the on/off state or the points changed: the codes may differ.
    view_changed()
        Which splits are drawn changed.
    test_record_changed()
    message(str)
        Something the user should read (a refused percentage).
    """

    changed = QtCore.pyqtSignal()
    view_changed = QtCore.pyqtSignal()
    test_record_changed = QtCore.pyqtSignal()
    message = QtCore.pyqtSignal(str)

    def __init__(self, session, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.plan = SplitPlan()
        self.enabled = False
        self.hidden: set[int] = set()
        self.test_uses: list[HeldOutUse] = []
        self._cache: tuple[tuple, np.ndarray] | None = None
        session.points_changed.connect(self._on_points_changed)

    # ------------------------------------------------------------------ reading
    def codes(self) -> np.ndarray:
        """Split code of every current point (0 train, 1 validation, 2 test)."""
        ids = self.session.points.ids
        key = (self.plan, ids.tobytes())
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self.plan.assign(ids))
        return self._cache[1]

    def counts(self) -> tuple[int, int, int]:
        return split_counts(self.codes())

    def pinned_count(self) -> int:
        ids = set(self.session.points.ids.tolist())
        return sum(1 for point_id, _ in self.plan.pins if point_id in ids)

    def _train_mask(self, points: PointSet) -> np.ndarray:
        return self.plan.assign(points.ids) == TRAIN

    @property
    def test_revealed(self) -> bool:
        """The test set of the current plan has been looked at."""
        return any(use.plan == self.plan for use in self.test_uses)

    # ------------------------------------------------------------------ changing (commands call set_plan)
    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        self.session.set_train_mask_source(self._train_mask if self.enabled else None)
        self.changed.emit()

    def set_plan(self, plan: SplitPlan) -> None:
        self.plan = plan.validated()
        if self.enabled:
            self.session.set_train_mask_source(self._train_mask)
        self.changed.emit()
        self.test_record_changed.emit()

    def _push(self, after: SplitPlan, text: str, merge: bool = False) -> None:
        if after != self.plan:
            self.session.undo_stack.push(SplitPlanCommand(self, self.plan, after, text, merge))

    def request_percentages(self, train: int, validation: int) -> None:
        """New percentages (undoable); validation shrinks to fit, a training split of 0% is refused."""
        if train < 1:
            self.changed.emit()  # the controls show the plan again
            self.message.emit("The training split needs at least 1% of the points.")
            return
        validation = max(0, min(int(validation), 100 - int(train)))
        after = SplitPlan(int(train), validation, self.plan.seed, self.plan.pins)
        self._push(after, f"Split {after.train}/{after.validation}/{after.test}", merge=True)
        if after.validation != self.plan.validation or after.train != self.plan.train:
            self.changed.emit()

    def request_seed(self, seed: int) -> None:
        self._push(SplitPlan(self.plan.train, self.plan.validation, int(seed), self.plan.pins),
                   f"Split seed {seed}", merge=True)

    def request_redraw(self) -> None:
        seed = self.plan.seed + 1
        self._push(SplitPlan(self.plan.train, self.plan.validation, seed, self.plan.pins), f"Re-draw split (seed {seed})")

    def request_pin(self, indices: list[int], split: int | None) -> None:
        """Pin the points at ``indices`` to ``split`` (None: back to the random draw); undoable."""
        ids = [int(self.session.points.ids[i]) for i in indices]
        if not ids:
            return
        what = f"{len(ids)} point{'s' if len(ids) != 1 else ''}"
        text = f"Pin {what} to {SPLIT_NAMES[split]}" if split is not None else f"Unpin {what}"
        self._push(self.plan.with_pins(ids, split), text)

    def set_visible(self, split: int, visible: bool) -> None:
        (self.hidden.discard if visible else self.hidden.add)(int(split))
        self.view_changed.emit()

    def record_test_use(self, description: str, plan: SplitPlan | None = None) -> None:
        """Remember that the test set of ``plan`` (default: the current one) has been looked at."""
        self.test_uses.append(HeldOutUse(plan or self.plan, description))
        self.test_record_changed.emit()

    def last_test_use(self) -> str:
        mine = [use.description for use in self.test_uses if use.plan == self.plan]
        return mine[-1] if mine else ""

    def _on_points_changed(self, _fit_view: bool) -> None:
        if self.enabled:
            self.changed.emit()
