"""The decision boundary drawn under the points: class-1 probability as a heatmap with the 0.5
contour as a line, one ``ImageItem`` updated in place, a contour item parented to it, and a
colour bar that explains the colours."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import QtCore

from widgets.contours import FastIsocurveItem
from models.points import CLASS_NAMES
from widgets.palette import probability_colormap


class BoundaryLayer:
    """Heatmap + 0.5 contour (+ optional colour bar) inside an existing ``PlotItem``."""

    def __init__(self, plot_item: pg.PlotItem, colorbar: bool = True) -> None:
        self.image = pg.ImageItem()
        self.image.setZValue(-10)
        self.image.setOpacity(0.85)
        plot_item.addItem(self.image)
        self.colormap = probability_colormap()
        self.image.setColorMap(self.colormap)
        self.image.setLevels((0.0, 1.0))
        self.contour = FastIsocurveItem(level=0.5, pen=pg.mkPen((25, 25, 25), width=2.5))
        self.contour.setParentItem(self.image)
        self.colorbar = None
        if colorbar:
            self.colorbar = pg.ColorBarItem(
                values=(0.0, 1.0), colorMap=self.colormap, interactive=False, width=14,
                label=f"P({CLASS_NAMES[1]} | x)",
            )
            self.colorbar.setImageItem(self.image, insert_in=plot_item)
        self.grid: np.ndarray | None = None
        self.rect: QtCore.QRectF | None = None

    def set_grid(self, proba: np.ndarray, rect: QtCore.QRectF) -> None:
        """Show a (rows=y, cols=x) probability grid covering ``rect`` in data coordinates."""
        self.grid = np.asarray(proba, dtype=float)
        self.rect = QtCore.QRectF(rect)
        self.image.setImage(self.grid, autoLevels=False, levels=(0.0, 1.0))
        self.image.setRect(self.rect)
        self.contour.setData(self.grid)

    def clear(self) -> None:
        self.grid = None
        self.image.clear()
        self.contour.setData(None)

    def set_visible(self, visible: bool) -> None:
        self.image.setVisible(visible)

