"""Transfer learning on the digits: learn features on 0–4, reuse them frozen for 5–9 from few examples.

1. Pre-train the whole CNN on the digits 0–4 (the softmax restricted to those five classes).
2. *Transfer*: keep the convolution layers, give the dense layer fresh random weights and train
   only it on ``shots`` examples of each digit 5–9.
3. *Scratch*: the same network from fresh random weights, all layers trained on the same
   examples with the same number of steps and learning rate.

Both are scored on the test images of 5–9. The experiment is a generator of progress records;
its last value is the :class:`TransferResult`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from models.cnn import TRAIN_BATCH, DigitsCNN
from models.cnn_training import DigitsData, TrainConfig, train

SOURCE_CLASSES = (0, 1, 2, 3, 4)
TARGET_CLASSES = (5, 6, 7, 8, 9)
MAX_SHOTS = 50
CONV_NAMES = ("W1", "b1", "W2", "b2")


@dataclass(frozen=True)
class TransferConfig:
    shots: int = 5
    pretrain_epochs: int = 20
    steps: int = 150
    lr: float = 0.01
    seed: int = 0
    eval_every: int = 10
    repeats: int = 3  # independent draws of the few examples (and of the fresh weights), averaged


@dataclass
class TransferProgress:
    """``stage`` is "pretrain", "transfer" or "scratch"; ``fraction`` of the whole experiment."""

    stage: str
    fraction: float
    text: str


@dataclass
class TransferResult:
    shots: int
    transfer_accuracy: float
    scratch_accuracy: float
    pretrain_accuracy: float
    steps: list[int] = field(default_factory=list)
    transfer_curve: list[float] = field(default_factory=list)
    scratch_curve: list[float] = field(default_factory=list)


def few_shot_sample(data: DigitsData, classes, shots: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``shots`` training images of each class, drawn without replacement from ``seed``."""
    if not 1 <= shots <= MAX_SHOTS:
        raise ValueError(f"choose 1–{MAX_SHOTS} examples per class, got {shots}")
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(data.y_train == c), size=shots, replace=False) for c in classes]
    idx = np.concatenate(picks)
    return data.x_train[idx], data.y_train[idx]


class TransferExperiment:
    """Owns a CNN of its own; remembers the pre-trained convolution layers between runs."""

    def __init__(self, model: DigitsCNN, data: DigitsData) -> None:
        self.model = model
        self.data = data
        self._pretrained: dict[tuple, tuple[dict, float]] = {}

    def pretrained(self, config: TransferConfig) -> Iterator[TransferProgress]:
        """Pre-train on 0–4 unless already done for these settings (yields progress while training)."""
        key = (config.pretrain_epochs, config.seed, config.lr)
        if key in self._pretrained:
            return
        source = self.data.subset(SOURCE_CLASSES)
        self.model.reset(config.seed)
        run = TrainConfig(epochs=config.pretrain_epochs, lr=config.lr, seed=config.seed, classes=SOURCE_CLASSES,
                          reports_per_epoch=1)
        report = None
        for report in train(self.model, source.x_train, source.y_train, run, source.x_test, source.y_test):
            yield TransferProgress("pretrain", 0.6 * report.fraction,
                                   f"pre-training on 0–4: epoch {report.epoch:.0f}/{run.epochs}")
        accuracy = report.test_accuracy if report else float("nan")
        self._pretrained[key] = (self.model.get_weights(), accuracy)

    def run(self, config: TransferConfig) -> Iterator[TransferProgress | TransferResult]:
        """Pre-train (once), then transfer and scratch on ``config.repeats`` draws; yields progress, then the result."""
        yield from self.pretrained(config)
        weights, pre_accuracy = self._pretrained[(config.pretrain_epochs, config.seed, config.lr)]
        conv = [n for n in CONV_NAMES if n in weights]
        target = self.data.subset(TARGET_CLASSES)
        curves: dict[str, list[np.ndarray]] = {"transfer": [], "scratch": []}
        steps: list[int] = []
        runs = [(r, stage) for r in range(config.repeats) for stage in ("transfer", "scratch")]
        for done, (repeat, stage) in enumerate(runs):
            seed = config.seed + 1 + repeat
            x, y = few_shot_sample(self.data, TARGET_CLASSES, config.shots, seed)
            self.model.reset(seed)  # the same fresh head for both; fresh convolution layers for scratch
            if stage == "transfer":
                self.model.set_weights(weights, conv)
            points = list(self._fit(x, y, target, config, stage == "transfer", seed))
            steps = [s for s, _ in points]
            curves[stage].append(np.array([a for _, a in points]))
            yield TransferProgress(stage, 0.6 + 0.4 * (done + 1) / len(runs),
                                   f"{stage}, draw {repeat + 1}/{config.repeats}: test accuracy {points[-1][1]:.1%}")
        transfer, scratch = (np.mean(curves[s], axis=0) for s in ("transfer", "scratch"))
        yield TransferResult(config.shots, float(transfer[-1]), float(scratch[-1]), pre_accuracy,
                             steps, transfer.tolist(), scratch.tolist())

    def _fit(self, x, y, target: DigitsData, config: TransferConfig, head_only: bool, seed: int):
        rng = np.random.default_rng(seed)
        for step in range(1, config.steps + 1):
            idx = rng.permutation(len(x))[:TRAIN_BATCH]
            self.model.train_step(x[idx], y[idx], config.lr, TARGET_CLASSES, head_only)
            if step % config.eval_every == 0 or step == config.steps:
                yield step, self.model.accuracy(target.x_test, target.y_test, TARGET_CLASSES)
