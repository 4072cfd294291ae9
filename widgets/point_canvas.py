"""The data canvas: the user's points over the decision boundary, edited with the mouse.

The canvas shows what it is given and turns gestures into requests (signals); it never
changes the points itself, except for the live preview while a point is dragged. The
application turns each request into an undoable command.

Mouse: left-click adds a trout (class 0); right-click or Shift+click adds a salmon (class 1);
click a point to select it (Shift+click to add it to the selection); drag a point to move it
(the whole selection moves with it); Ctrl+click deletes a point; drag on empty space pans,
the wheel zooms. Keys: Delete/Backspace deletes the selection, Ctrl+A selects all, Esc clears.
Right-click on a point asks for its context menu (the application decides what it holds).

With a train/validation/test split set (:meth:`set_splits`), each split has its own marker
(filled = train, hollow = validation, cross = test) and each can be hidden.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import QtCore, QtGui

from widgets.boundary_view import BoundaryLayer
from widgets.palette import CLASS_COLORS
from widgets.split_style import marker_style

PICK_RADIUS_PX = 9.0
POINT_SIZE = 11
Qt = QtCore.Qt


class _EditingViewBox(pg.ViewBox):
    """A ViewBox that hands clicks and point drags to the canvas and pans/zooms otherwise."""

    def __init__(self, canvas: PointCanvas) -> None:
        super().__init__(enableMenu=False)
        self._canvas = canvas

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph override
        if self._canvas._on_click(self.mapSceneToView(ev.scenePos()), ev.button(), ev.modifiers(),
                                  ev.screenPos().toPoint()):
            ev.accept()
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 - pyqtgraph override
        if ev.button() == Qt.MouseButton.LeftButton and self._canvas._on_drag(ev, self):
            ev.accept()
            return
        super().mouseDragEvent(ev, axis)


class _PassiveScatter(pg.ScatterPlotItem):
    """Points that leave clicks to the view box, which does the picking with a pixel tolerance."""

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph override
        ev.ignore()


class PointCanvas(pg.PlotWidget):
    """Two classes of 2D points over a probability heatmap.

    Signals
    -------
    add_requested(float, float, int)
        The user clicked empty space: add a point of that class there.
    delete_requested(list)
        Delete these point indices.
    point_dragged(list, object)
        Live preview of a drag: indices and their (k, 2) positions.
    move_finished(list, object, object)
        Drag ended: indices, old (k, 2) and new (k, 2) positions.
    selection_changed(list)
    view_changed(QRectF)
        The visible data rectangle changed (pan, zoom, resize).
    point_menu_requested(int, QPoint)
        Right-click on a point: its index and where (screen coordinates) to open a menu.
    """

    add_requested = QtCore.pyqtSignal(float, float, int)
    delete_requested = QtCore.pyqtSignal(list)
    point_dragged = QtCore.pyqtSignal(list, object)
    move_finished = QtCore.pyqtSignal(list, object, object)
    selection_changed = QtCore.pyqtSignal(list)
    view_changed = QtCore.pyqtSignal(QtCore.QRectF)
    point_menu_requested = QtCore.pyqtSignal(int, QtCore.QPoint)

    def __init__(self, parent=None) -> None:
        self._view_box = _EditingViewBox(self)
        super().__init__(parent=parent, viewBox=self._view_box)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackground("w")
        self.plot_item = self.getPlotItem()
        self.plot_item.showGrid(x=True, y=True, alpha=0.15)
        self.plot_item.hideButtons()
        self.boundary = BoundaryLayer(self.plot_item)
        # One uniformly styled layer per class plus ring overlays: restyling 1,000 points one by one
        # costs ~50 ms per frame in pyqtgraph, while these layers update in well under 1 ms.
        self.class_layers = [
            _PassiveScatter(size=POINT_SIZE, pxMode=True, brush=pg.mkBrush(*color), pen=pg.mkPen("w", width=1.2))
            for color in CLASS_COLORS
        ]
        self.wrong_layer = _PassiveScatter(size=POINT_SIZE + 3, pxMode=True, brush=None, pen=pg.mkPen("k", width=2.5))
        self.selected_layer = _PassiveScatter(size=POINT_SIZE + 8, pxMode=True, brush=None,
                                              pen=pg.mkPen((255, 190, 0), width=3))
        #: Validation (hollow) and test (cross) markers per class, used once splits are set.
        self.split_layers = {(split, label): _PassiveScatter(pxMode=True, **marker_style(split, label))
                             for split in (1, 2) for label in (0, 1)}
        self.split_codes: np.ndarray | None = None
        self.hidden_splits: set[int] = set()
        self.ring_splits: set[int] = {0, 1, 2}
        layers = [*self.class_layers, *self.split_layers.values(), self.wrong_layer, self.selected_layer]
        for z, layer in enumerate(layers, start=10):
            layer.setZValue(z)
            self.plot_item.addItem(layer)
        self.xy = np.zeros((0, 2))
        self.labels = np.zeros(0, dtype=np.int64)
        self.misclassified = np.zeros(0, dtype=bool)
        self.selection: list[int] = []
        self._drag: tuple[list[int], np.ndarray, QtCore.QPointF] | None = None
        self.set_axis_names("x1", "x2")
        self._view_box.sigRangeChanged.connect(self._on_range_changed)
        self.setToolTip(
            "Left-click: add a trout · Right-click or Shift+click: add a salmon\n"
            "Click a point to select it · drag to move · Ctrl+click or Delete to remove\n"
            "Drag empty space to pan · wheel to zoom"
        )

    # -- showing -------------------------------------------------------------------------
    def set_axis_names(self, x_name: str, y_name: str) -> None:
        self.plot_item.setLabel("bottom", x_name)
        self.plot_item.setLabel("left", y_name)

    def set_points(self, xy: np.ndarray, labels: np.ndarray) -> None:
        """Show these points; a selection that no longer fits is dropped."""
        self.xy = np.array(xy, dtype=float).reshape(-1, 2)
        self.labels = np.array(labels, dtype=np.int64).reshape(-1)
        if len(self.misclassified) != len(self.labels):
            self.misclassified = np.zeros(len(self.labels), dtype=bool)
        kept = [i for i in self.selection if i < len(self.labels)]
        if kept != self.selection:
            self.selection = kept
            self.selection_changed.emit(list(kept))
        self._redraw()

    def set_misclassified(self, mask: np.ndarray | None) -> None:
        """Outline these points (a boolean per point) as wrongly classified."""
        mask = np.zeros(len(self.labels), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        if len(mask) != len(self.labels):
            return  # the points changed since the model evaluated them; the next frame catches up
        if not np.array_equal(mask, self.misclassified):
            self.misclassified = mask
            self._redraw_rings()

    def set_splits(self, codes: np.ndarray | None, hidden: set[int] | None = None,
                   ring_splits: set[int] | None = None) -> None:
        """Draw each point by its split code (0 train, 1 validation, 2 test), or all alike (None).

        ``hidden`` splits are not drawn (nor picked); misclassified rings are drawn only on points
        of ``ring_splits``.
        """
        self.split_codes = None if codes is None else np.asarray(codes, dtype=np.int8).reshape(-1)
        self.hidden_splits = set(hidden or ())
        self.ring_splits = {0, 1, 2} if ring_splits is None else set(ring_splits)
        self._redraw()

    def _codes(self) -> np.ndarray | None:
        codes = self.split_codes
        return codes if codes is not None and len(codes) == len(self.labels) else None

    def shown_mask(self) -> np.ndarray:
        """A boolean per point: drawn (its split is not hidden)."""
        codes = self._codes()
        if codes is None:
            return np.ones(len(self.labels), dtype=bool)
        return ~np.isin(codes, list(self.hidden_splits))

    def _redraw(self) -> None:
        codes, shown = self._codes(), self.shown_mask()
        filled = shown if codes is None else shown & (codes == 0)
        for label, layer in enumerate(self.class_layers):
            layer.setData(pos=self.xy[(self.labels == label) & filled])
        for (split, label), layer in self.split_layers.items():
            rows = np.zeros(len(self.labels), dtype=bool) if codes is None else shown & (codes == split)
            layer.setData(pos=self.xy[rows & (self.labels == label)])
        self._redraw_rings()

    def _redraw_rings(self) -> None:
        ringed = np.zeros(len(self.xy), dtype=bool)
        if len(self.misclassified) == len(self.xy):
            codes = self._codes()
            ringed = self.misclassified & self.shown_mask()
            if codes is not None:
                ringed &= np.isin(codes, list(self.ring_splits))
        self.wrong_layer.setData(pos=self.xy[ringed])
        chosen = [i for i in self.selection if i < len(self.xy)]
        self.selected_layer.setData(pos=self.xy[chosen] if chosen else np.zeros((0, 2)))

    def fit_to_points(self, margin: float = 0.12) -> None:
        """Frame the points (or the unit square when there are none)."""
        if len(self.xy) == 0:
            self._view_box.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)
            return
        lo, hi = self.xy.min(axis=0), self.xy.max(axis=0)
        span = np.maximum(hi - lo, 1e-6)
        lo, hi = lo - margin * span, hi + margin * span
        self._view_box.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0)

    def visible_rect(self) -> QtCore.QRectF:
        (x0, x1), (y0, y1) = self._view_box.viewRange()
        return QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)

    def _on_range_changed(self, *_args) -> None:
        self.view_changed.emit(self.visible_rect())

    # -- picking -------------------------------------------------------------------------
    def point_at(self, pos: QtCore.QPointF) -> int | None:
        """Index of the point drawn under ``pos`` (data coordinates), nearest first."""
        if len(self.xy) == 0:
            return None
        px, py = self._view_box.viewPixelSize()
        d = np.hypot((self.xy[:, 0] - pos.x()) / px, (self.xy[:, 1] - pos.y()) / py)
        d[~self.shown_mask()] = np.inf  # hidden points cannot be picked
        best = int(np.argmin(d))
        return best if d[best] <= PICK_RADIUS_PX else None

    def select(self, indices: list[int]) -> None:
        self.selection = sorted(set(int(i) for i in indices if 0 <= i < len(self.labels)))
        self._redraw_rings()
        self.selection_changed.emit(list(self.selection))

    # -- gestures ------------------------------------------------------------------------
    def _on_click(self, pos: QtCore.QPointF, button, modifiers, screen_pos: QtCore.QPoint | None = None) -> bool:
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        hit = self.point_at(pos)
        self.setFocus()
        if button == Qt.MouseButton.LeftButton:
            if hit is not None and ctrl:
                self.delete_requested.emit([hit])
            elif hit is not None and shift:
                self.select(sorted(set(self.selection) ^ {hit}))
            elif hit is not None:
                self.select([hit])
            else:
                if self.selection:
                    self.select([])
                self.add_requested.emit(pos.x(), pos.y(), 1 if shift else 0)
            return True
        if button == Qt.MouseButton.RightButton and hit is None:
            self.add_requested.emit(pos.x(), pos.y(), 1)
            return True
        if button == Qt.MouseButton.RightButton:
            self.point_menu_requested.emit(hit, screen_pos if screen_pos is not None else QtGui.QCursor.pos())
            return True
        return button == Qt.MouseButton.RightButton

    def _on_drag(self, ev, view_box: pg.ViewBox) -> bool:
        if ev.isStart():
            start = view_box.mapSceneToView(ev.buttonDownScenePos())
            hit = self.point_at(start)
            if hit is None:
                return False
            indices = list(self.selection) if hit in self.selection else [hit]
            if hit not in self.selection:
                self.select([hit])
            self._drag = (indices, self.xy[indices].copy(), start)
        if self._drag is None:
            return False
        indices, original, start = self._drag
        here = view_box.mapSceneToView(ev.scenePos())
        moved = original + np.array([here.x() - start.x(), here.y() - start.y()])
        self.xy[indices] = moved
        self._redraw()
        if ev.isFinish():
            self._drag = None
            self.move_finished.emit(list(indices), original, moved)
        else:
            self.point_dragged.emit(list(indices), moved)
        return True

    def keyPressEvent(self, ev: QtGui.QKeyEvent) -> None:  # noqa: N802 - Qt override
        if ev.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selection:
            self.delete_requested.emit(list(self.selection))
        elif ev.key() == Qt.Key.Key_A and ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.select(list(range(len(self.labels))))
        elif ev.key() == Qt.Key.Key_Escape and self.selection:
            self.select([])
        else:
            super().keyPressEvent(ev)

