"""The controls column at the left of a tab: boxes stacked, scrolling vertically when the window is short."""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets


def scrolling_column(widgets: list[QtWidgets.QWidget], width: int) -> QtWidgets.QScrollArea:
    """``widgets`` top to bottom in a fixed-width column that scrolls (never sideways)."""
    panel = QtWidgets.QWidget()
    column = QtWidgets.QVBoxLayout(panel)
    for widget in widgets:
        column.addWidget(widget)
    column.addStretch(1)
    scroll = QtWidgets.QScrollArea()
    scroll.setWidget(panel)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
    panel.setMinimumWidth(width - 20)  # room for the vertical scroll bar
    scroll.setFixedWidth(width)
    return scroll
