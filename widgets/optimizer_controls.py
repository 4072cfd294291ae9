"""The optimizer, its hyperparameters, the batch size, and which optimizers race side by side."""

from __future__ import annotations

import math

from PyQt5 import QtCore, QtGui, QtWidgets

from models.optimizers import HYPERPARAMETER_LABELS, HYPERPARAMETER_RANGES, OPTIMIZERS, SHORT_TITLES
from widgets.palette import OPTIMIZER_COLORS, SERIES_COLORS

#: Spin-box prefixes (short: the race grid is narrow).
SHORT_LABELS = {"momentum": "β ", "rho": "ρ ", "beta1": "β1 ", "beta2": "β2 ", "eps": "ε "}
FIELD_WIDTH = 80


class ScientificSpinBox(QtWidgets.QDoubleSpinBox):
    """A spin box that shows 1e-08 as such; arrows step by 0.01, or ×10 on a ``log`` box."""

    def __init__(self, minimum: float, maximum: float, value: float, log: bool = False, parent=None) -> None:
        super().__init__(parent)
        self._log = log
        self.setDecimals(15)
        self.setRange(minimum, maximum)
        self.setSingleStep(0.01)
        self.setKeyboardTracking(False)
        self.setValue(value)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f"{value:.4g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt override
        try:
            return float(text.removeprefix(self.prefix()).strip())
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):  # Qt override
        body = text.removeprefix(self.prefix()).strip()
        try:
            value = float(body)
        except ValueError:
            return QtGui.QValidator.State.Intermediate, text, pos
        ok = self.minimum() <= value <= self.maximum()
        return (QtGui.QValidator.State.Acceptable if ok else QtGui.QValidator.State.Intermediate), text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        if self._log:
            self.setValue(min(max(self.value() * 10.0**steps, self.minimum()), self.maximum()))
        else:
            super().stepBy(steps)


def _swatch(color) -> QtGui.QIcon:
    pixmap = QtGui.QPixmap(12, 12)
    pixmap.fill(QtGui.QColor(*color))
    return QtGui.QIcon(pixmap)


class OptimizerControls(QtWidgets.QGroupBox):
    """Emits what the user chose; the values live in the session and the race controller.

    Signals
    -------
    optimizer_changed(str, dict)
        The descent shown now uses this optimizer with these hyperparameters.
    hyperparameters_changed(str, dict)
        An optimizer's hyperparameters changed.
    race_changed(list)
        The optimizers ticked to race beside the one shown.
    batch_size_changed(int)
        Rows per mini-batch; 0 is full batch.
    """

    optimizer_changed = QtCore.pyqtSignal(str, dict)
    hyperparameters_changed = QtCore.pyqtSignal(str, dict)
    race_changed = QtCore.pyqtSignal(list)
    batch_size_changed = QtCore.pyqtSignal(int)

    def __init__(self, optimizer: str = "sgd", batch_size: int = 0, parent=None) -> None:
        super().__init__("Optimizer and race", parent)
        self.combo = QtWidgets.QComboBox()
        for info in OPTIMIZERS.values():
            self.combo.addItem(info.title, info.name)
            self.combo.setItemData(self.combo.count() - 1, info.rule, QtCore.Qt.ItemDataRole.ToolTipRole)
        self.combo.setCurrentIndex(self.combo.findData(optimizer))
        self.batch = QtWidgets.QSpinBox()
        self.batch.setRange(0, 100_000)
        self.batch.setSpecialValueText("Full batch")
        self.batch.setValue(batch_size)
        self.batch.setKeyboardTracking(False)  # one change when the number is complete
        self.batch.setToolTip("Rows per mini-batch (0 = every point, full-batch gradient descent).\n"
                              "Batches are drawn from the seed, epoch by epoch: every racer sees the same ones.")
        self.race_boxes: dict[str, QtWidgets.QCheckBox] = {}
        self.fields: dict[str, dict[str, ScientificSpinBox]] = {}
        grid = QtWidgets.QGridLayout()
        grid.setColumnStretch(3, 1)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        row = 0
        for info in OPTIMIZERS.values():
            box = QtWidgets.QCheckBox(SHORT_TITLES[info.name])
            box.setToolTip(f"Race {info.title} from the same w(0) on the same data\n\n{info.rule}")
            self.race_boxes[info.name] = box
            grid.addWidget(box, row, 0)
            self.fields[info.name] = {}
            for k, (name, default) in enumerate(info.defaults.items()):
                lo, hi = HYPERPARAMETER_RANGES[name]
                spin = ScientificSpinBox(lo, hi, default, log=name == "eps")
                spin.setPrefix(SHORT_LABELS[name])
                spin.setToolTip(f"{info.title}: {HYPERPARAMETER_LABELS[name]}\n\n{info.rule}")
                spin.setButtonSymbols(QtWidgets.QAbstractSpinBox.ButtonSymbols.NoButtons)  # ↑/↓ and the wheel step
                spin.setFixedWidth(FIELD_WIDTH)
                spin.valueChanged.connect(lambda _v, n=info.name: self._on_hyperparameter(n))
                self.fields[info.name][name] = spin
                grid.addWidget(spin, row + k // 2, 1 + k % 2)  # two fields a line: the panel is narrow
            row += max(1, (len(info.defaults) + 1) // 2)
            box.toggled.connect(self._on_race_toggled)
        form = QtWidgets.QFormLayout(self)
        form.addRow("Optimizer", self.combo)
        form.addRow("Batch size", self.batch)
        race_label = QtWidgets.QLabel("Race (tick to run side by side):")
        race_label.setToolTip("Ticked optimizers start from the same w(0), see the same mini-batches,\n"
                              "and draw their own path and loss curve. Step, Play and Reset drive them all.")
        form.addRow(race_label)
        form.addRow(grid)
        self.combo.currentIndexChanged.connect(self._on_optimizer_chosen)
        self.batch.valueChanged.connect(self.batch_size_changed)
        self._primary = optimizer
        self._show_primary()

    # ------------------------------------------------------------------ values
    def optimizer(self) -> str:
        return self.combo.currentData()

    def hyperparameters(self, name: str | None = None) -> dict[str, float]:
        name = name or self.optimizer()
        return {key: spin.value() for key, spin in self.fields[name].items()}

    def all_hyperparameters(self) -> dict[str, dict[str, float]]:
        return {name: self.hyperparameters(name) for name in self.fields}

    def racing(self) -> list[str]:
        """The optimizers ticked to race, the shown one excepted."""
        return [n for n, box in self.race_boxes.items() if box.isChecked() and n != self.optimizer()]

    def set_racing(self, names: list[str]) -> None:
        for name, box in self.race_boxes.items():
            box.setChecked(name in names or name == self.optimizer())

    def set_max_batch(self, n_points: int) -> None:
        self.batch.setMaximum(max(int(n_points), 1))

    # ------------------------------------------------------------------ reacting
    def _show_primary(self) -> None:
        """The shown optimizer's box is ticked and locked; the one it replaces leaves the race."""
        primary, previous = self.optimizer(), self._primary
        self._primary = primary
        for name, box in self.race_boxes.items():
            blocked = box.blockSignals(True)
            if name == primary:
                box.setChecked(True)
            elif name == previous:
                box.setChecked(False)
            box.setEnabled(name != primary)
            box.setIcon(_swatch(SERIES_COLORS[0] if name == primary else OPTIMIZER_COLORS[name]))
            box.blockSignals(blocked)

    def _on_optimizer_chosen(self, _index: int) -> None:
        self._show_primary()
        name = self.optimizer()
        self.setToolTip(OPTIMIZERS[name].rule)
        self.optimizer_changed.emit(name, self.hyperparameters(name))
        self.race_changed.emit(self.racing())

    def _on_hyperparameter(self, name: str) -> None:
        values = self.hyperparameters(name)
        if all(math.isfinite(v) for v in values.values()):
            self.hyperparameters_changed.emit(name, values)

    def _on_race_toggled(self, _checked: bool) -> None:
        self.race_changed.emit(self.racing())
