"""The cost landscape: the training cost over two parameters as a heatmap with contour lines and a
colour bar, the descent paths drawn on it, and a gradient arrow at the current point.

One ``ImageItem`` holds the grid (log-scaled colours, so that the valley floor keeps its
detail), ``IsocurveItem``s parented to it draw the contours, each path is one ``PlotDataItem``
refreshed with ``setData``. A click on the plot asks for a new w(0) there; dragging pans and the
wheel zooms (the controller recomputes the grid for the new range).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import QtCore

from widgets.contours import FastIsocurveItem

Qt = QtCore.Qt
N_CONTOURS = 9
ARROW_PIXELS = 70.0
#: A path longer than this (after merging iterates that fall on the same pixel) is drawn through
#: every k-th older iterate and all of the newest: every path is redrawn at every frame.
MAX_PATH_POINTS = 600


class _ClickViewBox(pg.ViewBox):
    """Pans and zooms as usual; a plain left click is handed to the view as a new start point."""

    def __init__(self, view: LandscapeView) -> None:
        super().__init__(enableMenu=False)
        self._view = view

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph override
        if ev.button() == Qt.MouseButton.LeftButton and not ev.modifiers():
            pos = self.mapSceneToView(ev.scenePos())
            ev.accept()
            self._view.start_requested.emit(pos.x(), pos.y())
        else:
            super().mouseClickEvent(ev)


#: Pixels for the colour bar's ticks and label: its automatic width clipped four-character labels.
COLORBAR_AXIS_WIDTH = 64


def _cost_ticks(values, scale, spacing) -> list[str]:
    """Colour-bar tick labels: the bar is in log10(cost); show the cost itself."""
    return [f"{10.0 ** v:.3g}" for v in values]


def _cost_tick_values(lo: float, hi: float, size: float) -> list[tuple[float, list[float]]]:
    """Round costs (1-2-5, or 1…9 on a narrow range) at their log10 positions on the colour bar.
    Labels stay at most three characters wide below 10 (0.2, 0.5, 1, 3…): the bar is narrow."""
    for mantissas in ((1, 2, 5), tuple(range(1, 10))):
        values = [math.log10(m * 10.0**k) for k in range(math.floor(lo) - 1, math.ceil(hi) + 1) for m in mantissas]
        inside = [v for v in values if lo <= v <= hi]
        if len(inside) >= 3:
            break
    return [(1.0, inside)]


def _thinned(xy: np.ndarray, pixel: tuple[float, float] | None = None) -> np.ndarray:
    """The points worth drawing: consecutive iterates on the same screen pixel merged (a converging
    path takes thousands of sub-pixel steps), then at most about MAX_PATH_POINTS of them."""
    if pixel is not None and len(xy) > 2 and pixel[0] > 0 and pixel[1] > 0:
        cells = np.floor(xy / np.asarray(pixel))
        keep = np.r_[True, np.any(cells[1:] != cells[:-1], axis=1)]
        keep[-1] = True
        xy = xy[keep]
    if len(xy) <= MAX_PATH_POINTS:
        return xy
    recent = MAX_PATH_POINTS // 3
    older = xy[:-recent]
    step = int(np.ceil(len(older) / (MAX_PATH_POINTS - recent)))
    return np.concatenate([older[::step], xy[-recent:]])


class _Path:
    """One optimizer's path: the line so far, the part after the iterate shown, w(0) and w(t)."""

    def __init__(self, plot: pg.PlotItem, name: str, color, halo: bool = True) -> None:
        pen = pg.mkPen(color, width=2.2)
        shadow = pg.mkPen((255, 255, 255, 190), width=4.5) if halo else None  # a halo costs a second stroke
        self.line = pg.PlotDataItem(pen=pen, shadowPen=shadow, name=name)
        self.future = pg.PlotDataItem(pen=pg.mkPen((*color, 110), width=1.6, style=Qt.PenStyle.DashLine))
        self.start = pg.ScatterPlotItem(size=9, symbol="s", brush=pg.mkBrush(255, 255, 255), pen=pg.mkPen(color, width=2))
        self.current = pg.ScatterPlotItem(size=12, symbol="o", brush=pg.mkBrush(color), pen=pg.mkPen("w", width=1.8))
        for z, item in enumerate((self.future, self.line, self.start, self.current), start=20):
            item.setZValue(z)
            plot.addItem(item)
        self.items = (self.line, self.future, self.start, self.current)
        self._start_at = np.zeros((0, 2))
        self._future_drawn = False

    def set_data(self, xy: np.ndarray, shown: int | None, pixel: tuple[float, float] | None = None) -> None:
        n = len(xy) if shown is None else min(int(shown) + 1, len(xy))
        if n == 0:
            for item in (self.line, self.future):
                item.setData([], [])
            for item in (self.start, self.current):
                item.setData(pos=np.zeros((0, 2)))
            self._start_at, self._future_drawn = np.zeros((0, 2)), False
            return
        line = _thinned(xy[:n], pixel)
        tail = _thinned(xy[n - 1 :], pixel) if 0 < n < len(xy) else np.zeros((0, 2))
        self.line.setData(line[:, 0], line[:, 1])
        # w(0) and an empty "after the shown iterate" rarely change: re-setting them every frame of an
        # animation cost a bounds update each
        if len(tail) or self._future_drawn:
            self.future.setData(tail[:, 0], tail[:, 1])
            self._future_drawn = bool(len(tail))
        if not np.array_equal(self._start_at, xy[:1]):
            self._start_at = np.array(xy[:1], dtype=float)
            self.start.setData(pos=self._start_at)
        self.current.setData(pos=xy[n - 1 : n] if n else np.zeros((0, 2)))


class LandscapeView(pg.PlotWidget):
    """Cost heatmap + contours + colour bar + paths + gradient arrow.

    Signals
    -------
    start_requested(float, float)
        The user clicked at (a, b): start a new descent there.
    range_changed(QRectF)
        The visible parameter rectangle changed (any reason).
    range_edited()
        The user panned or zoomed (the controller stops following the path).
    """

    start_requested = QtCore.pyqtSignal(float, float)
    range_changed = QtCore.pyqtSignal(QtCore.QRectF)
    range_edited = QtCore.pyqtSignal()

    def __init__(self, parent=None) -> None:
        self._view_box = _ClickViewBox(self)
        super().__init__(parent=parent, viewBox=self._view_box)
        self.setBackground("w")
        self.plot_item = self.getPlotItem()
        self.plot_item.hideButtons()
        self.plot_item.getAxis("left").enableAutoSIPrefix(False)
        self.plot_item.getAxis("bottom").enableAutoSIPrefix(False)
        self.image = pg.ImageItem()
        self.image.setZValue(-10)
        self.colormap = pg.colormap.get("viridis")
        self.image.setColorMap(self.colormap)
        self.plot_item.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=self.colormap, interactive=False, width=14,
                                        label="training cost L (log colours)", colorMapMenu=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot_item)
        self.colorbar.axis.tickStrings = _cost_ticks
        self.colorbar.axis.tickValues = _cost_tick_values
        self.colorbar.axis.setWidth(COLORBAR_AXIS_WIDTH)  # room for "0.05" beside the label at any size
        self.contours = [FastIsocurveItem(level=0.0, pen=pg.mkPen((255, 255, 255, 120), width=1.0))
                         for _ in range(N_CONTOURS)]
        for contour in self.contours:
            contour.setParentItem(self.image)
        self.legend = self.plot_item.addLegend(offset=(8, 8), labelTextColor=(30, 30, 30),
                                               brush=pg.mkBrush(255, 255, 255, 150))
        self.paths: dict[str, _Path] = {}
        self.arrow_line = pg.PlotDataItem(pen=pg.mkPen((220, 20, 60), width=2.5))
        self.arrow_head = pg.ArrowItem(headLen=14, tailLen=0, brush=pg.mkBrush(220, 20, 60), pen=pg.mkPen("w"))
        self.arrow_label = pg.TextItem("−∇L", color=(200, 10, 50), anchor=(0, 1))
        for item in (self.arrow_line, self.arrow_head, self.arrow_label):
            item.setZValue(40)
            item.setVisible(False)
            self.plot_item.addItem(item, ignoreBounds=True)
        self._arrow: tuple[np.ndarray, np.ndarray] | None = None
        self._names: tuple[str, str, str] | None = None
        self.grid: np.ndarray | None = None
        self.grid_rect: QtCore.QRectF | None = None
        self._view_box.sigRangeChanged.connect(self._on_range_changed)
        self._view_box.sigRangeChangedManually.connect(lambda *_: self.range_edited.emit())
        self.setToolTip("The training cost over two parameters, the others held at the current values of the\n"
                        "descent shown; racers' paths are projected onto the same two axes.\n"
                        "Click: start gradient descent from there (undo: Ctrl+Z)\n"
                        "Drag: pan · wheel: zoom (the grid is recomputed for the new range)")

    # ------------------------------------------------------------------ labels and range
    def set_axis_names(self, x_name: str, y_name: str, note: str = "") -> None:
        """Axis labels and the title (laid out again only when they change: called every frame)."""
        if (x_name, y_name, note) == self._names:
            return
        self._names = (x_name, y_name, note)
        self.plot_item.setLabel("bottom", x_name)
        self.plot_item.setLabel("left", y_name)
        title = f"L({x_name}, {y_name})" + (f"<br><span style='font-size:8pt'>{note}</span>" if note else "")
        self.plot_item.setTitle(title, color=(40, 40, 40), size="9pt")
        # a long title must not widen the plot past a narrow view (it pushed the colour bar off-screen)
        label = self.plot_item.titleLabel
        label.setMinimumWidth(0)
        label._sizeHint = {which: (0, height) for which, (_, height) in label._sizeHint.items()
                           if which != QtCore.Qt.SizeHint.MaximumSize} | {QtCore.Qt.SizeHint.MaximumSize: (-1, -1)}
        label.updateGeometry()

    def set_range(self, x0: float, x1: float, y0: float, y1: float) -> None:
        self._view_box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def visible_rect(self) -> QtCore.QRectF:
        (x0, x1), (y0, y1) = self._view_box.viewRange()
        return QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)

    def _on_range_changed(self, *_args) -> None:
        self._draw_arrow()
        self.range_changed.emit(self.visible_rect())

    # ------------------------------------------------------------------ the grid
    def set_grid(self, cost: np.ndarray, rect: QtCore.QRectF) -> None:
        """Show a (rows = y, columns = x) cost grid covering ``rect`` in parameter coordinates."""
        cost = np.asarray(cost, dtype=float)
        finite = cost[np.isfinite(cost)]
        if finite.size == 0:
            self.clear_grid()
            return
        log_cost = np.log10(np.maximum(np.where(np.isfinite(cost), cost, finite.max()), 1e-12))
        lo, hi = float(log_cost.min()), float(log_cost.max())
        hi = hi if hi > lo else lo + 1e-6
        self.grid, self.grid_rect = cost, QtCore.QRectF(rect)
        self.image.setImage(log_cost, autoLevels=False, levels=(lo, hi))
        self.image.setRect(self.grid_rect)
        self.colorbar.setLevels((lo, hi))
        for level, contour in zip(np.linspace(lo, hi, N_CONTOURS + 2)[1:-1], self.contours):
            contour.setLevel(level)
            contour.setData(log_cost)

    def clear_grid(self) -> None:
        self.grid = None
        self.image.clear()
        for contour in self.contours:
            contour.setData(None)

    # ------------------------------------------------------------------ paths
    def set_path(self, name: str, xy: np.ndarray, color, shown: int | None = None, halo: bool = True) -> None:
        """Show path ``name`` (K, 2); with ``shown`` the iterates after it are drawn faint and dashed;
        ``halo`` outlines it in white (visible on any colour of the map)."""
        path = self.paths.get(name)
        if path is None:
            path = self.paths[name] = _Path(self.plot_item, name, color, halo)
        path.set_data(np.asarray(xy, dtype=float).reshape(-1, 2), shown, self._view_box.viewPixelSize())

    def clear_path(self, name: str) -> None:
        """Empty path ``name`` but keep its items (and its legend entry) for new data."""
        if name in self.paths:
            self.paths[name].set_data(np.zeros((0, 2)), None)

    def remove_path(self, name: str) -> None:
        path = self.paths.pop(name, None)
        if path is not None:
            for item in path.items:
                self.plot_item.removeItem(item)
            self.legend.removeItem(path.line)

    def path_names(self) -> list[str]:
        return list(self.paths)

    def path_data(self, name: str) -> np.ndarray:
        """The (K, 2) points of a path's solid part (for tests and exports)."""
        x, y = self.paths[name].line.getData()
        return np.zeros((0, 2)) if x is None else np.column_stack([x, y])

    # ------------------------------------------------------------------ gradient arrow
    def set_arrow(self, point: np.ndarray | None, gradient: np.ndarray | None = None) -> None:
        """An arrow at ``point`` along −``gradient`` (fixed length on screen); None hides it."""
        ok = point is not None and gradient is not None and np.all(np.isfinite(point)) and np.any(gradient != 0)
        self._arrow = (np.asarray(point, float), np.asarray(gradient, float)) if ok else None
        if ok:
            self.arrow_head.setToolTip(f"−∇L at the current point: |∇L| = {np.hypot(*gradient):.3g} along these axes")
        self._draw_arrow()

    def arrow_visible(self) -> bool:
        return self.arrow_line.isVisible()

    def _draw_arrow(self) -> None:
        shown = self._arrow is not None
        for item in (self.arrow_line, self.arrow_head, self.arrow_label):
            item.setVisible(shown)
        if not shown:
            return
        point, gradient = self._arrow
        px, py = self._view_box.viewPixelSize()
        if not (px > 0 and py > 0):
            return
        screen = np.array([-gradient[0] / px, -gradient[1] / py])  # −∇L in pixels (y up)
        screen *= ARROW_PIXELS / np.hypot(*screen)
        tip = point + screen * [px, py]
        self.arrow_line.setData([point[0], tip[0]], [point[1], tip[1]])
        self.arrow_head.setPos(tip[0], tip[1])
        self.arrow_head.setStyle(angle=math.degrees(math.atan2(screen[1], -screen[0])))
        (x0, x1), (y0, y1) = self._view_box.viewRange()
        self.arrow_label.setAnchor((1 if tip[0] > (x0 + x1) / 2 else 0, 0 if tip[1] > (y0 + y1) / 2 else 1))
        self.arrow_label.setPos(tip[0], tip[1])
