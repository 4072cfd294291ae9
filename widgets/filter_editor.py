"""The custom 3×3 filter, edited cell by cell (spin boxes: type, wheel or arrow keys)."""

from __future__ import annotations

import numpy as np
from PyQt5 import QtCore, QtWidgets

from models.filter_banks import IDENTITY, LAPLACIAN_4, SHARPEN, SOBEL_X

PRESETS = {"Identity": IDENTITY, "Sobel x": SOBEL_X, "Laplacian": LAPLACIAN_4, "Sharpen": SHARPEN}


class FilterEditor(QtWidgets.QGroupBox):
    """Nine spin boxes and a few starting points.

    Signals
    -------
    kernel_changed(object)
        The (3, 3) kernel after any cell changed.
    """

    kernel_changed = QtCore.pyqtSignal(object)

    def __init__(self, parent=None) -> None:
        super().__init__("Custom 3×3 filter", parent)
        grid = QtWidgets.QGridLayout()
        grid.setSpacing(2)
        self.cells: list[QtWidgets.QDoubleSpinBox] = []
        for r in range(3):
            for c in range(3):
                box = QtWidgets.QDoubleSpinBox()
                box.setRange(-10.0, 10.0)
                box.setDecimals(2)
                box.setSingleStep(0.25)
                box.setKeyboardTracking(False)  # one update per finished edit, not per keystroke
                box.setToolTip(f"Weight at row {r + 1}, column {c + 1} (multiplies the pixel there)")
                box.setObjectName(f"cell_{r}_{c}")
                box.valueChanged.connect(self._on_cell_changed)
                grid.addWidget(box, r, c)
                self.cells.append(box)
        presets = QtWidgets.QGridLayout()
        for i, (name, kernel) in enumerate(PRESETS.items()):
            button = QtWidgets.QPushButton(name)
            button.setToolTip(f"Start from the {name} filter")
            button.clicked.connect(lambda _=False, k=kernel: self.set_kernel(k))
            presets.addWidget(button, i // 2, i % 2)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(presets)
        self._quiet = False
        self.set_kernel(SHARPEN, emit=False)

    def kernel(self) -> np.ndarray:
        return np.array([box.value() for box in self.cells], dtype=float).reshape(3, 3)

    def set_kernel(self, kernel, emit: bool = True) -> None:
        self._quiet = True
        for box, value in zip(self.cells, np.asarray(kernel, dtype=float).ravel()):
            box.setValue(float(value))
        self._quiet = False
        if emit:
            self.kernel_changed.emit(self.kernel())

    def _on_cell_changed(self, _value: float) -> None:
        if not self._quiet:
            self.kernel_changed.emit(self.kernel())
