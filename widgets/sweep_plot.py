"""Training and validation error against a hyperparameter, with the best value by validation and by
training marked, and the chosen model's test error once it has been revealed (the tutorial's slide)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import QtCore, QtGui

from widgets.split_style import SPLIT_COLORS

TRAIN_COLOR, VAL_COLOR, TEST_COLOR = SPLIT_COLORS


class SweepPlot(pg.PlotWidget):
    """Error (%) of each split against the swept value; updated in place as values arrive."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self.setMinimumHeight(140)
        self.plot_item = self.getPlotItem()
        self.plot_item.showGrid(x=True, y=True, alpha=0.2)
        self.plot_item.setLabel("left", "error (%)")
        self.plot_item.getAxis("left").enableAutoSIPrefix(False)
        self.plot_item.getAxis("bottom").enableAutoSIPrefix(False)
        self.train_curve = self.plot_item.plot(pen=pg.mkPen(TRAIN_COLOR, width=2), symbol="o", symbolSize=7,
                                               symbolBrush=TRAIN_COLOR, symbolPen="w")
        self.val_curve = self.plot_item.plot(pen=pg.mkPen(VAL_COLOR, width=2), symbol="s", symbolSize=7,
                                             symbolBrush=VAL_COLOR, symbolPen="w")
        self.best_val = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(VAL_COLOR, width=1.5,
                                                                             style=QtCore.Qt.PenStyle.DashLine))
        self.best_train = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(TRAIN_COLOR, width=1.5,
                                                                               style=QtCore.Qt.PenStyle.DotLine))
        self.best_val_star = pg.ScatterPlotItem(symbol="star", size=18, brush=pg.mkBrush(VAL_COLOR), pen=pg.mkPen("k"))
        self.test_point = pg.ScatterPlotItem(symbol="d", size=14, brush=pg.mkBrush(TEST_COLOR), pen=pg.mkPen("k"))
        self.caption = pg.TextItem(anchor=(0, 0), color=(40, 40, 40), fill=pg.mkBrush(255, 255, 255, 215))
        self.caption.setFont(QtGui.QFont(self.font().family(), 8))
        self.caption.setZValue(20)
        for item in (self.best_val, self.best_train, self.best_val_star, self.test_point):
            item.setVisible(False)
            self.plot_item.addItem(item, ignoreBounds=isinstance(item, pg.InfiniteLine))
        self.plot_item.addItem(self.caption, ignoreBounds=True)
        self.param_title = ""
        self.model = ""
        self.log_x = False
        self.values = np.zeros(0)
        self.train_errors = np.zeros(0)
        self.val_errors = np.zeros(0)
        self._lines: list[str] = []
        self.plot_item.getViewBox().sigRangeChanged.connect(self._place_caption)
        self.set_axis("hyperparameter", False)
        self.setToolTip("Training error keeps falling as the model gets more flexible; validation error "
                        "shows where it starts to overfit. The hyperparameter is chosen by validation.")

    def set_axis(self, title: str, log: bool, model: str = "") -> None:
        """Start a new sweep of ``title`` (log x axis for λ and iterations) for the ``model`` named."""
        self.param_title, self.log_x, self.model = title, log, model
        self.plot_item.setLabel("bottom", title)
        self.plot_item.setLogMode(x=log, y=False)
        self._show_title(False)
        self.set_points([], [], [])
        self.set_choice(None, None)
        self.set_test(None, None)

    def set_points(self, values, train_errors, val_errors) -> None:
        """The values swept so far and their errors (fractions; NaN for a diverged value)."""
        self.values = np.asarray(values, dtype=float)
        self.train_errors = 100 * np.asarray(train_errors, dtype=float)
        self.val_errors = 100 * np.asarray(val_errors, dtype=float)
        for curve, errors in ((self.train_curve, self.train_errors), (self.val_curve, self.val_errors)):
            finite = np.isfinite(errors)
            curve.setData(self.values[finite], errors[finite])
        if len(self.values):
            # Head-room above the curves for the caption
            top = max(5.0, float(np.nanmax([*self.train_errors, *self.val_errors, 0])))
            self.plot_item.setYRange(-0.03 * top - 1, top * 1.45 + 2, padding=0)
            x = np.array([self._x(v) for v in self.values])
            span = max(x.max() - x.min(), 1e-9 if self.log_x else 1.0)
            self.plot_item.setXRange(x.min() - 0.06 * span, x.max() + 0.06 * span, padding=0)

    def _show_title(self, with_test: bool) -> None:
        """The title doubles as the legend, so that no legend box ever hides a point."""
        def key(color, mark, text):
            return f"<span style='color: rgb{tuple(color)}'>{mark} {text}</span>"

        parts = [key(TRAIN_COLOR, "●", "training"), key(VAL_COLOR, "■", "validation")]
        if with_test:
            parts.append(key(TEST_COLOR, "◆", "test (chosen)"))
        model = f"<span style='color: #555'> — {self.model}</span>" if self.model else ""
        self.plot_item.setTitle(" · ".join(parts) + " error" + model, size="9pt")

    def _x(self, value: float) -> float:
        return math.log10(value) if self.log_x else value

    def set_choice(self, by_validation: float | None, by_training: float | None) -> None:
        """Mark the best value by validation (dashed, star) and by training (dotted)."""
        for line, value in ((self.best_val, by_validation), (self.best_train, by_training)):
            line.setVisible(value is not None)
            if value is not None:
                line.setValue(self._x(value))
        self.best_val_star.setVisible(by_validation is not None)
        if by_validation is not None:
            index = int(np.flatnonzero(self.values == by_validation)[0])
            self.best_val_star.setData([self._x(by_validation)], [self.val_errors[index]])
        self._lines = []
        if by_validation is not None:
            self._lines.append(f"best by validation: {by_validation:g}")
        if by_training is not None:
            self._lines.append(f"best by training: {by_training:g}")
        self._lines = self._lines[:2]
        self._show_caption()

    def set_test(self, value: float | None, error: float | None) -> None:
        """Show the chosen model's test error (None: not revealed)."""
        revealed = value is not None and error is not None
        self.test_point.setVisible(revealed)
        self._show_title(revealed)
        self._lines = [line for line in self._lines if not line.startswith("test error")]
        if revealed:
            self.test_point.setData([self._x(value)], [100 * error])
            self._lines.append(f"test error at {value:g}: {100 * error:.1f}%")
        self._show_caption()

    def _show_caption(self) -> None:
        self.caption.setText("\n".join(self._lines))
        self.caption.setVisible(bool(self._lines))
        self._place_caption()

    def _place_caption(self, *_args) -> None:
        (x0, x1), (y0, y1) = self.plot_item.getViewBox().viewRange()
        self.caption.setPos(x0 + 0.02 * (x1 - x0), y1 - 0.03 * (y1 - y0))

    def caption_text(self) -> str:
        return "\n".join(self._lines)
