"""Loss curves over iterations: one ``PlotDataItem`` per series, refreshed with ``setData``.

A long session has hundreds of thousands of iterations and the curves are redrawn every frame.
Handing pyqtgraph the whole history each time copied it several times per frame, and the
ever-larger temporaries fragmented the heap (a 30-minute soak grew by about 1 MB a minute). Long
series are therefore reduced to a min/max envelope of at most :data:`MAX_DRAWN_POINTS` before
they reach pyqtgraph: every peak and dip stays visible, and a frame's work no longer grows with
the session.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import QtCore

from widgets.palette import SERIES_COLORS

#: Points handed to pyqtgraph per series at most (two per bucket: its minimum and its maximum).
MAX_DRAWN_POINTS = 4096
#: Where the plot's range may end, per decade (see :func:`nice_ceiling`).
NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(value: float) -> float:
    """The smallest of :data:`NICE_STEPS` × 10^k that is ≥ ``value`` (1 for anything ≤ 0 or not finite).

    The plot's automatic range reaches the series' extent rounded up this way, so it changes about
    ten times per decade instead of every frame: the axes are not re-laid out at every step (a third
    of a frame's painting), the curve does not jitter against them, and it still fills at least
    three quarters of the width."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    decade = 10.0 ** np.floor(np.log10(value))
    for factor in NICE_STEPS:
        if factor * decade * (1 + 1e-12) >= value:
            return float(factor * decade)
    return float(10 * decade)


def envelope(x: np.ndarray | None, y: np.ndarray, limit: int = MAX_DRAWN_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """The finite points of (x, y) (x defaults to 0, 1, …), or past ``limit`` points the minimum
    and maximum of each bucket of consecutive values, in order, then the last point itself;
    buckets are a power of two long, so they stay put as the series grows. No temporary is as
    long as the series."""
    n = len(y)
    if n <= limit:
        xs = np.arange(n, dtype=float) if x is None else np.asarray(x, dtype=float)
        finite = np.isfinite(y)
        return xs[finite], y[finite]
    bucket = 1 << int(np.ceil(np.log2(2 * n / limit)))
    starts = np.arange(0, n, bucket)
    lows, highs = np.fmin.reduceat(y, starts), np.fmax.reduceat(y, starts)  # fmin/fmax skip NaN
    at = starts.astype(float) if x is None else np.asarray(x, dtype=float)[starts]
    xs, ys = np.repeat(at, 2), np.empty(2 * len(starts))
    ys[0::2], ys[1::2] = lows, highs
    xs = np.append(xs, (n - 1) if x is None else float(np.asarray(x)[-1]))
    ys = np.append(ys, y[-1])
    finite = np.isfinite(ys)
    return xs[finite], ys[finite]


class LossPlot(pg.PlotWidget):
    """Named loss series (train, validation, an optimizer in a race…) against the iteration.

    Series are created on first use and updated in place afterwards; a dashed vertical line
    marks the iteration currently shown.
    """

    def __init__(self, parent=None, title: str = "Loss (mean cross-entropy)") -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self.plot_item = self.getPlotItem()
        self.plot_item.setTitle(title, color=(40, 40, 40))
        self.plot_item.setLabel("bottom", "iteration")
        # no left label: the plot is often too short for it (the title names the quantity)
        self.plot_item.getAxis("left").enableAutoSIPrefix(False)
        self.plot_item.showGrid(x=True, y=True, alpha=0.2)
        self.plot_item.setMenuEnabled(True)
        self.legend = self.plot_item.addLegend(offset=(-10, 10))
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.annotations: dict[str, pg.InfiniteLine] = {}
        self.marker = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen((120, 120, 120), style=QtCore.Qt.PenStyle.DashLine))
        self.marker.setVisible(False)
        self.plot_item.addItem(self.marker, ignoreBounds=True)
        # two invisible points, (0, 0) and the rounded-up extent, that the automatic range includes
        self.extent_anchor = self.plot_item.plot([0.0, 1.0], [0.0, 1.0], pen=pg.mkPen(0, 0, 0, 0))
        self._extents: dict[str, tuple[float, float]] = {}
        self._anchor_at: tuple[float, float] = (1.0, 1.0)
        self.setToolTip("Loss at each iteration; right-click for log scale and export")

    def set_series(self, name: str, values, color=None, iterations=None, dashed: bool = False,
                   width: float = 2) -> None:
        """Show ``values`` (loss at iteration 0, 1, …, or at ``iterations``) as series ``name``
        (``width`` 1 draws fastest: a race adds several curves that redraw every frame)."""
        y = np.asarray(values, dtype=float)
        curve = self.curves.get(name)
        if curve is None:
            color = color or SERIES_COLORS[len(self.curves) % len(SERIES_COLORS)]
            pen = pg.mkPen(color, width=width, style=QtCore.Qt.PenStyle.DashLine if dashed else QtCore.Qt.PenStyle.SolidLine)
            curve = self.plot_item.plot(name=name, pen=pen)
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            self.curves[name] = curve
        xs, ys = envelope(iterations, y)
        curve.setData(xs, ys)
        self._extents[name] = (float(xs[-1]) if len(xs) else 0.0, float(ys.max()) if len(ys) else 0.0)
        self._move_anchor()

    def _move_anchor(self) -> None:
        x_max = max((x for x, _ in self._extents.values()), default=0.0)
        y_max = max((y for _, y in self._extents.values()), default=0.0)
        at = (nice_ceiling(x_max), nice_ceiling(y_max))
        if at != self._anchor_at:
            self._anchor_at = at
            self.extent_anchor.setData([0.0, at[0]], [0.0, at[1]])

    def remove_series(self, name: str) -> None:
        curve = self.curves.pop(name, None)
        if curve is not None:
            self.plot_item.removeItem(curve)
            self.legend.removeItem(curve)
            self._extents.pop(name, None)
            self._move_anchor()

    def clear_series(self) -> None:
        for name in list(self.curves):
            self.remove_series(name)

    def set_marker(self, iteration: int | None) -> None:
        self.marker.setVisible(iteration is not None)
        if iteration is not None:
            self.marker.setValue(iteration)

    def set_annotation(self, name: str, iteration: float | None, color=(90, 90, 90), text: str = "") -> None:
        """A named vertical line with a label at ``iteration`` (e.g. early stopping); None hides it."""
        line = self.annotations.get(name)
        if line is None:
            line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(color, width=1.5, style=QtCore.Qt.PenStyle.DashLine),
                                   label="", labelOpts={"position": 0.92, "color": color, "anchors": [(0, 0), (0, 0)],
                                                        "fill": pg.mkBrush(255, 255, 255, 200)})
            self.plot_item.addItem(line, ignoreBounds=True)
            self.annotations[name] = line
        line.setVisible(iteration is not None)
        if iteration is not None:
            line.setValue(iteration)
            line.label.setFormat(text)

    def series_data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The (x, y) a series currently shows (for tests and exports)."""
        x, y = self.curves[name].getData()
        return (np.zeros(0), np.zeros(0)) if x is None else (np.asarray(x), np.asarray(y))
