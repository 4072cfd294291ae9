"""What the model does on each split while it trains: losses over the iterations and, per frame,
accuracy and confusion matrices. Runs on the GUI thread after each frame, with the session's
already-compiled ``evaluate`` (another row weight vector ``m`` is another split, not a recompile)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PyQt5 import QtCore

from models.metrics import SplitMetrics, split_metrics
from models.splits import TEST, TRAIN, VALIDATION


@dataclass
class SplitCurves:
    """Validation and test loss at the iterations where a frame was drawn."""

    iterations: list[int] = field(default_factory=list)
    validation: list[float] = field(default_factory=list)
    test: list[float] = field(default_factory=list)

    def clear(self) -> None:
        self.iterations.clear()
        self.validation.clear()
        self.test.clear()

    def record(self, iteration: int, validation: float, test: float) -> None:
        """Add the losses at ``iteration``; a smaller iteration (reset, rewind) drops what came after."""
        while self.iterations and self.iterations[-1] >= iteration:
            self.iterations.pop()
            self.validation.pop()
            self.test.pop()
        self.iterations.append(int(iteration))
        self.validation.append(float(validation))
        self.test.append(float(test))

    def best_validation(self) -> tuple[int, float] | None:
        """(iteration, loss) of the lowest validation loss so far."""
        values = np.array(self.validation, dtype=float)
        if not len(values) or not np.any(np.isfinite(values)):
            return None
        index = int(np.nanargmin(values))
        return self.iterations[index], float(values[index])


class SplitMonitor(QtCore.QObject):
    """Evaluates the session's model on every split after each frame.

    Signals
    -------
    updated(list)
        The :class:`~models.metrics.SplitMetrics` of train, validation and test.
    """

    updated = QtCore.pyqtSignal(list)

    def __init__(self, session, split, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.split = session, split
        self.curves = SplitCurves()
        self.metrics: list[SplitMetrics] = []
        session.frame_ready.connect(self._on_frame)
        session.model_changed.connect(lambda _spec: self.curves.clear())

    def _on_frame(self, frame) -> None:
        if self.split.enabled:
            self.evaluate(frame.iteration)

    def evaluate(self, iteration: int) -> None:
        """Losses and metrics of each split now (the session must be ready: no compile running)."""
        trainer = self.session.trainer
        if trainer is None or self.session.busy:
            return
        codes = self.split.codes()
        n = trainer.n_points
        if len(codes) != n or n == 0:
            return
        evaluation = trainer.evaluate()
        x, y, _ = trainer.padded_data()
        losses = {TRAIN: evaluation.loss if np.any(codes == TRAIN) else math.nan}
        for code in (VALIDATION, TEST):
            m = np.zeros(len(x))
            m[:n] = codes == code
            losses[code] = trainer.classifier.evaluate(x, y, m, trainer.config.l2)[0] if m.any() else math.nan
        self.metrics = split_metrics(trainer.labels, evaluation.proba, codes, losses)
        self.curves.record(iteration, losses[VALIDATION], losses[TEST])
        self.updated.emit(self.metrics)
