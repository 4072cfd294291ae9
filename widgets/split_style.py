"""How each split looks, shared by the canvas and the legends: filled = train, hollow = validation,
cross = test, always in the class's colour; and the colours of the split curves."""

from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph.Qt import QtCore, QtGui

from widgets.palette import CLASS_COLORS

SPLIT_TITLES = ("Train", "Validation", "Test")
SPLIT_SHAPES = ("filled circle", "hollow circle", "cross")
#: Curve colours of the train / validation / test series (loss plot, sweep plot, metrics).
SPLIT_COLORS: tuple[tuple[int, int, int], ...] = ((30, 30, 30), (214, 39, 40), (44, 160, 44))
POINT_SIZE = 11


def _darker(color: tuple[int, int, int], factor: float = 0.6) -> tuple[int, int, int]:
    return tuple(int(c * factor) for c in color)


def marker_style(split: int, label: int) -> dict:
    """Keyword arguments of a ``ScatterPlotItem`` drawing class ``label`` points of ``split``."""
    color = CLASS_COLORS[label]
    if split == 1:
        return {"symbol": "o", "size": POINT_SIZE, "brush": pg.mkBrush(255, 255, 255, 150),
                "pen": pg.mkPen(color, width=2.6)}
    if split == 2:
        return {"symbol": "x", "size": POINT_SIZE + 4, "brush": pg.mkBrush(*color),
                "pen": pg.mkPen(_darker(color), width=0.8)}
    return {"symbol": "o", "size": POINT_SIZE, "brush": pg.mkBrush(*color), "pen": pg.mkPen("w", width=1.2)}


def split_icon(split: int, size: int = 16) -> QtGui.QIcon:
    """A legend icon: a trout and a salmon marker of the split side by side."""
    pixmap = QtGui.QPixmap(2 * size, size)
    pixmap.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pixmap)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    for label in (0, 1):
        style = marker_style(split, label)
        painter.save()
        painter.translate(size * (label + 0.5), size / 2)
        scale = style["size"] * (size - 3) / (POINT_SIZE + 4)
        painter.scale(scale, scale)
        pen = QtGui.QPen(style["pen"])
        pen.setWidthF(pen.widthF() / scale)
        painter.setPen(pen)
        painter.setBrush(style["brush"])
        painter.drawPath(pg.graphicsItems.ScatterPlotItem.Symbols[style["symbol"]])
        painter.restore()
    painter.end()
    return QtGui.QIcon(pixmap)
