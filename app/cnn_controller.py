"""The Qt adapter around the digits CNN: training with live reports and Stop, transfer learning,
sketch classification and weight files. Compiling and training run in a worker (one at a time);
classifying a sketch runs in a second, quick worker so it never waits for a training run."""

from __future__ import annotations

import time

import numpy as np
from PyQt5 import QtCore

from app.workers import TaskContext, TaskRunner
from models.backend import Backend
from models.cnn import CNNSpec, DigitsCNN
from models.cnn_cache import cnn_backend, shared_cnn
from models.cnn_training import (EpochReport, TrainConfig, WeightsFileError, load_digits_data, read_weights,
                                 save_weights, train)
from models.images import to_digit_input
from models.transfer import TransferConfig, TransferExperiment, TransferProgress, TransferResult

SLOW_MOTION_S = 0.05


class CNNController(QtCore.QObject):
    """Signals
    -------
    progress(float, str)
        Fraction of the running job (−1: unknown) and what it is doing.
    running_changed(bool)
        A training run started or ended.
    reported(object)
        An :class:`EpochReport` during training.
    trained(object, bool)
        The last report (or None) and whether the run was stopped early.
    filters_changed(object)
        The first layer's (K, 3, 3) filters after an update or a load.
    predicted(object, object)
        The 8×8 input and the class probabilities (None: no trained network yet).
    transfer_progress(float, str), transfer_finished(object), transfer_running(bool)
    weights_loaded(object)
        The :class:`CNNSpec` of a loaded weights file.
    failed(str, str)
        Title and message for the user.
    """

    progress = QtCore.pyqtSignal(float, str)
    running_changed = QtCore.pyqtSignal(bool)
    reported = QtCore.pyqtSignal(object)
    trained = QtCore.pyqtSignal(object, bool)
    filters_changed = QtCore.pyqtSignal(object)
    predicted = QtCore.pyqtSignal(object, object)
    transfer_progress = QtCore.pyqtSignal(float, str)
    transfer_finished = QtCore.pyqtSignal(object)
    transfer_running = QtCore.pyqtSignal(bool)
    weights_loaded = QtCore.pyqtSignal(object)
    failed = QtCore.pyqtSignal(str, str)

    def __init__(self, backend: Backend, runner: TaskRunner | None = None, parent=None) -> None:
        super().__init__(parent)
        self.backend = cnn_backend(backend)
        self.runner = runner or TaskRunner(max_threads=1, parent=self)
        self.quick_runner = TaskRunner(max_threads=1, parent=self)
        self.model: DigitsCNN | None = None
        self.trained_ready = False
        self.last_report: EpochReport | None = None
        self.slow_motion_s = SLOW_MOTION_S
        self._training = None
        self._transfer = None
        self._experiments: dict[CNNSpec, TransferExperiment] = {}
        self._last_sketch: np.ndarray | None = None

    @property
    def training(self) -> bool:
        return self._training is not None

    # ------------------------------------------------------------------ training
    def train(self, spec: CNNSpec, config: TrainConfig, slow: bool = False) -> None:
        if self._training is not None:
            return
        backend, pause = self.backend, (self.slow_motion_s if slow else 0.0)

        def task(ctx: TaskContext):
            ctx.progress(-1, "Compiling the CNN (first time only)…")
            model = shared_cnn(spec, backend, "main", progress=lambda f, t: ctx.progress(-1, t + "…"))
            ctx.check()
            yield model
            data = load_digits_data()
            model.reset(config.seed)
            for report in train(model, data.x_train, data.y_train, config, data.x_test, data.y_test):
                yield report
                if pause:
                    time.sleep(pause)

        def connect(handle) -> None:
            self._training = handle
            handle.progress.connect(self.progress)
            handle.partial.connect(self._on_partial)
            handle.finished.connect(lambda last: self._on_trained(False))
            handle.cancelled.connect(lambda: self._on_trained(True))
            handle.failed.connect(lambda message: self.failed.emit("Training failed", message))
            handle.done.connect(self._on_training_done)

        self.last_report = None
        self.runner.submit("train CNN", task, before_start=connect)
        self.running_changed.emit(True)

    def stop(self) -> None:
        if self._training is not None:
            self._training.cancel()

    def _on_partial(self, value) -> None:
        if isinstance(value, DigitsCNN):
            self.model = value
            self.trained_ready = False
            return
        self.last_report = value
        self.trained_ready = True
        text = f"epoch {value.epoch:.1f}/{value.epochs} · loss {value.loss:.3f}"
        if np.isfinite(value.test_accuracy):
            text += f" · test accuracy {value.test_accuracy:.1%}"
        self.progress.emit(value.fraction, text)
        self.reported.emit(value)
        if value.filters is not None:
            self.filters_changed.emit(value.filters)

    def _on_trained(self, stopped: bool) -> None:
        self.trained.emit(self.last_report, stopped)
        if self._last_sketch is not None:
            self.classify(self._last_sketch)

    def _on_training_done(self) -> None:
        self._training = None
        self.running_changed.emit(False)

    # ------------------------------------------------------------------ sketches
    def classify(self, ink: np.ndarray) -> None:
        """The probabilities of each digit for a sketch (computed in the quick worker)."""
        self._last_sketch = np.asarray(ink, dtype=float).copy()
        digit = to_digit_input(self._last_sketch)
        model = self.model if self.trained_ready else None
        if model is None or not ink.any():
            self.predicted.emit(digit, None)
            return
        def connect(handle) -> None:
            handle.finished.connect(lambda probabilities: self.predicted.emit(digit, probabilities))
            handle.failed.connect(lambda message: self.failed.emit("Cannot classify the sketch", message))

        self.quick_runner.submit("classify sketch", lambda ctx: model.predict_proba(digit[None])[0], before_start=connect)

    # ------------------------------------------------------------------ transfer learning
    def run_transfer(self, spec: CNNSpec, shots: int) -> None:
        if self._transfer is not None:
            return
        backend = self.backend
        experiment = self._experiments.get(spec)
        config = TransferConfig(shots=shots)

        def task(ctx: TaskContext):
            nonlocal experiment
            if experiment is None:
                ctx.progress(0.0, "Compiling the CNN for transfer learning…")
                experiment = TransferExperiment(shared_cnn(spec, backend, "transfer"), load_digits_data())
                self._experiments[spec] = experiment
            for value in experiment.run(config):
                ctx.check()
                if isinstance(value, TransferProgress):
                    ctx.progress(value.fraction, value.text)
                else:
                    return value
            return None

        def connect(handle) -> None:
            self._transfer = handle
            handle.progress.connect(self.transfer_progress)
            handle.finished.connect(self._on_transfer_finished)
            handle.failed.connect(lambda message: self.failed.emit("Transfer learning failed", message))
            handle.done.connect(self._on_transfer_done)

        self.runner.submit("transfer learning", task, before_start=connect)
        self.transfer_running.emit(True)

    def _on_transfer_finished(self, result: TransferResult | None) -> None:
        if result is not None:
            self.transfer_finished.emit(result)

    def _on_transfer_done(self) -> None:
        self._transfer = None
        self.transfer_running.emit(False)

    # ------------------------------------------------------------------ weight files
    def save(self, path: str) -> bool:
        if self.model is None or not self.trained_ready:
            self.failed.emit("Nothing to save", "Train the CNN (or load weights) first.")
            return False
        try:
            save_weights(path, self.model)
        except OSError as error:
            self.failed.emit("Cannot save the weights", f"{path}: {error.strerror or error}")
            return False
        return True

    def load(self, path: str) -> None:
        """Read a weights file; the network for its architecture compiles in the worker if needed."""
        try:
            spec, values = read_weights(path)
        except WeightsFileError as error:
            self.failed.emit("Cannot load the weights", f"{error}\n\nThe current network is unchanged.")
            return
        backend = self.backend

        def task(ctx: TaskContext):
            ctx.progress(-1, "Compiling the CNN for the loaded weights…")
            model = shared_cnn(spec, backend, "main")
            model.set_weights(values)
            data = load_digits_data()
            return model, model.accuracy(data.x_test, data.y_test)

        def connect(handle) -> None:
            handle.progress.connect(self.progress)
            handle.finished.connect(self._on_loaded)
            handle.failed.connect(lambda message: self.failed.emit("Cannot load the weights", message))

        self.runner.submit("load weights", task, before_start=connect)

    def _on_loaded(self, result) -> None:
        model, accuracy = result
        self.model, self.trained_ready = model, True
        self.weights_loaded.emit(model.spec)
        self.progress.emit(1.0, f"Loaded weights · test accuracy {accuracy:.1%}")
        self.filters_changed.emit(model.filters())
        if self._last_sketch is not None:
            self.classify(self._last_sketch)

    def shutdown(self) -> None:
        for runner in (self.runner, self.quick_runner):
            runner.cancel_all()
            runner.wait()
