"""Controls of the digits CNN: architecture, training knobs, Train/Stop with progress, weight files."""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets

from models.cnn import CNNSpec
from models.cnn_training import TrainConfig


class CNNControls(QtWidgets.QGroupBox):
    """Signals
    -------
    train_requested(object, object, bool)
        A :class:`CNNSpec`, a :class:`TrainConfig` and whether to train in slow motion.
    stop_requested()
    save_requested(), load_requested()
    """

    train_requested = QtCore.pyqtSignal(object, object, bool)
    stop_requested = QtCore.pyqtSignal()
    save_requested = QtCore.pyqtSignal()
    load_requested = QtCore.pyqtSignal()

    def __init__(self, parent=None) -> None:
        super().__init__("CNN on handwritten digits", parent)
        self.channels1 = QtWidgets.QSpinBox()
        self.channels1.setRange(8, 16)
        self.channels1.setValue(CNNSpec().channels1)
        self.channels1.setToolTip("Filters in the first convolution layer (3×3 each): these are the filters shown")
        self.second = QtWidgets.QCheckBox("second conv layer")
        self.second.setChecked(bool(CNNSpec().channels2))
        self.second.setToolTip("conv 3×3 → ReLU → max-pool once more before the dense layer")
        self.channels2 = QtWidgets.QSpinBox()
        self.channels2.setRange(4, 32)
        self.channels2.setValue(CNNSpec().channels2 or 16)
        self.second.toggled.connect(self.channels2.setEnabled)
        self.epochs = QtWidgets.QSpinBox()
        self.epochs.setRange(1, 200)
        self.epochs.setValue(TrainConfig().epochs)
        self.epochs.setToolTip("Passes over the 1,347 training digits (mini-batches of 64, Adam)")
        self.lr = QtWidgets.QDoubleSpinBox()
        self.lr.setDecimals(4)
        self.lr.setRange(0.0001, 0.1)
        self.lr.setSingleStep(0.001)
        self.lr.setValue(TrainConfig().lr)
        self.lr.setToolTip("Adam's learning rate at the start (decays to 0 along a half cosine)")
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(0, 10_000)
        self.seed.setToolTip("Seed of the initial weights and of the batch order")
        self.slow = QtWidgets.QCheckBox("slow motion")
        self.slow.setChecked(True)
        self.slow.setToolTip("Pause briefly after each update, to watch the filters form; unchecked, training takes about a second")
        self.train_button = QtWidgets.QPushButton("Train")
        self.train_button.setToolTip("Train the CNN from fresh weights (Ctrl+T)")
        self.stop_button = QtWidgets.QPushButton("Stop")
        self.stop_button.setToolTip("Stop training; the weights learned so far are kept (Esc)")
        self.stop_button.setEnabled(False)
        self.save_button = QtWidgets.QPushButton("Save weights…")
        self.save_button.setToolTip("Write the trained weights as .npz")
        self.load_button = QtWidgets.QPushButton("Load weights…")
        self.load_button.setToolTip("Read weights saved by Descida (.npz)")
        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status = QtWidgets.QLabel("Not trained yet")
        self.status.setWordWrap(True)

        form = QtWidgets.QFormLayout()
        form.addRow("filters, layer 1", self.channels1)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.second)
        row.addWidget(self.channels2)
        form.addRow(row)
        form.addRow("epochs", self.epochs)
        form.addRow("learning rate", self.lr)
        form.addRow("seed", self.seed)
        form.addRow(self.slow)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.stop_button)
        files = QtWidgets.QHBoxLayout()
        files.addWidget(self.save_button)
        files.addWidget(self.load_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(files)
        self.train_button.clicked.connect(self._on_train)
        self.stop_button.clicked.connect(self.stop_requested)
        self.save_button.clicked.connect(self.save_requested)
        self.load_button.clicked.connect(self.load_requested)

    def spec(self) -> CNNSpec:
        return CNNSpec(self.channels1.value(), self.channels2.value() if self.second.isChecked() else 0)

    def config(self) -> TrainConfig:
        return TrainConfig(epochs=self.epochs.value(), lr=self.lr.value(), seed=self.seed.value())

    def show_spec(self, spec: CNNSpec) -> None:
        self.channels1.setValue(spec.channels1)
        self.second.setChecked(bool(spec.channels2))
        if spec.channels2:
            self.channels2.setValue(spec.channels2)

    def _on_train(self) -> None:
        self.train_requested.emit(self.spec(), self.config(), self.slow.isChecked())

    def set_running(self, running: bool) -> None:
        self.train_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.load_button.setEnabled(not running)
        for box in (self.channels1, self.second, self.channels2, self.epochs, self.lr, self.seed):
            box.setEnabled(not running and (box is not self.channels2 or self.second.isChecked()))

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(round(100 * max(0.0, min(1.0, fraction))))
        self.status.setText(text)
