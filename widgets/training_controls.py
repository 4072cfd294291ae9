"""Step, play/pause, reset, the learning rate and the other knobs of gradient descent."""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets

from widgets.log_spin import LogValueControl


class TrainingControls(QtWidgets.QGroupBox):
    """Buttons and knobs that drive the descent; every change is a signal, nothing is computed here."""

    step_requested = QtCore.pyqtSignal()
    play_toggled = QtCore.pyqtSignal(bool)
    reset_requested = QtCore.pyqtSignal()
    lr_changed = QtCore.pyqtSignal(float)
    steps_per_frame_changed = QtCore.pyqtSignal(int)
    standardize_toggled = QtCore.pyqtSignal(bool)
    seed_changed = QtCore.pyqtSignal(int)

    def __init__(self, lr: float = 0.1, steps_per_frame: int = 1, parent=None) -> None:
        super().__init__("Gradient descent", parent)
        self.step_button = QtWidgets.QPushButton("Step")
        self.step_button.setToolTip("One full-batch gradient step: w ← w − α∇L(w)   (S or →)")
        self.play_button = QtWidgets.QPushButton("Play")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Animate gradient descent continuously   (Space)")
        self.reset_button = QtWidgets.QPushButton("Reset")
        self.reset_button.setToolTip("Start again from a random w(0) drawn from the seed   (R)")
        for button in (self.step_button, self.play_button, self.reset_button):
            button.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)  # keep Space for Play/Pause
        buttons = QtWidgets.QHBoxLayout()
        for button in (self.step_button, self.play_button, self.reset_button):
            buttons.addWidget(button)
        self.lr = LogValueControl(1e-4, 10.0, lr)
        self.lr.setToolTip("Learning rate α (log scale). Changing it never recompiles the model.")
        self.steps_per_frame = QtWidgets.QSpinBox()
        self.steps_per_frame.setRange(1, 500)
        self.steps_per_frame.setValue(steps_per_frame)
        self.steps_per_frame.setToolTip("Gradient steps per animation frame (faster playback)")
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip("Seed of the random initial parameters w(0)")
        self.standardize = QtWidgets.QCheckBox("Standardize inputs")
        self.standardize.setChecked(True)
        self.standardize.setToolTip(
            "Train on (x − mean) / std per feature. Turn it off on the trout/salmon data to see\n"
            "gradient descent zig-zag when one feature (length, in cm) dwarfs the other."
        )
        form = QtWidgets.QFormLayout(self)
        form.addRow(buttons)
        form.addRow("Learning rate α", self.lr)
        form.addRow("Steps per frame", self.steps_per_frame)
        form.addRow("Seed", self.seed)
        form.addRow(self.standardize)

        self.step_button.clicked.connect(self.step_requested)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.reset_button.clicked.connect(self.reset_requested)
        self.lr.value_changed.connect(self.lr_changed)
        self.steps_per_frame.valueChanged.connect(self.steps_per_frame_changed)
        self.standardize.toggled.connect(self.standardize_toggled)
        self.seed.valueChanged.connect(self.seed_changed)

    def _on_play_toggled(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")
        self.play_toggled.emit(playing)

    def show_playing(self, playing: bool) -> None:
        """Reflect the session's play state without emitting."""
        blocked = self.play_button.blockSignals(True)
        self.play_button.setChecked(playing)
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.blockSignals(blocked)

    def set_busy(self, busy: bool) -> None:
        """While a model compiles, stepping is not possible."""
        self.step_button.setEnabled(not busy)
