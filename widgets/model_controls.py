"""The model picker: logistic regression, polynomial features, or an MLP, and the L2 penalty."""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets

from models.classifiers import ACTIVATIONS, MAX_LAYERS, MAX_UNITS, ModelSpec
from widgets.log_spin import LogValueControl

KIND_TITLES = {
    "logistic": "Logistic regression",
    "poly": "Logistic on polynomial features",
    "mlp": "MLP (neural network)",
}
MAX_UI_DEGREE = 10


class ModelControls(QtWidgets.QGroupBox):
    """Emits ``spec_changed(ModelSpec)`` when the architecture changes and ``l2_changed(float)``."""

    spec_changed = QtCore.pyqtSignal(object)
    l2_changed = QtCore.pyqtSignal(float)

    def __init__(self, spec: ModelSpec | None = None, parent=None) -> None:
        super().__init__("Model", parent)
        spec = spec or ModelSpec()
        self.kind = QtWidgets.QComboBox()
        for kind, title in KIND_TITLES.items():
            self.kind.addItem(title, kind)
        self.kind.setToolTip(
            "Logistic regression: σ(wᵀx + b), a straight boundary.\n"
            "Polynomial features: the same model on x1^i·x2^j (i + j ≤ degree): curved boundaries.\n"
            "MLP: hidden layers of units h = act(Wx + b), then σ(wᵀh + b)."
        )
        self.degree = QtWidgets.QSpinBox()
        self.degree.setRange(1, MAX_UI_DEGREE)
        self.degree.setToolTip("Highest total power of the polynomial features")
        self.layers = QtWidgets.QSpinBox()
        self.layers.setRange(1, MAX_LAYERS)
        self.layers.setToolTip("Number of hidden layers")
        self.units = [QtWidgets.QSpinBox() for _ in range(MAX_LAYERS)]
        units_row = QtWidgets.QHBoxLayout()
        units_row.setContentsMargins(0, 0, 0, 0)
        for i, box in enumerate(self.units):
            box.setRange(1, MAX_UNITS)
            box.setValue(16)
            box.setToolTip(f"Units in hidden layer {i + 1}")
            units_row.addWidget(box)
        self.units_widget = QtWidgets.QWidget()
        self.units_widget.setLayout(units_row)
        self.activation = QtWidgets.QComboBox()
        self.activation.addItems(ACTIVATIONS)
        self.activation.setToolTip("tanh: smooth, zero-centred · relu: max(0, z) · sigmoid: 1/(1+e^−z)")
        self.l2 = LogValueControl(1e-5, 1.0, 1e-3, decimals=5, allow_zero=True)
        self.l2.set_value(0.0)
        self.l2.setToolTip("L2 penalty λ: the loss adds λ/2 · Σ w² over the weights (not the biases)")

        form = QtWidgets.QFormLayout(self)
        form.addRow("Model", self.kind)
        form.addRow("Degree", self.degree)
        form.addRow("Hidden layers", self.layers)
        form.addRow("Units", self.units_widget)
        form.addRow("Activation", self.activation)
        form.addRow("L2 penalty λ", self.l2)
        self._form = form
        self.set_spec(spec)
        for signal in (self.kind.currentIndexChanged, self.degree.valueChanged, self.layers.valueChanged,
                       self.activation.currentIndexChanged, *[b.valueChanged for b in self.units]):
            signal.connect(self._on_edited)
        self.l2.value_changed.connect(self.l2_changed)

    def spec(self) -> ModelSpec:
        layers = self.layers.value()
        return ModelSpec(
            kind=self.kind.currentData(),
            degree=self.degree.value(),
            hidden=tuple(box.value() for box in self.units[:layers]),
            activation=self.activation.currentText(),
        )

    def set_spec(self, spec: ModelSpec) -> None:
        """Show ``spec`` without emitting ``spec_changed``."""
        widgets = [self.kind, self.degree, self.layers, self.activation, *self.units]
        blocked = [w.blockSignals(True) for w in widgets]
        self.kind.setCurrentIndex(self.kind.findData(spec.kind))
        self.degree.setValue(spec.degree)
        self.layers.setValue(len(spec.hidden))
        for box, units in zip(self.units, spec.hidden):
            box.setValue(units)
        self.activation.setCurrentText(spec.activation)
        for w, b in zip(widgets, blocked):
            w.blockSignals(b)
        self._update_visibility()

    def _update_visibility(self) -> None:
        kind = self.kind.currentData()
        mlp = kind == "mlp"
        for widget, shown in ((self.degree, kind == "poly"), (self.layers, mlp), (self.units_widget, mlp),
                              (self.activation, mlp)):
            widget.setVisible(shown)
            label = self._form.labelForField(widget)
            if label is not None:
                label.setVisible(shown)
        for i, box in enumerate(self.units):
            box.setVisible(i < self.layers.value())

    def _on_edited(self, *_args) -> None:
        self._update_visibility()
        self.spec_changed.emit(self.spec())
