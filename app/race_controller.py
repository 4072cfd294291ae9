"""Racing optimizers: the optimizer controls, the session's descent and the :class:`~models.race.Race`
that follows it, and each racer's loss curve. Paths are drawn by the landscape controller from
:meth:`RaceController.racers`."""

from __future__ import annotations

from dataclasses import dataclass

from PyQt5 import QtCore

from models.optimizers import SHORT_TITLES
from models.race import Race
from models.training import Trainer
from widgets.palette import OPTIMIZER_COLORS, SERIES_COLORS

#: Steps a racer added late may take per frame (or per idle turn) while it catches up.
CATCH_UP_STEPS = 40


@dataclass(frozen=True)
class RacerView:
    """What the views need of one racer."""

    key: str
    label: str
    color: tuple[int, int, int]
    trainer: Trainer


class RaceController(QtCore.QObject):
    """Keeps the race in step with the session and draws the racers' loss curves.

    Signals
    -------
    message(str)
        Something to tell the user (a racer diverged).
    """

    message = QtCore.pyqtSignal(str)

    def __init__(self, session, controls, loss_plot, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent or session)
        self.session, self.controls, self.loss_plot = session, controls, loss_plot
        self.race: Race | None = None
        self.wanted: list[str] = controls.racing()
        self._catch_up = QtCore.QTimer(self)
        self._catch_up.setSingleShot(True)
        self._catch_up.setInterval(0)
        self._catch_up.timeout.connect(self._on_catch_up)
        controls.optimizer_changed.connect(self._on_optimizer_changed)
        controls.hyperparameters_changed.connect(self._on_hyperparameters_changed)
        controls.race_changed.connect(self.set_racing)
        controls.batch_size_changed.connect(session.set_batch_size)
        session.stepped.connect(self._on_stepped)
        session.restarted.connect(self._on_restarted)
        session.points_changed.connect(self._on_points_changed)
        session.model_changed.connect(self._on_model_changed)
        session.frame_ready.connect(self._on_frame)
        session.playing_changed.connect(self._on_playing_changed)

    # ------------------------------------------------------------------ the user's choices
    def _on_optimizer_changed(self, name: str, hyperparameters: dict) -> None:
        self.session.set_optimizer(name, hyperparameters)
        self._sync()

    def _on_hyperparameters_changed(self, name: str, values: dict) -> None:
        if name == self.session.config.optimizer:
            self.session.set_hyperparameters(values)
        if self.race is not None:
            self.race.set_hyperparameters(name, values)

    def set_racing(self, names: list[str]) -> None:
        """Race these optimizers beside the one shown (their steps compile first if needed)."""
        self.wanted = [n for n in names if n != self.session.config.optimizer]
        self.session.set_race_optimizers(self.wanted)
        self._sync()
        if self.session.can_step() and not self.session.playing:
            self.session.refresh()  # draw the racers that joined or left

    # ------------------------------------------------------------------ following the session
    def _sync(self) -> None:
        """Make the race match the session's descent and the ticked optimizers, once they can step."""
        s = self.session
        if not s.can_step():
            return  # compiling: the next frame calls this again
        if self.race is None or self.race.primary is not s.trainer:
            self.race = Race(s.trainer)
        before = set(self.race.names)
        self.race.set_racers(self.wanted, self.controls.all_hyperparameters())
        for name in before - set(self.race.names):
            self.loss_plot.remove_series(self.series_name(name))
        if self.race.lagging() and not s.playing:
            self._catch_up.start()

    def _on_model_changed(self, _spec) -> None:
        self.race = None  # a new classifier: racers are rebuilt on it at the next frame

    def _on_points_changed(self, _fit: bool) -> None:
        self.controls.set_max_batch(len(self.session.points))
        if self.race is not None and self.race.racers and self.session.can_step():
            self.race.sync_points()

    def _on_restarted(self) -> None:
        if self.race is not None and self.race.primary is self.session.trainer:
            self.race.restart()

    def _on_stepped(self, _steps: int) -> None:
        if self.race is None or not self.race.racers:
            return
        playing = self.session.playing  # while playing, each racer's newest loss comes with its next step
        for text in self.race.advance(max_steps=None if not self.race.lagging() else CATCH_UP_STEPS,
                                      evaluate=not playing):
            self.message.emit(text)

    def _on_playing_changed(self, playing: bool) -> None:
        if not playing and self.race is not None and self.race.racers and self.session.can_step():
            self.race.evaluate()

    def _on_catch_up(self) -> None:
        """A racer added late steps up to the descent shown, a chunk per turn of the event loop."""
        if self.race is None or not self.session.can_step() or self.session.playing or not self.race.lagging():
            return
        for text in self.race.advance(max_steps=CATCH_UP_STEPS):
            self.message.emit(text)
        self.session.refresh()
        if self.race.lagging():
            self._catch_up.start()

    def _on_frame(self, _frame) -> None:
        if self.race is None or self.race.primary is not self.session.trainer or \
                set(self.race.names) != set(self.wanted) - {self.session.config.optimizer}:
            self._sync()
        if self.race is not None and self.race.points_stale() and self.session.can_step():
            self.race.sync_points()  # points edited while a compile ran
        for racer in self.racers()[1:]:
            self.loss_plot.set_series(self.series_name(racer.key), racer.trainer.loss_history, color=racer.color,
                                      width=1)

    # ------------------------------------------------------------------ for the views
    @staticmethod
    def series_name(optimizer: str) -> str:
        return f"train · {SHORT_TITLES[optimizer]}"

    def racers(self) -> list[RacerView]:
        """The descent shown first (in the colour of its 'train' curve), then each racer."""
        s = self.session
        if s.trainer is None:
            return []
        primary = SHORT_TITLES[s.config.optimizer]
        views = [RacerView(s.config.optimizer, f"{primary} (shown)", SERIES_COLORS[0], s.trainer)]
        if self.race is not None and self.race.primary is s.trainer:
            views += [RacerView(name, SHORT_TITLES[name] + (" (diverged)" if racer.stopped else ""),
                                OPTIMIZER_COLORS[name], racer.trainer) for name, racer in self.race.racers.items()]
        return views
