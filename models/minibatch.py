"""Seeded mini-batches as row weights: a mini-batch is just another ``m`` (1 for the rows in the
batch, 0 elsewhere), so switching batch size never recompiles anything.

Batches follow epochs: each epoch visits every training row once, in an order drawn from
``(seed, epoch)``. The batch of iteration t depends only on (seed, rows, batch size, t), so every
optimizer of a race sees the same batches, and stepping again from an earlier iterate replays
the same ones.
"""

from __future__ import annotations

import math

import numpy as np


class BatchSchedule:
    """Row weights for each iteration: a mini-batch of ``batch_size`` of the rows whose base weight is > 0.

    ``batch_size`` 0 (or at least the number of rows) is full-batch gradient descent: the base
    weights themselves.
    """

    def __init__(self, base_weights: np.ndarray, batch_size: int, seed: int = 0) -> None:
        self.base = np.asarray(base_weights, dtype=float)
        self.rows = np.flatnonzero(self.base > 0)
        self.batch_size = int(batch_size)
        if self.batch_size < 0:
            raise ValueError(f"the batch size must be ≥ 0 (0 = full batch), got {batch_size}")
        self.seed = int(seed)
        self._epoch: tuple[int, np.ndarray] | None = None

    @property
    def full_batch(self) -> bool:
        return self.batch_size == 0 or self.batch_size >= len(self.rows)

    @property
    def batches_per_epoch(self) -> int:
        return 1 if self.full_batch else math.ceil(len(self.rows) / self.batch_size)

    def order(self, epoch: int) -> np.ndarray:
        """The rows in the order epoch ``epoch`` visits them."""
        if self._epoch is None or self._epoch[0] != epoch:
            rng = np.random.default_rng([self.seed, epoch])
            self._epoch = (epoch, self.rows[rng.permutation(len(self.rows))])
        return self._epoch[1]

    def batch_rows(self, iteration: int) -> np.ndarray:
        """Indices of the rows in iteration ``iteration``'s batch."""
        if self.full_batch:
            return self.rows
        epoch, index = divmod(int(iteration), self.batches_per_epoch)
        return self.order(epoch)[index * self.batch_size : (index + 1) * self.batch_size]

    def weights(self, iteration: int) -> np.ndarray:
        """The row weights ``m`` of iteration ``iteration`` (the base weights on the batch's rows)."""
        if self.full_batch:
            return self.base
        m = np.zeros_like(self.base)
        rows = self.batch_rows(iteration)
        m[rows] = self.base[rows]
        return m
