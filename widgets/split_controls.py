"""The train / validation / test split: on/off, percentages, seed and re-draw, which splits are
drawn (the checkboxes double as the marker legend), the counts, and whether the test set was used."""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets

from widgets.split_style import SPLIT_SHAPES, SPLIT_TITLES, split_icon

UNUSED_STYLE = "color: #2e7d32;"
USED_STYLE = "color: #8a5a00; font-weight: bold;"


class SplitControls(QtWidgets.QGroupBox):
    """Every change is a signal; the application decides what it means.

    Signals
    -------
    enabled_toggled(bool)
    percentages_changed(int, int)
        Training and validation percentages (test is the rest).
    redraw_requested()
        Draw the split again with the next seed.
    seed_changed(int)
    visibility_changed(int, bool)
        Split code and whether its points are drawn.
    early_stopping_toggled(bool)
    """

    enabled_toggled = QtCore.pyqtSignal(bool)
    percentages_changed = QtCore.pyqtSignal(int, int)
    redraw_requested = QtCore.pyqtSignal()
    seed_changed = QtCore.pyqtSignal(int)
    visibility_changed = QtCore.pyqtSignal(int, bool)
    early_stopping_toggled = QtCore.pyqtSignal(bool)

    def __init__(self, parent=None) -> None:
        super().__init__("Generalization", parent)
        self.enabled = QtWidgets.QCheckBox("Split train / validation / test")
        self.enabled.setToolTip("Train on the training split only; measure on points the model never learns from.\n"
                                "Right-click a point to pin it to a split.")
        self.train = self._percent("Share of the points the model learns from")
        self.validation = self._percent("Share used to compare models and choose hyperparameters")
        self.test = QtWidgets.QLabel()
        self.test.setToolTip("The rest: looked at once, at the very end (Evaluate on test)")
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip("Seed of the random split: the same seed always gives the same split")
        self.redraw = QtWidgets.QPushButton("Re-draw")
        self.redraw.setToolTip("A new random split (next seed); undo with Ctrl+Z")
        self.shown = []
        legend = QtWidgets.QHBoxLayout()
        legend.setContentsMargins(0, 0, 0, 0)
        for code, (title, shape) in enumerate(zip(SPLIT_TITLES, SPLIT_SHAPES)):
            box = QtWidgets.QCheckBox("Val." if code == 1 else title)
            box.setIcon(split_icon(code))
            box.setIconSize(QtCore.QSize(32, 16))
            box.setChecked(True)
            box.setToolTip(f"{title} points are drawn as a {shape}; untick to hide them")
            box.toggled.connect(lambda on, c=code: self.visibility_changed.emit(c, on))
            self.shown.append(box)
            legend.addWidget(box)
        legend.addStretch(1)
        self.counts = QtWidgets.QLabel()
        self.test_status = QtWidgets.QLabel()
        self.test_status.setWordWrap(True)
        self.early_stopping = QtWidgets.QCheckBox("Early-stopping marker")
        self.early_stopping.setToolTip("A line on the loss plot at the iteration where the validation loss was lowest")

        percents = QtWidgets.QHBoxLayout()
        percents.setContentsMargins(0, 0, 0, 0)
        for label, widget in (("Train", self.train), ("Val.", self.validation)):
            percents.addWidget(QtWidgets.QLabel(label))
            percents.addWidget(widget, 1)
        seed_row = QtWidgets.QHBoxLayout()
        seed_row.setContentsMargins(0, 0, 0, 0)
        seed_row.addWidget(self.test)
        seed_row.addStretch(1)
        seed_row.addWidget(QtWidgets.QLabel("Seed"))
        seed_row.addWidget(self.seed)
        seed_row.addWidget(self.redraw)
        self.seed.setMinimumWidth(60)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.enabled)
        self.details = QtWidgets.QWidget()
        details = QtWidgets.QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        for row in (percents, seed_row, legend):
            details.addLayout(row)
        for widget in (self.counts, self.early_stopping, self.test_status):
            details.addWidget(widget)
        layout.addWidget(self.details)
        self.details.setVisible(False)
        self.show_plan(60, 20, 0)
        self.show_test_status(0, False, "")

        self.enabled.toggled.connect(self._on_enabled)
        self.train.valueChanged.connect(self._on_percentages)
        self.validation.valueChanged.connect(self._on_percentages)
        self.redraw.clicked.connect(self.redraw_requested)
        self.seed.valueChanged.connect(self.seed_changed)
        self.early_stopping.toggled.connect(self.early_stopping_toggled)

    @staticmethod
    def _percent(tip: str) -> QtWidgets.QSpinBox:
        box = QtWidgets.QSpinBox()
        box.setRange(0, 100)
        box.setSingleStep(5)
        box.setSuffix(" %")
        box.setKeyboardTracking(False)
        box.setToolTip(tip)
        return box

    def _on_enabled(self, on: bool) -> None:
        self.details.setVisible(on)
        self.enabled_toggled.emit(on)

    def _on_percentages(self, _value: int) -> None:
        self.percentages_changed.emit(self.train.value(), self.validation.value())

    # -- showing state, without emitting -----------------------------------------------------
    def show_plan(self, train: int, validation: int, seed: int) -> None:
        for box, value in ((self.train, train), (self.validation, validation), (self.seed, seed)):
            blocked = box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(blocked)
        self.test.setText(f"Test {100 - train - validation} %")

    def show_counts(self, n_train: int, n_validation: int, n_test: int, n_pinned: int) -> None:
        pinned = f" · {n_pinned} pinned" if n_pinned else ""
        self.counts.setText(f"{n_train} train · {n_validation} validation · {n_test} test{pinned}")

    def show_test_status(self, uses: int, used_on_this_split: bool, last: str) -> None:
        """The visible record of whether the test set has been looked at."""
        if used_on_this_split:
            self.test_status.setText(f"⚠ Test set used ({last}). Choosing again by it would overfit the test set.")
            self.test_status.setStyleSheet(USED_STYLE)
        else:
            before = f" (looked at {uses}× on an earlier split)" if uses else ""
            self.test_status.setText(f"✓ Test set unused{before}")
            self.test_status.setStyleSheet(UNUSED_STYLE)
