"""Transfer learning: the examples-per-class slider, Run, and the transfer-vs-scratch comparison."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5 import QtCore, QtWidgets

from models.transfer import MAX_SHOTS


class TransferControls(QtWidgets.QGroupBox):
    """Signals
    -------
    run_requested(int)
        Run the experiment with this many training examples per digit 5–9.
    """

    run_requested = QtCore.pyqtSignal(int)

    def __init__(self, parent=None) -> None:
        super().__init__("Transfer learning: 0–4 → 5–9", parent)
        self.shots = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.shots.setRange(1, MAX_SHOTS)
        self.shots.setValue(5)
        self.shots.setToolTip("Training examples of each digit 5–9 (the same ones for transfer and scratch)")
        self.shots_label = QtWidgets.QLabel()
        self.shots.valueChanged.connect(self._show_shots)
        self.run_button = QtWidgets.QPushButton("Compare transfer vs scratch")
        self.run_button.setToolTip("Pre-train on 0–4 (once), freeze the conv layers, train a new classifier on "
                                   "5–9; train the same network from scratch on the same examples")
        self.run_button.clicked.connect(lambda: self.run_requested.emit(self.shots.value()))
        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, 100)
        self.result = QtWidgets.QLabel("Not run yet")
        self.result.setWordWrap(True)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.shots, 1)
        row.addWidget(self.shots_label)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.run_button)
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        self._show_shots(self.shots.value())

    def _show_shots(self, value: int) -> None:
        self.shots_label.setText(f"{value} per class")

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.shots.setEnabled(not running)


class TransferPlot(pg.PlotWidget):
    """Test accuracy on 5–9 against training steps: frozen transferred features vs from scratch."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self.plot_item = self.getPlotItem()
        self.plot_item.setLabel("bottom", "training steps on the few examples")
        self.plot_item.setLabel("left", "test accuracy (5–9)")
        self.plot_item.showGrid(x=True, y=True, alpha=0.2)
        self.plot_item.setYRange(0, 1, padding=0.02)
        self.plot_item.addLegend(offset=(-10, -10))
        self.transfer = self.plot_item.plot(name="transfer (frozen conv layers)", pen=pg.mkPen((214, 39, 40), width=2))
        self.scratch = self.plot_item.plot(name="from scratch", pen=pg.mkPen((30, 30, 30), width=2, style=2))
        self.plot_item.setTitle("Run the comparison", size="10pt", color=(120, 120, 120))

    def set_result(self, steps, transfer, scratch, shots: int) -> None:
        steps = np.asarray(steps, dtype=float)
        self.transfer.setData(steps, np.asarray(transfer, dtype=float))
        self.scratch.setData(steps, np.asarray(scratch, dtype=float))
        self.plot_item.setTitle(f"{shots} example(s) per digit: transfer {transfer[-1]:.1%}, scratch {scratch[-1]:.1%}",
                                size="10pt", color=(40, 40, 40))
