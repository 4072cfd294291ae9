"""Scrubbing through past iterations, stepping on from one of them, and starting again from a chosen
w(0): for the descent shown and every racer at once, with undo."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PyQt5 import QtCore

from app.history_commands import DiscardLaterCommand, RestartFromCommand
from models.classifiers import unflatten
from models.descent_history import TrainerSnapshot


@dataclass(frozen=True)
class DescentSnapshot:
    """The primary trainer (which one, and its state) and every racer's state."""

    trainer: object
    primary: TrainerSnapshot
    racers: dict


class HistoryController(QtCore.QObject):
    """Connects the history slider to the session and the race; owns the descent's undo commands.

    Signals
    -------
    message(str)
        Something to tell the user (status bar).
    """

    message = QtCore.pyqtSignal(str)

    def __init__(self, session, race, slider, loss_plot, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent or session)
        self.session, self.race, self.slider, self.loss_plot = session, race, slider, loss_plot
        slider.iteration_requested.connect(self.view)
        session.about_to_step.connect(self._on_about_to_step)
        session.frame_ready.connect(self._on_frame)

    # ------------------------------------------------------------------ scrubbing
    def view(self, iteration: int) -> None:
        """Show w(iteration) for every racer, keeping the later iterations (pauses playback)."""
        s = self.session
        if not s.can_step() or s.trainer is None:
            return
        s.pause()
        trainer = s.trainer
        shown = trainer.view(max(0, min(int(iteration), trainer.iteration)))
        if self.race.race is not None:
            self.race.race.view(shown)
        s.refresh()

    def back(self) -> None:
        if self.session.trainer is not None:
            self.view(self.session.trainer.shown_iteration - 1)

    def forward_or_step(self) -> None:
        """One iteration forward through the history; at the latest, one new step."""
        trainer = self.session.trainer
        if trainer is not None and trainer.viewing is not None:
            self.view(trainer.viewing + 1)
        else:
            self.session.step(1)

    def latest(self) -> None:
        if self.session.trainer is not None:
            self.view(self.session.trainer.iteration)

    def _on_frame(self, frame) -> None:
        trainer = self.session.trainer
        if trainer is None:
            return
        self.slider.show_state(trainer.shown_iteration, trainer.iteration)
        self.loss_plot.set_marker(trainer.viewing)

    def _on_about_to_step(self) -> None:
        trainer = self.session.trainer
        if trainer is not None and trainer.viewing is not None:
            self.session.undo_stack.push(DiscardLaterCommand(self, trainer.viewing, trainer.iteration))
            self.message.emit(f"Stepping on from iteration {trainer.iteration}: the later iterations were "
                              "discarded (Ctrl+Z brings them back).")

    # ------------------------------------------------------------------ a new w(0)
    def restart_from(self, values: np.ndarray, text: str) -> None:
        """Start again at w(0) = ``values`` (flat), undoably."""
        if self.session.can_step():
            self.session.undo_stack.push(RestartFromCommand(self, values, text))

    # ------------------------------------------------------------------ what the commands call
    def snapshot_all(self) -> DescentSnapshot | None:
        trainer = self.session.trainer
        if trainer is None:
            return None
        race = self.race.race
        return DescentSnapshot(trainer, TrainerSnapshot.take(trainer), race.snapshot() if race is not None else {})

    def restore_all(self, snapshot: DescentSnapshot | None) -> bool:
        s = self.session
        if snapshot is None or s.trainer is not snapshot.trainer or not s.can_step():
            self.message.emit("That descent belongs to another model (or a compile is running): nothing to undo.")
            return False
        s.pause()
        snapshot.primary.restore(s.trainer)
        if self.race.race is not None:
            self.race.race.restore(snapshot.racers)
        s.refresh()
        return True

    def apply_restart(self, values: np.ndarray) -> None:
        s = self.session
        if s.trainer is not None and s.can_step():
            s.restart_from(unflatten(values, s.trainer.spec))  # emits restarted: the race follows

    def apply_discard(self, iteration: int) -> None:
        s = self.session
        if s.trainer is None:
            return
        s.trainer.rewind(iteration)
        if self.race.race is not None:
            self.race.race.rewind(iteration)
