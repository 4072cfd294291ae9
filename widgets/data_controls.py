"""Preset datasets, their noise, regenerate and clear."""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets

from models.datasets import PRESETS


class DataControls(QtWidgets.QGroupBox):
    """Emits ``preset_requested(name, noise, new_sample)`` and ``clear_requested``."""

    preset_requested = QtCore.pyqtSignal(str, float, bool)
    clear_requested = QtCore.pyqtSignal()

    def __init__(self, parent=None) -> None:
        super().__init__("Data", parent)
        self.preset = QtWidgets.QComboBox()
        for preset in PRESETS.values():
            self.preset.addItem(preset.title, preset.name)
            self.preset.setItemData(self.preset.count() - 1, preset.description, QtCore.Qt.ItemDataRole.ToolTipRole)
        self.preset.setToolTip("Replace the points with a preset (undoable with Ctrl+Z)")
        self.noise = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.noise.setRange(0, 100)
        self.noise.setToolTip("How noisy the preset is; applied on release (undoable)")
        self.regenerate = QtWidgets.QPushButton("Regenerate")
        self.regenerate.setToolTip("Draw a new sample of the preset with the same noise (undoable)")
        self.clear = QtWidgets.QPushButton("Clear")
        self.clear.setToolTip("Delete every point (undoable with Ctrl+Z)")
        self.counts = QtWidgets.QLabel()
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.regenerate)
        buttons.addWidget(self.clear)
        form = QtWidgets.QFormLayout(self)
        form.addRow("Preset", self.preset)
        form.addRow("Noise", self.noise)
        form.addRow(buttons)
        form.addRow(self.counts)
        self._sync_noise()
        self.preset.activated.connect(self._on_preset_chosen)
        self.noise.sliderReleased.connect(lambda: self._emit(new_sample=False))
        self.noise.valueChanged.connect(self._on_noise_value)
        self.regenerate.clicked.connect(lambda: self._emit(new_sample=True))
        self.clear.clicked.connect(self.clear_requested)

    def preset_name(self) -> str:
        return self.preset.currentData()

    def noise_level(self) -> float:
        return self.noise.value() / 100.0

    def show_counts(self, n_class0: int, n_class1: int, names: tuple[str, str]) -> None:
        self.counts.setText(f"{n_class0} {names[0]} · {n_class1} {names[1]}")

    def _sync_noise(self) -> None:
        blocked = self.noise.blockSignals(True)
        self.noise.setValue(round(100 * PRESETS[self.preset_name()].noise))
        self.noise.blockSignals(blocked)

    def _on_preset_chosen(self, _index: int) -> None:
        self._sync_noise()
        self._emit(new_sample=False)

    def _on_noise_value(self, _value: int) -> None:
        if not self.noise.isSliderDown():  # keyboard or click on the groove: apply at once
            self._emit(new_sample=False)

    def _emit(self, new_sample: bool) -> None:
        self.preset_requested.emit(self.preset_name(), self.noise_level(), new_sample)
