"""One feature map shown large, with its value range and a colour bar (the detail of a clicked map)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt5 import QtWidgets

from widgets.cnn_palette import diverging_colormap, magnitude_colormap
from widgets.image_grid import _levels


class FeatureMapView(QtWidgets.QWidget):
    """A large map: ``ImageItem`` in a locked-aspect plot with a ``ColorBarItem``, and a range caption
    below (a word-wrapped ``QLabel``, so a long caption never widens the plot)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumSize(160, 120)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.plot = self.graphics.addPlot(row=0, col=0)
        self.plot.setAspectLocked(True)
        self.plot.invertY(True)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(-1, 1), colorMap=diverging_colormap(), interactive=False, width=14)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.caption = QtWidgets.QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("QLabel { background: white; color: #3c3c3c; padding: 2px 6px; }")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.caption)
        self.data: np.ndarray | None = None
        self.levels: tuple[float, float] = (-1.0, 1.0)
        self.setToolTip("The selected feature map at full resolution; drag to pan, wheel to zoom.\n"
                        "Colours clip at the 99.5th percentile of the responses; the caption gives the true range.")

    def set_map(self, values: np.ndarray, title: str, signed: bool = True) -> None:
        """Show ``values`` (H, W); levels symmetric around 0 when ``signed``."""
        values = np.asarray(values, dtype=float)
        first = self.data is None or self.data.shape != values.shape
        self.data = values
        low, high = float(np.min(values)), float(np.max(values))
        self.levels = _levels(values, signed)
        self.colorbar.setColorMap(diverging_colormap() if signed else magnitude_colormap())
        self.image.setImage(values, autoLevels=False)
        self.colorbar.setLevels(self.levels)
        self.plot.setTitle(title, size="10pt", color=(40, 40, 40))
        h, w = values.shape
        self.caption.setText(f"{w}×{h} · min {low:.4g} · max {high:.4g} · mean {float(values.mean()):.4g}")
        if first:
            self.plot.enableAutoRange()  # fits the map, also after resizes, until the user pans or zooms

    def clear_map(self, message: str = "") -> None:
        self.data = None
        self.image.clear()
        self.plot.setTitle(message, size="10pt", color=(120, 120, 120))
        self.caption.setText("")
