"""Training loss and test accuracy per epoch, side by side (one ``PlotDataItem`` each, set in place)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg


class TrainingCurves(pg.GraphicsLayoutWidget):
    """Mean training cross-entropy and test accuracy against the epoch."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self.loss_plot = self.addPlot(row=0, col=0, title="Training loss")
        self.accuracy_plot = self.addPlot(row=0, col=1, title="Test accuracy")
        for plot, label in ((self.loss_plot, "cross-entropy"), (self.accuracy_plot, "accuracy")):
            plot.setLabel("bottom", "epoch")
            plot.setLabel("left", label)
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.hideButtons()
        self.accuracy_plot.setYRange(0, 1, padding=0.02)
        self.loss_curve = self.loss_plot.plot(pen=pg.mkPen((30, 30, 30), width=2), symbol="o", symbolSize=4)
        self.accuracy_curve = self.accuracy_plot.plot(pen=pg.mkPen((44, 160, 44), width=2), symbol="o",
                                                      symbolSize=4)
        self.target = pg.InfiniteLine(0.97, angle=0, pen=pg.mkPen((150, 150, 150), style=2),
                                      label="97 %", labelOpts={"position": 0.95, "color": (120, 120, 120), "anchors": [(1, 1), (1, 1)]})
        self.accuracy_plot.addItem(self.target)

    def set_history(self, losses, accuracies) -> None:
        losses = np.asarray(losses, dtype=float)
        accuracies = np.asarray(accuracies, dtype=float)
        self.loss_curve.setData(np.arange(1, len(losses) + 1), losses)
        finite = np.isfinite(accuracies)
        self.accuracy_curve.setData(np.arange(1, len(accuracies) + 1)[finite], accuracies[finite])

    def clear_history(self) -> None:
        self.set_history([], [])
