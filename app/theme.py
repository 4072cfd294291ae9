"""Light and dark themes: Qt's Fusion palette for the window, matching backgrounds and axes for plots."""

from __future__ import annotations

import pyqtgraph as pg
from PyQt5 import QtGui, QtWidgets

_DARK = {
    QtGui.QPalette.ColorRole.Window: "#2b2b2b", QtGui.QPalette.ColorRole.WindowText: "#e6e6e6",
    QtGui.QPalette.ColorRole.Base: "#1e1e1e", QtGui.QPalette.ColorRole.AlternateBase: "#2b2b2b",
    QtGui.QPalette.ColorRole.Text: "#e6e6e6", QtGui.QPalette.ColorRole.Button: "#3a3a3a",
    QtGui.QPalette.ColorRole.ButtonText: "#e6e6e6", QtGui.QPalette.ColorRole.Highlight: "#3d7bd9",
    QtGui.QPalette.ColorRole.HighlightedText: "#ffffff", QtGui.QPalette.ColorRole.ToolTipBase: "#3a3a3a",
    QtGui.QPalette.ColorRole.ToolTipText: "#e6e6e6",
}
PLOT_COLORS = {"light": ("w", (70, 70, 70)), "dark": ((30, 30, 30), (200, 200, 200))}


def apply_theme(window: QtWidgets.QWidget, theme: str) -> None:
    """Restyle the application and every plot inside ``window``."""
    app = QtWidgets.QApplication.instance()
    app.setStyle("Fusion")
    palette = app.style().standardPalette()
    if theme == "dark":
        for role, color in _DARK.items():
            palette.setColor(role, QtGui.QColor(color))
    app.setPalette(palette)
    background, foreground = PLOT_COLORS.get(theme, PLOT_COLORS["light"])
    for view in window.findChildren(pg.PlotWidget):
        view.setBackground(background)
        for name in ("left", "bottom", "right", "top"):
            axis = view.getPlotItem().getAxis(name)
            axis.setPen(pg.mkPen(foreground))
            axis.setTextPen(pg.mkPen(foreground))
