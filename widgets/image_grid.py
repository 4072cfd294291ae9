"""A grid of small images with titles (filters, feature maps), updated in place; click one to pick it.

Each cell is a locked-aspect ``ViewBox`` holding one ``ImageItem`` (row 0 at the top). When the
number or shape of the images is unchanged, :meth:`ImageGrid.set_images` only calls
``setImage`` on the existing items, so live updates during training are cheap.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import QtCore

from widgets.cnn_palette import diverging_colormap, magnitude_colormap

SELECTED_PEN = pg.mkPen((255, 140, 0), width=3)
PLAIN_PEN = pg.mkPen((190, 190, 190), width=1)
MIN_CELL_PX = 110  # a title like "Gabor 135° s1" and its frame still fit


class ImageGrid(pg.GraphicsLayoutWidget):
    """Titled images in a grid.

    Signals
    -------
    clicked(int)
        The user clicked image ``index``.
    """

    clicked = QtCore.pyqtSignal(int)

    def __init__(self, parent=None, title: str = "", values: bool = False) -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self.setMinimumSize(120, 100)  # else the laid-out cells' minimum would keep the splitter from shrinking it
        self.ci.setContentsMargins(4, 4, 4, 4)
        self.ci.setSpacing(2)
        self.title = title
        self.show_values = values  # print each cell's value on small kernels
        self.images: list[pg.ImageItem] = []
        self.boxes: list[pg.ViewBox] = []
        self.labels: list[pg.LabelItem] = []
        self._texts: list[list[pg.TextItem]] = []
        self._key: tuple | None = None
        self.selected: int | None = None
        self.data: np.ndarray | None = None
        self.names: list[str] = []
        self.signed = True
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)

    # ------------------------------------------------------------------ data
    def set_images(self, images: np.ndarray, names=None, signed: bool = True, shared_levels: bool = False) -> None:
        """Show (K, h, w) images. ``signed``: blue–white–red around 0, else dark→bright magnitudes."""
        images = np.asarray(images, dtype=float)
        names = list(names) if names is not None else [str(i + 1) for i in range(len(images))]
        key = (images.shape, signed)
        if key != self._key:
            self._rebuild(len(images), images.shape[1:] if images.ndim == 3 else (0, 0))
            self._key = key
        self.data, self.names, self.signed = images, names, signed
        cmap = diverging_colormap() if signed else magnitude_colormap()
        common = _levels(images, signed) if shared_levels else None
        for i, (item, label) in enumerate(zip(self.images, self.labels)):
            item.setColorMap(cmap)
            item.setImage(images[i], autoLevels=False, levels=common or _levels(images[i], signed))
            label.setText(names[i], size="7pt", color=(40, 40, 40))
            for text, value in zip(self._texts[i], images[i].ravel()):
                text.setText(_short(value))
        self._update_text_visibility()
        self.set_selected(self.selected if self.selected is not None and self.selected < len(images) else None)

    def clear_images(self) -> None:
        self.clear()
        self.images, self.boxes, self.labels, self._texts = [], [], [], []
        self._key, self.data, self.selected = None, None, None

    def set_selected(self, index: int | None) -> None:
        self.selected = index
        for i, box in enumerate(self.boxes):
            box.setBorder(SELECTED_PEN if i == index else PLAIN_PEN)

    # ------------------------------------------------------------------ layout
    def _rebuild(self, count: int, shape: tuple[int, ...]) -> None:
        self.clear()
        self.images, self.boxes, self.labels, self._texts = [], [], [], []
        if self.title:
            self.addLabel(self.title, row=0, col=0, colspan=max(1, self._columns(count, shape)), size="10pt")
        columns = self._columns(count, shape)
        for i in range(count):
            cell = self.addLayout(row=1 + i // columns, col=i % columns)
            cell.setSpacing(0)
            label = cell.addLabel("", row=0, col=0)
            box = cell.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, invertY=True)
            box.setMenuEnabled(False)
            item = pg.ImageItem()
            box.addItem(item)
            texts = []
            if self.show_values and len(shape) == 2 and shape[0] * shape[1] <= 25:
                for r in range(shape[0]):
                    for c in range(shape[1]):
                        text = pg.TextItem("", color=(20, 20, 20), anchor=(0.5, 0.5))
                        text.setPos(c + 0.5, r + 0.5)
                        box.addItem(text)
                        texts.append(text)
            self.images.append(item)
            self.boxes.append(box)
            self.labels.append(label)
            self._texts.append(texts)

    def _columns(self, count: int, shape: tuple[int, ...]) -> int:
        """Columns that make the cells closest to the images' aspect, but never narrower than MIN_CELL_PX."""
        if count <= 0:
            return 1
        h, w = (shape[0] or 1, shape[1] or 1) if len(shape) == 2 else (1, 1)
        aspect = max(self.width(), 200) / max(self.height(), 150)
        widest = max(1, self.width() // MIN_CELL_PX)
        return max(1, min(count, widest, round(math.sqrt(count * aspect * h / w))))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override: re-flow the grid
        super().resizeEvent(event)
        data = getattr(self, "data", None)
        if data is not None and len(data):
            columns = self._columns(len(self.data), self.data.shape[1:])
            if self.boxes and columns != self._current_columns():
                self._key = None
                self.set_images(self.data, self.names, self.signed)
            QtCore.QTimer.singleShot(0, self._update_text_visibility)  # after the layout settles

    def _update_text_visibility(self) -> None:
        """Cell values only where a cell is wide enough on screen to read them."""
        for box, texts in zip(self.boxes, self._texts):
            if not texts or self.data is None:
                continue
            cell_px = box.sceneBoundingRect().width() / max(self.data.shape[2], 1)
            longest = max(len(text.textItem.toPlainText()) for text in texts)
            for text in texts:
                text.setVisible(cell_px >= 8 * longest + 8)

    def _current_columns(self) -> int:
        return sum(1 for i in range(len(self.boxes)) if self.ci.getItem(1, i) is not None)

    # ------------------------------------------------------------------ clicks
    def index_at(self, scene_pos) -> int | None:
        for i, box in enumerate(self.boxes):
            if box.sceneBoundingRect().contains(scene_pos):
                return i
        return None

    def _on_scene_clicked(self, event) -> None:
        index = self.index_at(event.scenePos())
        if index is not None:
            self.set_selected(index)
            self.clicked.emit(index)

    def cell_center(self, index: int) -> QtCore.QPoint:
        """Widget coordinates of a cell's centre (for tests and tooltips)."""
        return self.mapFromScene(self.boxes[index].sceneBoundingRect().center())


def _short(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:.0f}"
    return "0" if text in ("-0", "") else text


def _levels(values: np.ndarray, signed: bool) -> tuple[float, float]:
    """Colour levels that ignore the 0.5 % most extreme values, so a few outliers do not wash a map out."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (0.0, 1.0)
    magnitudes = np.abs(finite) if signed else finite - finite.min()
    active = magnitudes[magnitudes > 0]  # a ReLU map is mostly 0: take the percentile of what responds
    peak = float(np.percentile(active, 99.5) if active.size > 100 else magnitudes.max()) or 1.0
    if signed:
        return (-peak, peak)
    low = float(finite.min())
    return (low, low + peak)
