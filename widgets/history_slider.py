"""The history slider: scrub through the iterations already computed (w(0) … w(T))."""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets


class HistorySlider(QtWidgets.QWidget):
    """A slider over 0…T with back/forward buttons and a label saying what stepping would do.

    Signals
    -------
    iteration_requested(int)
        The user moved to this iteration (slider, buttons, keys).
    """

    iteration_requested = QtCore.pyqtSignal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Scrub through past iterations: the parameters, the boundary and the paths follow.\n"
                               "Stepping from an earlier iteration discards the later ones (Ctrl+Z undoes it).\n"
                               "Keys: ← back one iteration, → forward (a new step at the end), End: latest")
        self.back = QtWidgets.QToolButton()
        self.back.setText("◀")
        self.back.setToolTip("Back one iteration (←)")
        self.forward = QtWidgets.QToolButton()
        self.forward.setText("▶")
        self.forward.setToolTip("Forward one iteration (→)")
        self.latest = QtWidgets.QToolButton()
        self.latest.setText("Latest")
        self.latest.setToolTip("Back to the latest iteration (End)")
        for button in (self.back, self.forward, self.latest):
            button.setAutoRaise(True)
            button.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.label = QtWidgets.QLabel()
        self.label.setMinimumWidth(220)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QtWidgets.QLabel("History"))
        layout.addWidget(self.back)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.forward)
        layout.addWidget(self.latest)
        layout.addWidget(self.label)
        self.slider.valueChanged.connect(self._on_value_changed)
        self.back.clicked.connect(lambda: self.iteration_requested.emit(max(self.slider.value() - 1, 0)))
        self.forward.clicked.connect(lambda: self.iteration_requested.emit(self.slider.value() + 1))
        self.latest.clicked.connect(lambda: self.iteration_requested.emit(self.slider.maximum()))
        self.show_state(0, 0)

    def show_state(self, shown: int, latest: int) -> None:
        """Reflect iteration ``shown`` of 0…``latest`` without emitting."""
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, max(int(latest), 0))
        self.slider.setValue(int(shown))
        self.slider.blockSignals(blocked)
        if shown < latest:
            self.label.setText(f"iteration {shown} of {latest} · stepping discards {shown + 1}…{latest}")
            self.label.setStyleSheet("color: #8a5300;")
        else:
            self.label.setText(f"iteration {latest} (latest)")
            self.label.setStyleSheet("")
        self.back.setEnabled(shown > 0)
        self.latest.setEnabled(shown < latest)

    @property
    def shown(self) -> int:
        return self.slider.value()

    def _on_value_changed(self, value: int) -> None:
        self.iteration_requested.emit(int(value))
