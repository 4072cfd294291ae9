"""File actions of the Convolution tab: open an image, save/load CNN weights, export PNGs, report errors.

A mixin for :class:`~app.conv_tab.ConvolutionTab`, which provides ``maps_controller``, ``cnn``,
``filter_grid``, ``map_grid``, ``last_directory``, ``last_error`` and ``error_occurred``.
"""

from __future__ import annotations

from pathlib import Path

from PyQt5 import QtCore, QtWidgets

from app.file_dialogs import ask_path
from app.persistence import export_widget_png

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff);;All files (*)"


class ConvFileActions:
    """Dialogs and files; every failure is reported without blocking and changes nothing."""

    def _ask(self, save: bool, caption: str, filters: str, suffix: str) -> str | None:
        path = ask_path(self, save, caption, self.last_directory, filters, suffix)
        if path:
            self.last_directory = str(Path(path).parent)
        return path

    def open_image_dialog(self) -> None:
        path = self._ask(False, "Open image", IMAGE_FILTER, "")
        if path:
            self.maps_controller.open_path(path)

    def save_weights_dialog(self, path: str | None = None) -> bool:
        path = path or self._ask(True, "Save CNN weights", "NumPy archives (*.npz)", ".npz")
        return bool(path) and self.cnn.save(path)

    def load_weights_dialog(self, path: str | None = None) -> None:
        path = path or self._ask(False, "Load CNN weights", "NumPy archives (*.npz);;All files (*)", ".npz")
        if path:
            self.cnn.load(path)

    def export_pngs(self, path: str | None = None) -> list[Path]:
        """Write ``NAME-filters.png`` and ``NAME-maps.png`` next to the chosen path."""
        path = path or self._ask(True, "Export filters and maps", "PNG images (*.png)", ".png")
        if not path:
            return []
        base = Path(path).with_suffix("")
        written = []
        try:
            for suffix, widget in (("filters", self.filter_grid), ("maps", self.map_grid)):
                target = base.with_name(f"{base.name}-{suffix}.png")
                export_widget_png(widget, target)
                written.append(target)
        except OSError as error:
            self.report_error("Cannot export", str(error))
        return written

    def report_error(self, title: str, text: str) -> None:
        """Show the problem without blocking (the main window's message box when there is one)."""
        self.last_error = text
        self.error_occurred.emit(title, text)
        window = self.window()
        if window is not self and hasattr(window, "show_error"):
            window.show_error(title, text)
            return
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, title, text, parent=self)
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
