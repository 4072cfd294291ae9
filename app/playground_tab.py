"""The Playground tab: the data canvas with the decision boundary, the loss curve and the controls,
wired to a :class:`~app.session.PlaygroundSession`. Views never talk to each other: every
gesture goes to the session, every redraw comes from its signals."""

from __future__ import annotations

import math

import numpy as np
from PyQt5 import QtCore, QtWidgets

from app.generalization_panel import attach_generalization
from app.history_controller import HistoryController
from app.landscape_controller import LandscapeController
from app.race_controller import RaceController
from app.session import Frame, PlaygroundSession
from models.classifiers import flatten, init_values
from widgets.data_controls import DataControls
from widgets.side_panel import scrolling_column
from widgets.history_slider import HistorySlider
from widgets.landscape_panel import LandscapePanel
from widgets.loss_plot import LossPlot
from widgets.model_controls import ModelControls
from widgets.optimizer_controls import OptimizerControls
from widgets.point_canvas import PointCanvas
from widgets.training_controls import TrainingControls


class NoticeBar(QtWidgets.QFrame):
    """A dismissable warning above the views (divergence, empty class): visible, never modal."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setStyleSheet("NoticeBar { background: #fff3cd; border: 1px solid #e0c060; border-radius: 4px; }")
        self.label = QtWidgets.QLabel()
        self.label.setWordWrap(True)
        close = QtWidgets.QToolButton()
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()


class PlaygroundTab(QtWidgets.QWidget):
    """Canvas, loss plot and controls for one session."""

    def __init__(self, session: PlaygroundSession, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.canvas = PointCanvas()
        self.loss_plot = LossPlot()
        self.data_controls = DataControls()
        self.model_controls = ModelControls(session.spec)
        self.training_controls = TrainingControls(lr=session.config.lr, steps_per_frame=session.steps_per_frame)
        self.training_controls.seed.setValue(session.config.seed)
        self.training_controls.standardize.setChecked(session.config.standardize)
        self.model_controls.l2.set_value(session.config.l2)
        self.notice = NoticeBar()
        self.optimizer_controls = OptimizerControls(session.config.optimizer, session.config.batch_size)
        self.landscape_panel = LandscapePanel()
        self.history_slider = HistorySlider()

        scroll = scrolling_column([self.data_controls, self.model_controls, self.training_controls,
                                   self.optimizer_controls], width=350)

        #: Views side by side above the loss plot; later tabs of work add views here.
        self.top_views = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        self.top_views.addWidget(self.canvas)
        self.top_views.addWidget(self.landscape_panel)
        self.views = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        self.views.addWidget(self.top_views)
        self.views.addWidget(self.loss_plot)
        self.views.setStretchFactor(0, 3)
        self.views.setStretchFactor(1, 1)
        right = QtWidgets.QWidget()
        right_layout = QtWidgets.QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.notice)
        right_layout.addWidget(self.views, 1)
        right_layout.addWidget(self.history_slider)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(right, 1)
        self._connect()
        self.generalization = attach_generalization(self)  # split, metrics, model selection (issue 5)
        self.race = RaceController(session, self.optimizer_controls, self.loss_plot)
        self.history = HistoryController(session, self.race, self.history_slider, self.loss_plot)
        self.landscape = LandscapeController(session, self.landscape_panel, self.race, self.history)
        self.race.message.connect(self.notice.show_message)

    # ------------------------------------------------------------------ wiring
    def _connect(self) -> None:
        s, canvas = self.session, self.canvas
        canvas.add_requested.connect(s.add_point)
        canvas.delete_requested.connect(s.delete_points)
        canvas.point_dragged.connect(s.preview_move)
        canvas.move_finished.connect(s.finish_move)
        canvas.view_changed.connect(s.set_view_rect)
        self.data_controls.preset_requested.connect(s.apply_preset)
        self.data_controls.clear_requested.connect(s.clear_points)
        self.model_controls.spec_changed.connect(s.set_spec)
        self.model_controls.l2_changed.connect(s.set_l2)
        tc = self.training_controls
        tc.step_requested.connect(s.step)
        tc.play_toggled.connect(s.set_playing)
        tc.reset_requested.connect(self.reset)
        tc.lr_changed.connect(s.set_lr)
        tc.steps_per_frame_changed.connect(s.set_steps_per_frame)
        tc.standardize_toggled.connect(s.set_standardize)
        tc.seed_changed.connect(s.set_seed)
        s.points_changed.connect(self._on_points_changed)
        s.frame_ready.connect(self._on_frame)
        s.playing_changed.connect(tc.show_playing)
        s.busy_changed.connect(tc.set_busy)
        s.diverged.connect(self.notice.show_message)
        s.model_changed.connect(self._on_model_changed)

    def _on_points_changed(self, fit_view: bool) -> None:
        s = self.session
        self.canvas.set_axis_names(*s.axis_names)
        self.canvas.set_points(s.points.xy, s.points.labels)
        n0, n1 = s.points.class_counts()
        self.data_controls.show_counts(n0, n1, s.class_names())
        if fit_view:
            self.canvas.fit_to_points()
        if len(s.points) and (n0 == 0 or n1 == 0):
            missing = s.class_names()[0 if n0 == 0 else 1]
            self.notice.show_message(
                f"There are no {missing} points: the model can only learn to say everything is "
                f"{s.class_names()[1 if n0 == 0 else 0]}. Add some {missing} "
                f"({'left-click' if n0 == 0 else 'right-click or Shift+click'})."
            )
        elif self.notice.isVisible() and self.notice.label.text().startswith("There are no"):
            self.notice.hide()

    def _on_model_changed(self, spec) -> None:
        self.loss_plot.clear_series()
        if self.model_controls.spec() != spec:
            self.model_controls.set_spec(spec)  # a model chosen elsewhere (a file, the command line)

    def _on_frame(self, frame: Frame) -> None:
        if frame.grid is not None:
            self.canvas.boundary.set_grid(frame.grid, frame.grid_rect)
        self.canvas.set_misclassified(frame.misclassified)
        self.loss_plot.set_series("train", frame.loss_history)

    def status_text(self, frame: Frame | None) -> str:
        if frame is None:
            return ""
        loss = "—" if not math.isfinite(frame.loss) else f"{frame.loss:.4f}"
        acc = "—" if not math.isfinite(frame.accuracy) else f"{100 * frame.accuracy:.1f}%"
        return f"Iteration {frame.iteration} · loss {loss} · training accuracy {acc}"

    def reset(self) -> None:
        """A new w(0) from the seed, undoably (the descent so far comes back with Ctrl+Z)."""
        s = self.session
        if s.trainer is None or not s.ready:
            s.reset()  # nothing to lose yet: the seed takes effect when the model is ready
            return
        values = flatten(init_values(s.trainer.spec, s.config.seed, s.config.init))
        self.history.restart_from(values, f"Reset (seed {s.config.seed})")

    def fit_view(self) -> None:
        self.canvas.fit_to_points()

    def selected_points(self) -> list[int]:
        return list(self.canvas.selection)

    def delete_selected(self) -> None:
        self.session.delete_points(self.selected_points())

    def select_all(self) -> None:
        self.canvas.select(list(np.arange(len(self.session.points))))
