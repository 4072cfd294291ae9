"""The Graph tab's controls: which graph, which view of it, zoom and export; and the model panel."""

from __future__ import annotations

import math

from PyQt5 import QtCore, QtGui, QtWidgets

MODE_TIPS = {
    "JAX": "PyTensor's fast_run rewrites as the JAX back end applies them (fusion, constant folding, "
           "canonicalisation; no in-place or C-only rewrites)",
    "NUMBA": "PyTensor's fast_run rewrites as the Numba back end applies them",
    "FAST_COMPILE": "The few rewrites of FAST_COMPILE (the mode this tab evaluates with): almost as written",
}


class ElidedLabel(QtWidgets.QLabel):
    """A one-line label that ends in … when it is too narrow, instead of widening its window."""

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt override
        return QtCore.QSize(20, super().minimumSizeHint().height())

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QtGui.QPainter(self)
        text = self.fontMetrics().elidedText(self.text(), QtCore.Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), int(QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignVCenter),
                         text)


def _segmented(labels: list[tuple[str, str, str]], parent) -> tuple[QtWidgets.QButtonGroup, dict]:
    group, buttons = QtWidgets.QButtonGroup(parent), {}
    for key, text, tip in labels:
        button = QtWidgets.QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setAutoRaise(False)
        group.addButton(button)
        buttons[key] = button
    next(iter(buttons.values())).setChecked(True)
    return group, buttons


class GraphToolbar(QtWidgets.QWidget):
    """Two rows of controls above the diagram, and a line saying what is shown.

    Signals
    -------
    source_changed(str)          "expression" or "model"
    model_kind_changed(str)      "cost" or "gradient"
    view_kind_changed(str)       "written" or "compiled"
    mode_changed(str)            the PyTensor mode whose rewrites "as compiled" shows
    target_changed(str)          the output whose gradient hovering shows
    zoom_requested(str)          "in", "out" or "fit"
    export_requested(str)        "png" or "svg"
    """

    source_changed = QtCore.pyqtSignal(str)
    model_kind_changed = QtCore.pyqtSignal(str)
    view_kind_changed = QtCore.pyqtSignal(str)
    mode_changed = QtCore.pyqtSignal(str)
    target_changed = QtCore.pyqtSignal(str)
    zoom_requested = QtCore.pyqtSignal(str)
    export_requested = QtCore.pyqtSignal(str)

    def __init__(self, modes: list[str], backend_mode: str, parent=None) -> None:
        super().__init__(parent)
        self._source_group, self.source_buttons = _segmented([
            ("expression", "Expression", "Your program from the editor"),
            ("model", "Model's graph", "The cost and gradient graphs of the model trained in the Playground, "
                                       "with values from its latest step")], self)
        self.model_kind = QtWidgets.QComboBox()
        self.model_kind.addItem("cost graph", "cost")
        self.model_kind.addItem("gradient graph", "gradient")
        self.model_kind.setToolTip("The cost L(θ), or L with its gradients ∂L/∂θ as pytensor.grad builds them")
        self._view_group, self.view_buttons = _segmented([
            ("written", "As written", "The graph as the program builds it (Ctrl+1)"),
            ("compiled", "As compiled", "The graph after PyTensor's rewrites (Ctrl+2)")], self)
        self.mode = QtWidgets.QComboBox()
        for mode in modes:
            self.mode.addItem(f"{mode} rewrites" + (" (playground)" if mode == backend_mode else ""), mode)
            self.mode.setItemData(self.mode.count() - 1, MODE_TIPS.get(mode, mode), QtCore.Qt.ItemDataRole.ToolTipRole)
        self.mode.setToolTip("Which PyTensor mode's rewrites 'As compiled' shows (rewrites only: no code is generated)")
        self.target = QtWidgets.QComboBox()
        self.target.setToolTip("Hovering a node shows the gradient of this output with respect to the node")
        self.target.setMinimumWidth(90)
        self.target_label = QtWidgets.QLabel("gradient of")
        self.zoom_buttons = {}
        for key, text, tip in (("out", "−", "Zoom out (−, wheel)"), ("in", "+", "Zoom in (+, wheel)"),
                               ("fit", "Fit", "Show the whole graph (0)")):
            button = QtWidgets.QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, k=key: self.zoom_requested.emit(k))
            self.zoom_buttons[key] = button
        self.export_button = QtWidgets.QToolButton()
        self.export_button.setText("Export")
        self.export_button.setToolTip("Save the whole graph as PNG or SVG (Ctrl+Shift+E)")
        self.export_button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QtWidgets.QMenu(self.export_button)
        menu.addAction("PNG image…", lambda: self.export_requested.emit("png"))
        menu.addAction("SVG drawing…", lambda: self.export_requested.emit("svg"))
        self.export_button.setMenu(menu)
        self.title_label = ElidedLabel()
        self.title_label.setStyleSheet("font-weight: bold;")
        self.counts_label = QtWidgets.QLabel()
        self.counts_label.setStyleSheet("color: #444;")
        self.status_label = QtWidgets.QLabel()
        self.status_label.setStyleSheet("color: #b00020;")
        self.status_label.setWordWrap(True)
        self.busy_label = QtWidgets.QLabel()
        self.busy = QtWidgets.QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(90)
        self.busy.setMaximumHeight(14)
        for label in (self.title_label, self.busy_label):  # long texts are cut, never widen the window
            label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.counts_label.setWordWrap(True)
        self._layout()
        self._source_group.buttonClicked.connect(self._on_source)
        self._view_group.buttonClicked.connect(self._on_view)
        self.model_kind.currentIndexChanged.connect(
            lambda _: self.model_kind_changed.emit(self.model_kind.currentData()))
        self.mode.currentIndexChanged.connect(lambda _: self.mode_changed.emit(self.mode.currentData()))
        self.target.activated.connect(lambda _: self.target_changed.emit(self.target.currentData()))
        self.model_kind.hide()
        self.set_busy("")

    def _layout(self) -> None:
        top = QtWidgets.QHBoxLayout()
        for widget in (*self.source_buttons.values(), self.model_kind):
            top.addWidget(widget)
        top.addSpacing(16)
        for widget in (*self.view_buttons.values(), self.mode):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.busy_label)
        top.addWidget(self.busy)
        second = QtWidgets.QHBoxLayout()
        second.addWidget(self.title_label, 1)
        second.addWidget(self.target_label)
        second.addWidget(self.target)
        second.addSpacing(12)
        for button in self.zoom_buttons.values():
            second.addWidget(button)
        second.addWidget(self.export_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.status_label)

    def _on_source(self, button) -> None:
        source = next(k for k, b in self.source_buttons.items() if b is button)
        self.model_kind.setVisible(source == "model")
        self.target.setVisible(source == "expression")
        self.target_label.setText("gradient of" if source == "expression" else "gradient of L")
        self.source_changed.emit(source)

    def _on_view(self, button) -> None:
        self.view_kind_changed.emit(next(k for k, b in self.view_buttons.items() if b is button))

    def set_view_kind(self, kind: str) -> None:
        self.view_buttons[kind].click()

    def set_source(self, source: str) -> None:
        self.source_buttons[source].click()

    def set_targets(self, outputs: list[tuple[str, str]], current: str) -> None:
        self.target.blockSignals(True)
        self.target.clear()
        for name, label in outputs:
            self.target.addItem(label if label == name else f"{name} ({label})", name)
        self.target.setCurrentIndex(max(0, self.target.findData(current)))
        self.target.blockSignals(False)

    def show_counts(self, title: str, written: tuple[int, int], compiled: tuple[int, int], mode: str) -> None:
        """``written``/``compiled``: (operations, nodes) of each view."""
        self.title_label.setText(title)
        self.title_label.setToolTip(title)
        self.counts_label.setText(
            f"As written: {written[0]} operations, {written[1]} nodes  ·  as compiled with {mode} rewrites: "
            f"{compiled[0]} operations, {compiled[1]} nodes")

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    def set_busy(self, text: str) -> None:
        self.busy.setVisible(bool(text))
        self.busy_label.setText(text)


class ModelPanel(QtWidgets.QWidget):
    """What the model's graph is, where its values come from, and a Step button.

    Signals
    -------
    step_requested()
    """

    step_requested = QtCore.pyqtSignal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model_label = QtWidgets.QLabel("—")
        self.model_label.setWordWrap(True)
        self.model_label.setStyleSheet("font-weight: bold;")
        self.state_label = QtWidgets.QLabel("The model is still compiling…")
        explanation = QtWidgets.QLabel(
            "This is the PyTensor graph the Playground trains: inputs x (the points, padded with rows of "
            "weight m = 0), targets y, λ, and the shared parameters. The cost is the mean cross-entropy of "
            "ŷ = σ(z), written stably as softplus(z) − y·z. The gradient graph is what pytensor.grad builds "
            "from it. Values are those of the latest step; step here or in the Playground to watch them change.")
        explanation.setWordWrap(True)
        explanation.setStyleSheet("color: #555;")
        self.step_button = QtWidgets.QPushButton("Step")
        self.step_button.setToolTip("One gradient step of the playground model (S)")
        self.step_button.clicked.connect(self.step_requested)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.model_label, self.state_label, self.step_button, explanation):
            layout.addWidget(widget)
        layout.addStretch(1)

    def show_frame(self, frame) -> None:
        loss = "—" if not math.isfinite(frame.loss) else f"{frame.loss:.4f}"
        self.model_label.setText(frame.spec.label())
        self.state_label.setText(f"Iteration {frame.iteration} · loss L = {loss}")

    def show_waiting(self) -> None:
        self.state_label.setText("The model is still compiling; its graph appears when it is ready.")
