"""Small timing helpers: medians with spread, ratios, a plain-text table."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Timing:
    median_ms: float
    q1_ms: float
    q3_ms: float
    runs: int

    def __str__(self) -> str:
        return f"{self.median_ms:8.3f} ms (IQR {self.q1_ms:.3f}–{self.q3_ms:.3f}, n={self.runs})"


def measure(fn: Callable[[], object], repeat: int = 100, warmup: int = 5, min_seconds: float = 0.0) -> Timing:
    """Median wall time of ``fn()`` over ``repeat`` runs (more if ``min_seconds`` is not reached)."""
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < repeat or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    ms = np.array(times) * 1e3
    return Timing(float(np.median(ms)), float(np.percentile(ms, 25)), float(np.percentile(ms, 75)), len(ms))


def table(rows: list[tuple], headers: tuple[str, ...]) -> str:
    cells = [tuple(str(c) for c in row) for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells)])
