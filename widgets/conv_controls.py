"""Where the image comes from and how the filters are applied: bank, stage, stride, padding."""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets

from models.feature_maps import STAGE_TITLES, STAGES
from models.filter_banks import bank_titles
from models.images import SAMPLES


class ImageControls(QtWidgets.QGroupBox):
    """Signals
    -------
    sample_requested(str), open_requested()
    """

    sample_requested = QtCore.pyqtSignal(str)
    open_requested = QtCore.pyqtSignal()

    def __init__(self, parent=None) -> None:
        super().__init__("Image", parent)
        self.sample = QtWidgets.QComboBox()
        self.sample.addItem("— bundled sample —", None)
        for name in SAMPLES:
            self.sample.addItem(name, name)
        _compact(self.sample)
        self.sample.setToolTip("scikit-image's bundled pictures")
        self.sample.activated.connect(self._on_sample)
        self.open_button = QtWidgets.QPushButton("Open…")
        self.open_button.setToolTip("Open a PNG, JPEG, BMP or TIFF (Ctrl+Shift+O); or drop a file on the image")
        self.open_button.clicked.connect(self.open_requested)
        self.info = QtWidgets.QLabel("No image")
        self.info.setWordWrap(True)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.sample, 1)
        row.addWidget(self.open_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.info)

    def _on_sample(self, index: int) -> None:
        name = self.sample.itemData(index)
        if name:
            self.sample_requested.emit(name)

    def show_sample(self, name: str | None) -> None:
        index = self.sample.findData(name) if name else 0
        self.sample.setCurrentIndex(max(index, 0))


class FilterControls(QtWidgets.QGroupBox):
    """Signals
    -------
    bank_changed(str), stage_changed(str), stride_changed(int), padding_changed(int)
    """

    bank_changed = QtCore.pyqtSignal(str)
    stage_changed = QtCore.pyqtSignal(str)
    stride_changed = QtCore.pyqtSignal(int)
    padding_changed = QtCore.pyqtSignal(int)

    def __init__(self, parent=None) -> None:
        super().__init__("Filters", parent)
        self.bank = QtWidgets.QComboBox()
        for key, title in bank_titles().items():
            self.bank.addItem(title, key)
        _compact(self.bank)
        self.bank.setToolTip("The filter bank applied to the grey image (cross-correlation, as CNNs do)")
        self.stage = QtWidgets.QComboBox()
        for name in STAGES:
            self.stage.addItem({"conv": "convolution", "relu": "conv → ReLU",
                                "pool": "conv → ReLU → max-pool 2×2"}[name], name)
        _compact(self.stage)
        self.stage.setToolTip("Which stage of conv → ReLU → max-pool the maps show")
        self.stride = QtWidgets.QSpinBox()
        self.stride.setRange(1, 8)
        self.stride.setToolTip("Step between filter positions: stride 2 halves each side of the maps")
        self.padding = QtWidgets.QSpinBox()
        self.padding.setRange(0, 8)
        self.padding.setToolTip("Zero rows/columns added on each side: padding (k−1)/2 keeps the size ('same')")
        self.bank.currentIndexChanged.connect(lambda _: self.bank_changed.emit(self.bank.currentData()))
        self.stage.currentIndexChanged.connect(lambda _: self.stage_changed.emit(self.stage.currentData()))
        self.stride.valueChanged.connect(self.stride_changed)
        self.padding.valueChanged.connect(self.padding_changed)
        form = QtWidgets.QFormLayout(self)
        form.addRow("bank", self.bank)
        form.addRow("show", self.stage)
        form.addRow("stride", self.stride)
        form.addRow("padding", self.padding)

    def show_bank(self, key: str) -> None:
        """Select ``key`` without emitting (used when a change was refused)."""
        blocked = self.bank.blockSignals(True)
        self.bank.setCurrentIndex(self.bank.findData(key))
        self.bank.blockSignals(blocked)

    def stage_title(self) -> str:
        return STAGE_TITLES[self.stage.currentData()]


def _compact(combo: QtWidgets.QComboBox) -> None:
    """Let the panel, not the longest item, decide the combo box's width."""
    combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
