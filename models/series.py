"""A growable float64 sequence: a list's interface, a NumPy view for free.

The loss history grows by one value per gradient step (hundreds of thousands in a long session)
and is redrawn every frame; as a Python list each redraw converted it anew (≈10 ms at 200k) and
each value cost 32 bytes. Here values live in one array that doubles when full, and
``np.asarray(series)`` is a view.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np


class Series:
    """float64 values with ``append``, ``extend``, indexing, tail deletion and ``__array__``."""

    def __init__(self, values: Iterable[float] = ()) -> None:
        values = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float).ravel()
        self._data = np.empty(max(64, 2 * len(values)))
        self._data[: len(values)] = values
        self._size = len(values)

    def __len__(self) -> int:
        return self._size

    def view(self) -> np.ndarray:
        """The values as a read-only array view (no copy)."""
        view = self._data[: self._size]
        view.flags.writeable = False
        return view

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        view = self._data[: self._size]
        if copy:
            view = view.copy()
        return view if dtype is None else view.astype(dtype, copy=False)

    def _grow(self, needed: int) -> None:
        if needed > len(self._data):
            data = np.empty(max(needed, 2 * len(self._data)))
            data[: self._size] = self._data[: self._size]
            self._data = data

    def append(self, value: float) -> None:
        self._grow(self._size + 1)
        self._data[self._size] = value
        self._size += 1

    def extend(self, values: Iterable[float]) -> None:
        values = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float).ravel()
        self._grow(self._size + len(values))
        self._data[self._size : self._size + len(values)] = values
        self._size += len(values)

    def _index(self, index: int) -> int:
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError("series index out of range")
        return index

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [float(v) for v in self._data[: self._size][index]]
        return float(self._data[self._index(index)])

    def __setitem__(self, index: int, value: float) -> None:
        self._data[self._index(index)] = value

    def __delitem__(self, index) -> None:
        start, stop, step = index.indices(self._size) if isinstance(index, slice) else (self._index(index),) * 2 + (1,)
        if not isinstance(index, slice):
            stop = start + 1
        if step != 1 or (stop < self._size and start < stop):
            raise ValueError("a Series only forgets its tail")
        self._size = min(self._size, start)

    def __iter__(self) -> Iterator[float]:
        return (float(v) for v in self._data[: self._size])

    def __bool__(self) -> bool:
        return self._size > 0

    def __eq__(self, other) -> bool:
        try:
            return list(self) == list(other)
        except TypeError:
            return NotImplemented

    def __repr__(self) -> str:
        return f"Series({list(self)!r})" if self._size <= 10 else f"Series(<{self._size} values>)"
