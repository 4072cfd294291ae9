"""Exports: any view as PNG or SVG at a chosen size, and the descent as an animated GIF or a
numbered PNG sequence (boundary + landscape + loss, one frame per chosen iteration).

The animation is rendered by the live views themselves, one frame per event-loop turn, so the
window stays responsive; progress is reported and a cancel stops it between frames, removing
nothing the user had.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PyQt5 import QtCore, QtGui, QtSvg, QtWidgets

MAX_EXPORT_SIDE = 8000


def _paint_widget(widget: QtWidgets.QWidget, painter: QtGui.QPainter) -> None:
    # QWidget.render explicitly: QGraphicsView (every pyqtgraph view) overrides render() with a
    # scene-rendering signature
    QtWidgets.QWidget.render(widget, painter, QtCore.QPoint(), QtGui.QRegion(),
                             QtWidgets.QWidget.RenderFlag.DrawChildren)


def render_image(widget: QtWidgets.QWidget, size: tuple[int, int] | None = None) -> QtGui.QImage:
    """``widget`` painted into an image of ``size`` (default: its size on screen), scaled, not resized."""
    width, height = size or (widget.width(), widget.height())
    if not (0 < width <= MAX_EXPORT_SIDE and 0 < height <= MAX_EXPORT_SIDE):
        raise ValueError(f"the size must be 1–{MAX_EXPORT_SIDE} pixels a side, got {width}×{height}")
    image = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.scale(width / max(widget.width(), 1), height / max(widget.height(), 1))
    _paint_widget(widget, painter)
    painter.end()
    return image


def export_view(widget: QtWidgets.QWidget, path: str | Path, size: tuple[int, int] | None = None) -> Path:
    """Write ``widget`` as PNG or SVG (chosen by the extension) at ``size``; raise ``OSError`` or
    ``ValueError`` with a message for the user."""
    path = Path(path)
    if not path.parent.is_dir():
        raise OSError(f"the folder {path.parent} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".svg":
        width, height = size or (widget.width(), widget.height())
        generator = QtSvg.QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(QtCore.QSize(width, height))
        generator.setViewBox(QtCore.QRect(0, 0, width, height))
        generator.setTitle(widget.windowTitle() or "Descida view")
        painter = QtGui.QPainter(generator)
        painter.scale(width / max(widget.width(), 1), height / max(widget.height(), 1))
        _paint_widget(widget, painter)
        painter.end()
        if not path.exists() or path.stat().st_size == 0:
            raise OSError(f"could not write {path}")
        return path
    if suffix not in (".png", ""):
        raise ValueError(f"export as .png or .svg, not {suffix}")
    path = path.with_suffix(".png")
    if not render_image(widget, size).save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def composite(parts: list[list[QtWidgets.QWidget]], width: int = 1200) -> QtGui.QImage:
    """Rows of widgets side by side, rows stacked, scaled to ``width`` (one animation frame)."""
    rows = []
    for row in parts:
        images = [w.grab().toImage() for w in row if w.isVisible() and w.width() > 0]
        if images:
            rows.append(images)
    heights = [max(i.height() for i in row) for row in rows]
    widths = [sum(i.width() for i in row) for row in rows]
    canvas = QtGui.QImage(max(widths), sum(heights), QtGui.QImage.Format.Format_RGB32)
    canvas.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(canvas)
    y = 0
    for row, height in zip(rows, heights):
        x = 0
        for image in row:
            painter.drawImage(x, y, image)
            x += image.width()
        y += height
    painter.end()
    return canvas.scaledToWidth(width, QtCore.Qt.TransformationMode.SmoothTransformation)


def to_rgb_array(image: QtGui.QImage) -> np.ndarray:
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    pointer = image.constBits()
    pointer.setsize(image.sizeInBytes())
    rows = np.frombuffer(pointer, dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


class DescentAnimation(QtCore.QObject):
    """Renders iterations ``first…last`` (every ``stride``) as GIF or PNG frames, one per event-loop turn.

    Signals
    -------
    progress(int, int)
        Frames written, frames in all.
    finished(str)
        Where the animation went (a GIF file or a folder of PNGs).
    failed(str)
    cancelled()
    """

    progress = QtCore.pyqtSignal(int, int)
    finished = QtCore.pyqtSignal(str)
    failed = QtCore.pyqtSignal(str)
    cancelled = QtCore.pyqtSignal()

    def __init__(self, tab, path: str | Path, first: int, last: int, stride: int = 1, fps: int = 10,
                 width: int = 1000, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.tab, self.path, self.fps, self.width = tab, Path(path), int(fps), int(width)
        trainer = tab.session.trainer
        if trainer is None:
            raise ValueError("there is no descent to animate yet")
        latest = trainer.iteration
        first, last = max(0, int(first)), min(int(last), latest)
        if last < first:
            raise ValueError(f"choose iterations within 0…{latest}")
        self.iterations = list(range(first, last + 1, max(1, int(stride))))
        if len(self.iterations) > 2000:
            raise ValueError(f"{len(self.iterations)} frames is too many; choose a stride of at least "
                             f"{len(self.iterations) // 2000 + 1}")
        if self.path.suffix.lower() not in (".gif", ".png"):
            raise ValueError("animate to a .gif file or to numbered .png frames")
        if not self.path.parent.is_dir():
            raise OSError(f"the folder {self.path.parent} does not exist")
        self._was_viewing = trainer.viewing
        self._index = 0
        self._writer = None
        self._cancel = False
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next)

    def start(self) -> None:
        self.tab.session.pause()
        if self.path.suffix.lower() == ".gif":
            import imageio.v2 as imageio

            self._writer = imageio.get_writer(str(self.path), mode="I", duration=1.0 / max(self.fps, 1), loop=0)
        self._request_frame()
        self._timer.start()

    def cancel(self) -> None:
        self._cancel = True

    def _request_frame(self) -> None:
        self.tab.history.view(self.iterations[self._index])

    def _next(self) -> None:
        if self._cancel:
            return self._end(cancelled=True)
        if not self.tab.landscape.is_drawn():
            return  # the landscape of this iterate is still being computed in its worker
        try:
            frame = to_rgb_array(composite([[self.tab.canvas, self.tab.landscape_panel.view], [self.tab.loss_plot]],
                                           self.width))
            if self._writer is not None:
                self._writer.append_data(frame)
            else:
                import imageio.v2 as imageio

                imageio.imwrite(self.path.with_name(f"{self.path.stem}_{self._index:05d}.png"), frame)
        except Exception as error:  # disk full, codec errors: reported, the session is untouched
            return self._end(error=f"{type(error).__name__}: {error}")
        self._index += 1
        self.progress.emit(self._index, len(self.iterations))
        if self._index >= len(self.iterations):
            return self._end()
        self._request_frame()

    def _end(self, cancelled: bool = False, error: str = "") -> None:
        self._timer.stop()
        if self._writer is not None:
            self._writer.close()
        history = self.tab.history
        history.view(self._was_viewing) if self._was_viewing is not None else history.latest()
        if error:
            self.failed.emit(error)
        elif cancelled:
            self.cancelled.emit()
        else:
            self.finished.emit(str(self.path if self.path.suffix.lower() == ".gif" else self.path.parent))
