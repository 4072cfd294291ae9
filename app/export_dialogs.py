"""Dialogs for exports: a view as PNG/SVG at a size, and the descent animation with progress and cancel."""

from __future__ import annotations

from pathlib import Path

from PyQt5 import QtCore, QtWidgets

from app.exports import MAX_EXPORT_SIDE, DescentAnimation


def _path_row(parent: QtWidgets.QWidget, default: str, filters: str) -> tuple[QtWidgets.QLineEdit, QtWidgets.QWidget]:
    edit = QtWidgets.QLineEdit(default)
    browse = QtWidgets.QPushButton("Browse…")
    browse.clicked.connect(lambda: _browse(parent, edit, filters))
    row = QtWidgets.QWidget()
    layout = QtWidgets.QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(browse)
    return edit, row


def _browse(parent, edit: QtWidgets.QLineEdit, filters: str) -> None:
    path, _ = QtWidgets.QFileDialog.getSaveFileName(parent, "Export to", edit.text(), filters)
    if path:
        edit.setText(path)


class ExportViewDialog(QtWidgets.QDialog):
    """Which view, where (the extension picks PNG or SVG), and the size in pixels."""

    def __init__(self, window, views: list[str], folder: str) -> None:
        super().__init__(window)
        self.setWindowTitle("Export view")
        self.view = QtWidgets.QComboBox()
        self.view.addItems(views)
        self.path, path_row = _path_row(self, str(Path(folder) / "descida-view.png"),
                                        "PNG images (*.png);;SVG drawings (*.svg)")
        self.width_box, self.height_box = QtWidgets.QSpinBox(), QtWidgets.QSpinBox()
        for box, value in ((self.width_box, 1600), (self.height_box, 1000)):
            box.setRange(16, MAX_EXPORT_SIDE)
            box.setValue(value)
            box.setSuffix(" px")
        self.view.currentTextChanged.connect(lambda name: self._show_size(window.exportable_views()[name]))
        self._show_size(window.exportable_views()[self.view.currentText()])
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Save
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QtWidgets.QFormLayout(self)
        form.addRow("View", self.view)
        form.addRow("File (.png or .svg)", path_row)
        form.addRow("Width", self.width_box)
        form.addRow("Height", self.height_box)
        form.addRow(buttons)

    def _show_size(self, widget: QtWidgets.QWidget) -> None:
        self.width_box.setValue(max(16, widget.width() * 2))
        self.height_box.setValue(max(16, widget.height() * 2))

    def choice(self) -> tuple[str, str, tuple[int, int]]:
        return self.view.currentText(), self.path.text(), (self.width_box.value(), self.height_box.value())


class AnimationDialog(QtWidgets.QDialog):
    """Iteration range, stride, frame rate and file; then renders with a progress dialog and Cancel."""

    def __init__(self, window, latest: int, folder: str) -> None:
        super().__init__(window)
        self.window = window
        self.animation: DescentAnimation | None = None
        self.setWindowTitle("Export descent animation")
        self.first, self.last, self.stride, self.fps = (QtWidgets.QSpinBox() for _ in range(4))
        for box, (low, high, value) in zip((self.first, self.last, self.stride, self.fps),
                                           ((0, latest, 0), (0, latest, latest), (1, 10**6, max(1, latest // 100)),
                                            (1, 60, 10))):
            box.setRange(low, high)
            box.setValue(value)
        self.path, path_row = _path_row(self, str(Path(folder) / "descent.gif"),
                                        "Animated GIF (*.gif);;Numbered PNG frames (*.png)")
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._start)
        buttons.rejected.connect(self.reject)
        form = QtWidgets.QFormLayout(self)
        form.addRow("From iteration", self.first)
        form.addRow("To iteration", self.last)
        form.addRow("Every", self.stride)
        form.addRow("Frames per second", self.fps)
        form.addRow("File (.gif, or .png for frames)", path_row)
        form.addRow(buttons)

    def _start(self) -> None:
        try:
            self.animation = DescentAnimation(self.window.playground, self.path.text(), self.first.value(),
                                              self.last.value(), self.stride.value(), self.fps.value(),
                                              parent=self.window)
        except (OSError, ValueError) as error:
            self.window.show_error("Cannot export the animation", str(error))
            return
        self.accept()
        progress = QtWidgets.QProgressDialog("Rendering the descent…", "Cancel", 0, len(self.animation.iterations),
                                             self.window)
        progress.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.canceled.connect(self.animation.cancel)
        self.animation.progress.connect(lambda done, total: progress.setValue(done))
        self.animation.finished.connect(lambda where: (progress.close(), self.window.statusBar().showMessage(
            f"Animation saved to {where}", 6000)))
        self.animation.failed.connect(lambda text: (progress.close(), self.window.show_error("Animation failed", text)))
        self.animation.cancelled.connect(progress.close)
        self.animation.start()
