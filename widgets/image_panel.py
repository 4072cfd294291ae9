"""The loaded image, shown as loaded (colour or grey); image files can be dropped onto it."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import QtCore


MAX_SHOWN_SIDE = 2048


class ImagePanel(pg.GraphicsLayoutWidget):
    """One image in a locked-aspect view.

    Signals
    -------
    file_dropped(str)
        A file was dropped on the view (only the first of several is used).
    """

    file_dropped = QtCore.pyqtSignal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self.setMinimumSize(160, 120)
        self.setAcceptDrops(True)
        self.plot = self.addPlot()
        self.plot.setAspectLocked(True)
        self.plot.invertY(True)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.pixels: np.ndarray | None = None
        self.plot.setTitle("Drop an image here, or File → Open image…", size="10pt", color=(120, 120, 120))
        self.setToolTip("The image as loaded; the network sees it in grey. Drop a PNG, JPEG, BMP or TIFF here.")

    def set_image(self, pixels: np.ndarray, title: str) -> None:
        """Show ``pixels`` (grey or colour); very large images are shown through a strided view."""
        self.pixels = pixels
        step = max(1, -(-max(pixels.shape[:2]) // MAX_SHOWN_SIDE))
        if step > 1:  # a screen never shows more; the full image stays in ``pixels``
            pixels = pixels[::step, ::step]
        if pixels.dtype == bool:
            pixels = pixels.astype(np.uint8) * 255
        levels = None
        if pixels.ndim == 2:
            levels = (0, 255) if pixels.dtype == np.uint8 else (float(pixels.min()), float(pixels.max()) or 1.0)
        self.image.setImage(pixels, autoLevels=levels is None, levels=levels)
        self.plot.setTitle(title, size="10pt", color=(40, 40, 40))
        self.plot.autoRange(padding=0.01)

    # ------------------------------------------------------------------ drag & drop
    @staticmethod
    def _first_path(event) -> str | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile():
                return url.toLocalFile()
        return None

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        path = self._first_path(event)
        if path is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        path = self._first_path(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.file_dropped.emit(path)  # the controller explains what is wrong with a non-image
