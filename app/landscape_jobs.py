"""What the landscape worker computes: a job (the slice, its range, the data), the result of each
pass (coarse, then fine), and the compile that comes first; plus the paths projected on a slice."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.workers import TaskContext, collection_paused
from models.classifiers import ModelSpec
from models.landscape import Landscape, SliceRequest, default_axes, grid_sizes
from models.training import cell_centres


@dataclass(frozen=True)
class LandscapeJob:
    """One landscape to compute, with copies of everything it reads (the worker never touches the model)."""

    spec: ModelSpec
    theta: np.ndarray
    axes: tuple[int, int]
    rect: tuple[float, float, float, float]  # x0, x1, y0, y1
    data: tuple[np.ndarray, np.ndarray, np.ndarray]
    l2: float
    pick_axes: bool
    fine: bool
    w0: np.ndarray | None = None  # where the descent started: the default axes are the steepest there


@dataclass(frozen=True)
class LandscapeResult:
    """One pass's grid (rows follow the y parameter), the gradient at the job's parameters, the time taken."""

    job: LandscapeJob
    axes: tuple[int, int]
    size: int
    cost: np.ndarray
    gradient: np.ndarray
    seconds: float


class PathCache:
    """A racer's path projected on the slice's axes, extended as the history grows."""

    def __init__(self) -> None:
        self.key, self.xy, self.last = None, np.zeros((0, 2)), None

    def get(self, history, axes: tuple[int, int]) -> np.ndarray:
        vectors, n = history.vectors, len(self.xy)
        same = self.key == (id(vectors), axes) and 0 < n <= len(vectors) and vectors[n - 1] is self.last
        if not same:
            self.key, n, self.xy = (id(vectors), axes), 0, np.zeros((0, 2))
        if len(vectors) > n:
            new = np.array([[v[axes[0]], v[axes[1]]] for v in vectors[n:]])
            self.xy = np.concatenate([self.xy, new])
        self.last = vectors[-1] if vectors else None
        return self.xy


#: The landscape worker's niceness (Linux threads have their own): the GUI thread and the session's
#: compiles come first when the cores are busy.
WORKER_NICENESS = 5


def _yield_to_other_threads() -> None:
    if hasattr(os, "setpriority") and hasattr(threading, "get_native_id"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
        except OSError:
            pass  # not permitted here: only the scheduling order changes


def compute(job: LandscapeJob, landscape: Landscape, ctx: TaskContext,
            skip_fine: Callable[[], bool]) -> LandscapeResult:
    """The gradient at the job's parameters, then the coarse grid (sent as a partial result), then the
    fine one unless ``skip_fine()`` says otherwise when the coarse one is done."""
    _yield_to_other_threads()
    coarse, fine = grid_sizes(job.spec)
    started = time.perf_counter()
    gradient = landscape.gradient(job.spec, job.theta, *job.data, job.l2)
    axes = job.axes
    if job.pick_axes:
        at_start = gradient if job.w0 is None else landscape.gradient(job.spec, job.w0, *job.data, job.l2)
        axes = default_axes(job.spec, at_start)
    x0, x1, y0, y1 = job.rect
    for size in (coarse, fine):
        request = SliceRequest(job.theta, axes, cell_centres(x0, x1, size), cell_centres(y0, y1, size))
        cost = landscape.cost_grid(job.spec, request, *job.data, job.l2)
        result = LandscapeResult(job, axes, size, cost, gradient, time.perf_counter() - started)
        if size == fine or skip_fine():
            return result
        ctx.partial(result)
    return result


def warm(landscape: Landscape, spec: ModelSpec, rows: int, ctx: TaskContext) -> None:
    """Compile the landscape's functions for ``spec`` and generate code for these shapes.

    Without the collector: building the MLP's vectorized graph allocates enough objects to start a
    full collection, which held the GIL (and so the GUI thread) for 70–80 ms."""
    ctx.progress(-1, f"Compiling the cost landscape of {spec.label()}…")
    with collection_paused():
        landscape.warm(spec, rows, grid_sizes(spec))
