"""Accuracy and 2×2 confusion matrices per split, from the probabilities a model computed.

The probabilities come from compiled PyTensor graphs; this module only thresholds and counts
them (as :meth:`models.training.Trainer.evaluate` does for the training accuracy).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from models.splits import SPLIT_NAMES


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Counts ``C[actual, predicted]`` over the rows where ``mask`` is true (all rows by default)."""
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    predicted = np.asarray(predicted, dtype=np.int64).reshape(-1)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool).reshape(-1)
        labels, predicted = labels[mask], predicted[mask]
    return np.bincount(2 * labels + predicted, minlength=4)[:4].reshape(2, 2)


def accuracy(confusion: np.ndarray) -> float:
    """Fraction on the diagonal; NaN when there are no rows."""
    total = int(np.sum(confusion))
    return float(np.trace(confusion)) / total if total else math.nan


@dataclass(frozen=True)
class SplitMetrics:
    """One split's numbers: how many points, the loss, the accuracy and the confusion matrix."""

    name: str
    n: int
    loss: float
    accuracy: float
    confusion: np.ndarray

    @property
    def error(self) -> float:
        return 1.0 - self.accuracy


def split_metrics(labels: np.ndarray, proba: np.ndarray, codes: np.ndarray,
                  losses: dict[int, float] | None = None) -> list[SplitMetrics]:
    """Metrics of every split (train, validation, test) from class-1 probabilities."""
    predicted = (np.asarray(proba) >= 0.5).astype(np.int64)
    codes = np.asarray(codes)
    losses = losses or {}
    out = []
    for code, name in enumerate(SPLIT_NAMES):
        confusion = confusion_matrix(labels, predicted, codes == code)
        out.append(SplitMetrics(name, int(confusion.sum()), float(losses.get(code, math.nan)), accuracy(confusion),
                                confusion))
    return out
