"""Train / validation / test splits that survive every edit of the points.

A point's split is a pure function of ``(seed, point id)`` plus an explicit pin map by id, so
nothing has to be kept in step with the points: adding, moving, deleting or undoing never
changes another point's split, and a deleted point that comes back (undo) lands where it was.

Each point gets a key in [0, 1): ids are grouped in blocks of :data:`BLOCK` consecutive ids, a
seeded permutation gives each id of a block its own stratum ``[r/BLOCK, (r+1)/BLOCK)`` and a
seeded jitter places the key inside it. Keys below the training fraction go to training, the
next ones to validation, the rest to test. Because the keys of a block are stratified, every
run of consecutive ids (a preset, a loaded file) is split within one point per block of the
percentages asked for, not only on average.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from models.points import CLASS_NAMES

TRAIN, VALIDATION, TEST = 0, 1, 2
SPLIT_NAMES: tuple[str, str, str] = ("train", "validation", "test")
#: Ids per stratified block: percentages in steps of 5 are exact on every full block.
BLOCK = 20


def split_keys(seed: int, ids: np.ndarray) -> np.ndarray:
    """The key in [0, 1) of each point id for this seed (stratified within blocks of ids)."""
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    if np.any(ids < 0):
        raise ValueError("point ids must be non-negative")
    keys = np.empty(len(ids))
    blocks = ids // BLOCK
    for block in np.unique(blocks):
        rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(block)])
        strata = rng.permutation(BLOCK)
        jitter = rng.random(BLOCK)
        rows = np.flatnonzero(blocks == block)
        offset = ids[rows] % BLOCK
        keys[rows] = (strata[offset] + jitter[offset]) / BLOCK
    return keys


@dataclass(frozen=True)
class SplitPlan:
    """Percentages, seed and pins: everything that decides which split a point is in.

    ``pins`` holds ``(point id, split)`` pairs sorted by id; pins of ids that are not present
    (a deleted point) are kept, so undoing the deletion brings the pin back too.
    """

    train: int = 60
    validation: int = 20
    seed: int = 0
    pins: tuple[tuple[int, int], ...] = ()

    @property
    def test(self) -> int:
        return 100 - self.train - self.validation

    def validated(self) -> SplitPlan:
        """Return self, or raise ``ValueError`` with a message a user can act on."""
        if not 1 <= self.train <= 100:
            raise ValueError(f"the training split needs 1–100% of the points, got {self.train}%")
        if not 0 <= self.validation <= 100 - self.train:
            raise ValueError(f"validation can be 0–{100 - self.train}% when training is {self.train}%, "
                             f"got {self.validation}%")
        if self.seed < 0:
            raise ValueError(f"the split seed must be ≥ 0, got {self.seed}")
        for _, split in self.pins:
            if split not in (TRAIN, VALIDATION, TEST):
                raise ValueError(f"unknown split {split!r}")
        return self

    def label(self) -> str:
        return f"{self.train}/{self.validation}/{self.test}, seed {self.seed}"

    # -- pins ------------------------------------------------------------------------------
    def pin_map(self) -> dict[int, int]:
        return dict(self.pins)

    def pin_of(self, point_id: int) -> int | None:
        return self.pin_map().get(int(point_id))

    def with_pins(self, ids: Iterable[int], split: int | None) -> SplitPlan:
        """A plan with these ids pinned to ``split`` (or unpinned when ``split`` is None)."""
        pins = self.pin_map()
        for point_id in ids:
            if split is None:
                pins.pop(int(point_id), None)
            else:
                pins[int(point_id)] = int(split)
        return replace(self, pins=tuple(sorted(pins.items())))

    # -- assignment ------------------------------------------------------------------------
    def assign(self, ids: np.ndarray) -> np.ndarray:
        """Split code (0 train, 1 validation, 2 test) of each point id, in the order given."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        keys = split_keys(self.seed, ids)
        codes = np.full(len(ids), TEST, dtype=np.int8)
        codes[keys < (self.train + self.validation) / 100.0] = VALIDATION
        codes[keys < self.train / 100.0] = TRAIN
        if self.pins:
            pins = self.pin_map()
            for row, point_id in enumerate(ids.tolist()):
                if point_id in pins:
                    codes[row] = pins[point_id]
        return codes


def split_counts(codes: np.ndarray) -> tuple[int, int, int]:
    """How many points are in training, validation and test."""
    counts = np.bincount(np.asarray(codes, dtype=np.int64), minlength=3)
    return int(counts[TRAIN]), int(counts[VALIDATION]), int(counts[TEST])


def split_problems(codes: np.ndarray, labels: np.ndarray, need_validation: bool = True,
                   class_names: tuple[str, str] = CLASS_NAMES) -> list[str]:
    """What makes this split unusable for model selection, as sentences (empty when fine)."""
    codes, labels = np.asarray(codes), np.asarray(labels)
    n_train, n_val, _ = split_counts(codes)
    problems = []
    if n_train == 0:
        problems.append("The training split is empty: raise the training percentage or pin points to training.")
    else:
        for label, name in enumerate(class_names):
            if not np.any((codes == TRAIN) & (labels == label)):
                problems.append(f"The training split has no {name} points: the model cannot learn that class. "
                                f"Re-draw the split or pin a {name} point to training.")
    if need_validation and n_val == 0:
        problems.append("The validation split is empty: raise the validation percentage or pin points to "
                        "validation.")
    return problems
