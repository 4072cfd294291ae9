"""The landscape view with its controls: which two parameters span it, the gradient arrow, fit."""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets

from widgets.landscape_view import LandscapeView


class LandscapePanel(QtWidgets.QWidget):
    """Axis pickers, arrow toggle and Fit above a :class:`LandscapeView`, a status line below.

    Signals
    -------
    axes_changed(int, int)
        The user picked the parameters along x and y (flat indices).
    arrow_toggled(bool)
    fit_requested()
        Frame the paths again and follow them.
    """

    axes_changed = QtCore.pyqtSignal(int, int)
    arrow_toggled = QtCore.pyqtSignal(bool)
    fit_requested = QtCore.pyqtSignal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.view = LandscapeView()
        self.x_axis = QtWidgets.QComboBox()
        self.y_axis = QtWidgets.QComboBox()
        for combo, which in ((self.x_axis, "x"), (self.y_axis, "y")):
            combo.setToolTip(f"The parameter along {which}; every other parameter stays at its current value")
            combo.setMaxVisibleItems(20)
            # not AdjustToContents: measuring thousands of MLP parameter names on every model switch is slow
            combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(9)
        self.arrow = QtWidgets.QCheckBox("−∇L arrow")
        self.arrow.setChecked(True)
        self.arrow.setToolTip("Show the direction of steepest descent at the current point (G)")
        self.fit = QtWidgets.QToolButton()
        self.fit.setText("Fit")
        self.fit.setToolTip("Frame every path and follow them again (after a pan or zoom)")
        self._labels: list[str] = []
        self.status = QtWidgets.QLabel()
        self.status.setStyleSheet("color: #555; font-size: 8pt;")
        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QtWidgets.QLabel("x"))
        top.addWidget(self.x_axis)
        top.addWidget(QtWidgets.QLabel("y"))
        top.addWidget(self.y_axis)
        top.addStretch(1)
        top.addWidget(self.arrow)
        top.addWidget(self.fit)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        self.x_axis.activated.connect(self._on_axis_picked)
        self.y_axis.activated.connect(self._on_axis_picked)
        self.arrow.toggled.connect(self.arrow_toggled)
        self.fit.clicked.connect(self.fit_requested)

    def set_parameters(self, labels: list[str], axes: tuple[int, int]) -> None:
        """Offer these parameter names and select ``axes`` (without emitting)."""
        if labels != self._labels:
            self._labels = list(labels)
            for combo in (self.x_axis, self.y_axis):
                blocked = combo.blockSignals(True)
                combo.clear()
                combo.addItems(labels)
                combo.blockSignals(blocked)
        self.show_axes(axes)

    def show_axes(self, axes: tuple[int, int]) -> None:
        for combo, index in zip((self.x_axis, self.y_axis), axes):
            blocked = combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(blocked)

    def axes(self) -> tuple[int, int]:
        return self.x_axis.currentIndex(), self.y_axis.currentIndex()

    def _on_axis_picked(self, _index: int) -> None:
        i, j = self.axes()
        if i == j:  # the same parameter twice is no slice: move the other axis along
            other = self.y_axis if self.sender() is self.x_axis else self.x_axis
            other.setCurrentIndex((other.currentIndex() + 1) % other.count())
            i, j = self.axes()
        self.axes_changed.emit(i, j)

    def set_status(self, text: str) -> None:
        self.status.setText(text)
