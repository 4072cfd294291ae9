"""Driving pyqtgraph views with real mouse events (QTest's mouseMove carries no buttons in Qt 5)."""

from __future__ import annotations

from PyQt5 import QtCore, QtGui, QtWidgets
from PyQt5.QtTest import QTest

Qt = QtCore.Qt


def view_to_viewport(plot_widget, x: float, y: float) -> QtCore.QPoint:
    """Viewport pixel of the data coordinate (x, y) in a pyqtgraph PlotWidget."""
    scene = plot_widget.getPlotItem().getViewBox().mapViewToScene(QtCore.QPointF(x, y))
    return plot_widget.mapFromScene(scene)


def click_at(plot_widget, x: float, y: float, button=Qt.LeftButton, modifiers=Qt.NoModifier) -> None:
    QTest.mouseClick(plot_widget.viewport(), button, modifiers, view_to_viewport(plot_widget, x, y))
    QTest.qWait(1)


def drag(plot_widget, start: tuple[float, float], end: tuple[float, float], steps: int = 6) -> None:
    """Press at ``start``, move with the left button held, release at ``end`` (data coordinates)."""
    viewport = plot_widget.viewport()
    a, b = view_to_viewport(plot_widget, *start), view_to_viewport(plot_widget, *end)
    QTest.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, a)
    for i in range(1, steps + 1):
        p = a + (b - a) * i / steps
        event = QtGui.QMouseEvent(QtCore.QEvent.MouseMove, QtCore.QPointF(p), Qt.NoButton, Qt.LeftButton, Qt.NoModifier)
        QtWidgets.QApplication.sendEvent(viewport, event)
        QTest.qWait(5)
    QTest.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, b)
    QTest.qWait(1)
