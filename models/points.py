"""The user's labelled 2D points: a small mutable container whose every edit can be undone.

Edits return what they removed or replaced so that an undo command can put it back exactly
(same indices, same ids). Ids are stable across edits so that per-point state kept elsewhere
(a train/validation/test assignment, a selection) survives insertions and deletions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Class 0 and class 1, in the tutorial's example.
CLASS_NAMES: tuple[str, str] = ("trout", "salmon")
FEATURE_NAMES: tuple[str, str] = ("length", "lightness")


@dataclass(frozen=True)
class PointsSnapshot:
    """An immutable copy of a point set (or of some of its rows, with their indices)."""

    xy: np.ndarray
    labels: np.ndarray
    ids: np.ndarray
    indices: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.labels)


class PointSet:
    """Points ``xy`` (N, 2) float64 with labels (N,) in {0, 1} and stable integer ids."""

    def __init__(self, xy: np.ndarray | None = None, labels: np.ndarray | None = None) -> None:
        self._xy = np.zeros((0, 2))
        self._labels = np.zeros(0, dtype=np.int64)
        self._ids = np.zeros(0, dtype=np.int64)
        self._next_id = 0
        if xy is not None:
            self.replace(xy, labels if labels is not None else np.zeros(len(xy), dtype=np.int64))

    # -- reading ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._labels)

    @property
    def xy(self) -> np.ndarray:
        """Read-only view of the coordinates."""
        view = self._xy.view()
        view.flags.writeable = False
        return view

    @property
    def labels(self) -> np.ndarray:
        view = self._labels.view()
        view.flags.writeable = False
        return view

    @property
    def ids(self) -> np.ndarray:
        view = self._ids.view()
        view.flags.writeable = False
        return view

    def class_counts(self) -> tuple[int, int]:
        return int(np.sum(self._labels == 0)), int(np.sum(self._labels == 1))

    def snapshot(self, indices: Sequence[int] | None = None) -> PointsSnapshot:
        if indices is None:
            return PointsSnapshot(self._xy.copy(), self._labels.copy(), self._ids.copy())
        idx = np.asarray(sorted(indices), dtype=np.int64)
        return PointsSnapshot(self._xy[idx].copy(), self._labels[idx].copy(), self._ids[idx].copy(), idx)

    def index_of_id(self, point_id: int) -> int:
        hits = np.flatnonzero(self._ids == point_id)
        if len(hits) == 0:
            raise KeyError(point_id)
        return int(hits[0])

    # -- editing ---------------------------------------------------------------------------
    def add(self, x: float, y: float, label: int) -> int:
        """Append one point; return its index."""
        _check_label(label)
        _check_finite(np.array([x, y]))
        self._xy = np.vstack([self._xy, [[float(x), float(y)]]])
        self._labels = np.append(self._labels, int(label))
        self._ids = np.append(self._ids, self._next_id)
        self._next_id += 1
        return len(self) - 1

    def remove(self, indices: Sequence[int]) -> PointsSnapshot:
        """Delete rows; return them (with their indices) for :meth:`insert`."""
        removed = self.snapshot(indices)
        keep = np.ones(len(self), dtype=bool)
        keep[removed.indices] = False
        self._xy, self._labels, self._ids = self._xy[keep], self._labels[keep], self._ids[keep]
        return removed

    def insert(self, rows: PointsSnapshot) -> None:
        """Put back rows returned by :meth:`remove`, at their original indices."""
        assert rows.indices is not None, "insert needs the indices the rows were removed from"
        n = len(self) + len(rows)
        xy, labels, ids = np.zeros((n, 2)), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
        mask = np.zeros(n, dtype=bool)
        mask[rows.indices] = True
        xy[mask], labels[mask], ids[mask] = rows.xy, rows.labels, rows.ids
        xy[~mask], labels[~mask], ids[~mask] = self._xy, self._labels, self._ids
        self._xy, self._labels, self._ids = xy, labels, ids
        self._next_id = max(self._next_id, int(ids.max(initial=-1)) + 1)

    def move(self, indices: Sequence[int], xy: np.ndarray) -> None:
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        _check_finite(xy)
        self._xy[np.asarray(indices, dtype=np.int64)] = xy

    def set_labels(self, indices: Sequence[int], labels: Sequence[int]) -> None:
        for label in labels:
            _check_label(label)
        self._labels[np.asarray(indices, dtype=np.int64)] = np.asarray(labels, dtype=np.int64)

    def replace(self, xy: np.ndarray, labels: np.ndarray) -> PointsSnapshot:
        """Replace every point (new ids); return the previous contents for :meth:`restore`."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        labels = np.asarray(labels).astype(np.int64).reshape(-1)
        if len(xy) != len(labels):
            raise ValueError(f"{len(xy)} points but {len(labels)} labels")
        _check_finite(xy)
        for label in np.unique(labels):
            _check_label(label)
        previous = self.snapshot()
        self._xy, self._labels = xy.copy(), labels.copy()
        self._ids = np.arange(self._next_id, self._next_id + len(labels), dtype=np.int64)
        self._next_id += len(labels)
        return previous

    def restore(self, snapshot: PointsSnapshot) -> PointsSnapshot:
        """Make the set exactly ``snapshot`` again (ids included); return what it was."""
        previous = self.snapshot()
        self._xy, self._labels, self._ids = snapshot.xy.copy(), snapshot.labels.copy(), snapshot.ids.copy()
        self._next_id = max(self._next_id, int(self._ids.max(initial=-1)) + 1)
        return previous


def _check_label(label) -> None:
    if int(label) not in (0, 1):
        raise ValueError(f"label must be 0 ({CLASS_NAMES[0]}) or 1 ({CLASS_NAMES[1]}), got {label!r}")


def _check_finite(xy: np.ndarray) -> None:
    if not np.all(np.isfinite(xy)):
        raise ValueError("point coordinates must be finite numbers")
