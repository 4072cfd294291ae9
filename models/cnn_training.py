"""Training the digits CNN: the data split, the epoch loop as a generator, and saving weights.

The loop is a plain generator: it yields an :class:`EpochReport` after every few batches and
at each epoch's end, and the caller decides what to do with it (print it, draw it, or stop
iterating: that *is* cancelling). No Qt here.
"""

from __future__ import annotations

import math
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from models.cnn import TRAIN_BATCH, CNNSpec, DigitsCNN

SPLIT_SEED = 0
TEST_FRACTION = 0.25


@dataclass(frozen=True)
class DigitsData:
    """scikit-learn's 8×8 handwritten digits scaled to [0, 1], with the fixed train/test split."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def subset(self, classes) -> DigitsData:
        """Only the given digits (labels unchanged)."""
        keep_train, keep_test = np.isin(self.y_train, classes), np.isin(self.y_test, classes)
        return DigitsData(self.x_train[keep_train], self.y_train[keep_train],
                          self.x_test[keep_test], self.y_test[keep_test])


_DIGITS: DigitsData | None = None


def load_digits_data() -> DigitsData:
    """The 1,797 digits split 75/25, stratified, with a fixed seed (the same split every run)."""
    global _DIGITS
    if _DIGITS is None:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        digits = load_digits()
        x = (digits.images / 16.0).astype(np.float32)
        x_train, x_test, y_train, y_test = train_test_split(
            x, digits.target, test_size=TEST_FRACTION, random_state=SPLIT_SEED, stratify=digits.target)
        _DIGITS = DigitsData(x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64))
    return _DIGITS


@dataclass
class TrainConfig:
    """What a training run does besides the architecture."""

    epochs: int = 30
    lr: float = 0.01
    seed: int = 0
    classes: tuple[int, ...] | None = None  # None: all ten
    head_only: bool = False
    reports_per_epoch: int = 4
    cosine: bool = True  # decay the learning rate to 0 along a half cosine over the run


@dataclass
class EpochReport:
    """Where a run is: ``epoch`` counts completed epochs (fractional mid-epoch)."""

    epoch: float
    epochs: int
    loss: float
    test_accuracy: float
    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    filters: np.ndarray | None = None
    seconds: float = 0.0

    @property
    def fraction(self) -> float:
        return min(1.0, self.epoch / max(self.epochs, 1))


def train(model: DigitsCNN, x: np.ndarray, y: np.ndarray, config: TrainConfig,
          x_test: np.ndarray | None = None, y_test: np.ndarray | None = None) -> Iterator[EpochReport]:
    """Mini-batch Adam for ``config.epochs`` epochs; yields reports, the last one after the final epoch.

    ``losses`` holds the mean training loss of each completed epoch and ``accuracies`` the test
    accuracy after it (NaN without a test set). Reshuffles each epoch from ``config.seed``.
    """
    rng = np.random.default_rng(config.seed)
    n = len(x)
    batches = max(1, math.ceil(n / TRAIN_BATCH))
    every = max(1, batches // max(config.reports_per_epoch, 1))
    losses: list[float] = []
    accuracies: list[float] = []
    start = time.perf_counter()
    for epoch in range(config.epochs):
        order = rng.permutation(n)
        total, seen = 0.0, 0
        for b in range(batches):
            idx = order[b * TRAIN_BATCH : (b + 1) * TRAIN_BATCH]
            lr = config.lr
            if config.cosine:
                lr *= 0.5 * (1 + math.cos(math.pi * (epoch * batches + b) / (config.epochs * batches)))
            loss = model.train_step(x[idx], y[idx], lr, config.classes, config.head_only)
            total, seen = total + loss * len(idx), seen + len(idx)
            if (b + 1) % every == 0 and b + 1 < batches:
                yield EpochReport(epoch + (b + 1) / batches, config.epochs, total / seen,
                                  accuracies[-1] if accuracies else math.nan, list(losses), list(accuracies),
                                  model.filters(), time.perf_counter() - start)
        losses.append(total / max(seen, 1))
        accuracy = model.accuracy(x_test, y_test, config.classes) if x_test is not None else math.nan
        accuracies.append(accuracy)
        yield EpochReport(epoch + 1, config.epochs, losses[-1], accuracy, list(losses), list(accuracies),
                          model.filters(), time.perf_counter() - start)


def run_to_end(reports: Iterator[EpochReport]) -> EpochReport | None:
    """Exhaust a training generator; the last report (None for zero epochs)."""
    last = None
    for last in reports:
        pass
    return last


# ------------------------------------------------------------------------------ weight files


class WeightsFileError(ValueError):
    """A weights file that cannot be read or does not fit the CNN."""


def save_weights(path: str | Path, model: DigitsCNN) -> Path:
    """Write the parameters and the architecture as ``.npz`` (plain arrays only: no pickles)."""
    path = Path(path)
    spec = model.spec
    arrays = {f"param_{k}": v for k, v in model.get_weights().items()}
    arrays["spec"] = np.array([spec.channels1, spec.channels2, spec.n_classes, spec.image_size], dtype=np.int64)
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)
    return path


def read_weights(path: str | Path) -> tuple[CNNSpec, dict[str, np.ndarray]]:
    """The architecture and parameters stored by :func:`save_weights`.

    Raises
    ------
    WeightsFileError
        With a one-line reason, for a missing, corrupt or foreign file.
    """
    path = Path(path)
    if path.is_file() and not zipfile.is_zipfile(path):
        raise WeightsFileError(f"{path.name}: not a .npz archive")
    try:
        with np.load(path, allow_pickle=False) as data:
            if "spec" not in data.files:
                raise WeightsFileError(f"{path.name}: not a Descida CNN weights file (no 'spec' array)")
            c1, c2, n_classes, size = (int(v) for v in np.asarray(data["spec"]).ravel()[:4])
            values = {k[len("param_"):]: np.array(data[k]) for k in data.files if k.startswith("param_")}
    except WeightsFileError:
        raise
    except FileNotFoundError:
        raise WeightsFileError(f"{path}: no such file") from None
    except ValueError as error:
        if "pickle" in str(error):
            raise WeightsFileError(f"{path.name}: holds Python objects (pickles), which are never loaded") from None
        raise WeightsFileError(f"{path.name}: not a readable .npz weights file ({error})") from None
    except (OSError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise WeightsFileError(f"{path.name}: not a readable .npz weights file ({error})") from None
    try:
        spec = CNNSpec(c1, c2, n_classes, size).validated()
    except ValueError as error:
        raise WeightsFileError(f"{path.name}: {error}") from None
    for name, shape in spec.param_shapes():
        if name not in values:
            raise WeightsFileError(f"{path.name}: the array {name} is missing")
        if values[name].shape != shape:
            raise WeightsFileError(f"{path.name}: {name} has shape {values[name].shape}, expected {shape}")
        if not np.all(np.isfinite(values[name])):
            raise WeightsFileError(f"{path.name}: {name} holds NaN or infinite values")
    return spec, values
