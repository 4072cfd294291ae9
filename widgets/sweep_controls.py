"""Model selection: which hyperparameter to sweep, its values, Sweep / Stop, and Evaluate on test."""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets

from models.sweep import PARAMS


class SweepControls(QtWidgets.QWidget):
    """Emits intents only; the values are parsed and checked by the application.

    Signals
    -------
    sweep_requested()
    stop_requested()
    test_requested()
    """

    sweep_requested = QtCore.pyqtSignal()
    stop_requested = QtCore.pyqtSignal()
    test_requested = QtCore.pyqtSignal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.param = QtWidgets.QComboBox()
        for info in PARAMS.values():
            self.param.addItem(info.label, info.name)
            self.param.setItemData(self.param.count() - 1, f"Sweep the {info.title}", QtCore.Qt.ItemDataRole.ToolTipRole)
        self.param.setToolTip("The hyperparameter to choose by validation. k-NN (k-nearest neighbours) is a "
                              "second model family, offered here only.")
        self.values = QtWidgets.QLineEdit()
        self.values.setPlaceholderText("values, e.g. 1,2,3")
        self.values.setToolTip("Comma-separated values to try (Enter starts the sweep)")
        self.steps = QtWidgets.QSpinBox()
        self.steps.setRange(1, 100_000)
        self.steps.setSingleStep(100)
        self.steps.setValue(500)
        self._steps_tip = ("Gradient steps per value, each from the same w(0) (learning rate, λ and seed from "
                           "the other controls)")
        self.steps.setToolTip(self._steps_tip)
        self.sweep = QtWidgets.QPushButton("Sweep")
        self.sweep.setToolTip("Train one model per value on the training split and measure it on validation (Ctrl+E)")
        self.stop = QtWidgets.QPushButton("Stop")
        self.stop.setToolTip("Stop the sweep; the values done so far stay on the plot")
        self.stop.setEnabled(False)
        self.test = QtWidgets.QPushButton("Evaluate on test")
        self.test.setToolTip("Reveal the test error of the model chosen by validation. Do this once, at the end: "
                             "the app records that the test set has been used.")
        self.test.setEnabled(False)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat("%v / %m values")
        self.progress.setMaximumHeight(16)
        self.progress.setFixedWidth(110)
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        lines = 2  # never taller: a long message is cut, and whole in the tooltip
        self.status.setFixedHeight(lines * self.status.fontMetrics().lineSpacing() + 4)
        self.status.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop | QtCore.Qt.AlignmentFlag.AlignLeft)
        first = QtWidgets.QHBoxLayout()
        first.addWidget(self.param)
        first.addWidget(self.values, 1)
        first.addWidget(QtWidgets.QLabel("steps"))
        first.addWidget(self.steps)
        second = QtWidgets.QHBoxLayout()
        for button in (self.sweep, self.stop, self.test):
            second.addWidget(button)
        second.addWidget(self.progress)
        second.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(3)
        layout.addLayout(first)
        layout.addLayout(second)
        layout.addWidget(self.status)
        self._on_param(0)
        self.param.currentIndexChanged.connect(self._on_param)
        self.sweep.clicked.connect(self.sweep_requested)
        self.stop.clicked.connect(self.stop_requested)
        self.test.clicked.connect(self.test_requested)
        self.values.returnPressed.connect(self.sweep_requested)

    def param_name(self) -> str:
        return self.param.currentData()

    def _on_param(self, _index: int) -> None:
        name = self.param_name()
        self.values.setText(PARAMS[name].default)
        no_steps = name in ("k", "iterations")
        self.steps.setEnabled(not no_steps)
        self.steps.setToolTip("k-NN does not train" if name == "k" else
                              "The iterations are the values" if name == "iterations" else self._steps_tip)

    def show_running(self, running: bool) -> None:
        self.sweep.setEnabled(not running)
        self.stop.setEnabled(running)
        for widget in (self.param, self.values):
            widget.setEnabled(not running)
        self.steps.setEnabled(not running and self.param_name() not in ("k", "iterations"))

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def show_status(self, text: str, error: bool = False) -> None:
        """One line under the buttons (the whole text is in its tooltip when it does not fit)."""
        self.status.setText(text)
        self.status.setToolTip(text)
        self.status.setStyleSheet("color: #b00020;" if error else "")
