"""A small pad to draw a digit with the mouse; the network sees it shrunk to 8×8.

Left button draws with a soft round brush, right button erases; the drawing is a (size, size)
array of ink in [0, 1]. ``sketch_changed`` is emitted when a stroke ends (and on clear).
"""

from __future__ import annotations

import numpy as np
from PyQt5 import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt


class SketchPad(QtWidgets.QWidget):
    """Signals
    -------
    sketch_changed(object)
        The (size, size) ink array after a stroke or a clear.
    """

    sketch_changed = QtCore.pyqtSignal(object)

    def __init__(self, size: int = 32, brush: float = 2.2, parent=None) -> None:
        super().__init__(parent)
        self.size = size
        self.brush = brush
        self.ink = np.zeros((size, size))
        self._drawing: bool | None = None  # True: drawing, False: erasing
        self._last: tuple[float, float] | None = None
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip("Draw a digit 0–9 (left button); right button erases; Delete clears")

    # ------------------------------------------------------------------ model
    def clear(self) -> None:
        self.ink[:] = 0
        self.update()
        self.sketch_changed.emit(self.ink.copy())

    def set_ink(self, ink: np.ndarray) -> None:
        self.ink = np.clip(np.asarray(ink, dtype=float), 0, 1).reshape(self.size, self.size).copy()
        self.update()
        self.sketch_changed.emit(self.ink.copy())

    def _square(self) -> QtCore.QRectF:
        side = min(self.width(), self.height())
        return QtCore.QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def _to_cells(self, pos: QtCore.QPointF) -> tuple[float, float]:
        square = self._square()
        scale = self.size / square.width()
        return (pos.y() - square.top()) * scale, (pos.x() - square.left()) * scale

    def _stamp(self, row: float, col: float, draw: bool) -> None:
        rows, cols = np.mgrid[0 : self.size, 0 : self.size] + 0.5
        strength = np.clip(1.5 - np.hypot(rows - row, cols - col) / self.brush, 0, 1)
        self.ink = np.maximum(self.ink, strength) if draw else np.minimum(self.ink, 1 - strength)

    def _stroke_to(self, pos: QtCore.QPointF) -> None:
        row, col = self._to_cells(pos)
        start = self._last or (row, col)
        steps = max(1, int(np.hypot(row - start[0], col - start[1]) * 2))
        for t in np.linspace(0, 1, steps + 1):
            self._stamp(start[0] + t * (row - start[0]), start[1] + t * (col - start[1]), bool(self._drawing))
        self._last = (row, col)
        self.update()

    # ------------------------------------------------------------------ Qt events
    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: N802
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            self._drawing = event.button() == Qt.MouseButton.LeftButton
            self._last = None
            self._stroke_to(QtCore.QPointF(event.pos()))

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: N802
        if self._drawing is not None:
            self._stroke_to(QtCore.QPointF(event.pos()))

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: N802
        if self._drawing is not None:
            self._drawing, self._last = None, None
            self.sketch_changed.emit(self.ink.copy())

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear()
        else:
            super().keyPressEvent(event)

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QtGui.QPainter(self)
        square = self._square()
        grey = (255 * (1 - self.ink)).astype(np.uint8)
        image = QtGui.QImage(grey.tobytes(), self.size, self.size, self.size, QtGui.QImage.Format.Format_Grayscale8)
        painter.drawImage(square, image)
        painter.setPen(QtGui.QPen(QtGui.QColor(150, 150, 150), 1))
        painter.drawRect(square.adjusted(0, 0, -1, -1))
        if not self.ink.any():
            painter.setPen(QtGui.QColor(160, 160, 160))
            painter.drawText(square, Qt.AlignmentFlag.AlignCenter, "draw a digit")
        painter.end()
