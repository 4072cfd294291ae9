"""A number control on a log scale (learning rate, λ): a slider for feel, a spin box for exact values."""

from __future__ import annotations

import math

from PyQt5 import QtCore, QtWidgets

_SLIDER_STEPS = 1000


class LogValueControl(QtWidgets.QWidget):
    """Slider over log10 [minimum, maximum] plus a spin box; emits ``value_changed(float)``.

    ``allow_zero`` adds 0 at the slider's left end (for penalties that can be switched off).
    """

    value_changed = QtCore.pyqtSignal(float)

    def __init__(self, minimum: float, maximum: float, value: float, decimals: int = 4,
                 allow_zero: bool = False, parent=None) -> None:
        super().__init__(parent)
        self._lo, self._hi = math.log10(minimum), math.log10(maximum)
        self._allow_zero = allow_zero
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setRange(0, _SLIDER_STEPS)
        self.spin = QtWidgets.QDoubleSpinBox()
        self.spin.setDecimals(decimals)
        self.spin.setRange(0.0 if allow_zero else minimum, maximum)
        self.spin.setStepType(QtWidgets.QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.spin.setKeyboardTracking(False)
        self.spin.setMinimumWidth(90)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
        self._value = value
        self._sync(value)
        self.slider.valueChanged.connect(self._on_slider)
        self.spin.valueChanged.connect(self._on_spin)

    def value(self) -> float:
        return self._value

    def set_value(self, value: float) -> None:
        """Set without emitting (for restoring state)."""
        self._value = float(value)
        self._sync(self._value)

    def _position(self, value: float) -> int:
        if value <= 0:
            return 0
        fraction = (math.log10(value) - self._lo) / (self._hi - self._lo)
        return round(min(max(fraction, 0.0), 1.0) * _SLIDER_STEPS)

    def _sync(self, value: float) -> None:
        for widget, content in ((self.slider, self._position(value)), (self.spin, value)):
            blocked = widget.blockSignals(True)
            widget.setValue(content)
            widget.blockSignals(blocked)

    def _on_slider(self, position: int) -> None:
        if self._allow_zero and position == 0:
            value = 0.0
        else:
            value = 10 ** (self._lo + (self._hi - self._lo) * position / _SLIDER_STEPS)
            value = float(f"{value:.3g}")
        self._emit(value)

    def _on_spin(self, value: float) -> None:
        self._emit(value)

    def _emit(self, value: float) -> None:
        if value == self._value:
            return
        self._value = value
        self._sync(value)
        self.value_changed.emit(value)
