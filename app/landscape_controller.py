"""The cost landscape beside the boundary: which slice, over which range, computed in its own worker
(coarse grid first, then fine), with every racer's path and the gradient arrow drawn on it.

The grid is recomputed whenever a frame arrives (the points, the parameters off the slice, λ),
the slice's axes change, or the view is panned or zoomed. Requests coalesce: at most one job
runs and one waits, and the waiting one is always the newest. During playback a fine pass runs
only every :data:`FINE_INTERVAL_S` so the coarse grid keeps up with the animation.
"""

from __future__ import annotations

import time

import numpy as np
from PyQt5 import QtCore

from app.event_wait import run_events_until
from app.landscape_jobs import LandscapeJob, LandscapeResult, PathCache, compute, warm
from app.workers import TaskContext, TaskRunner
from models.classifiers import ModelSpec, param_labels
from models.landscape import default_axes, grid_sizes, span_with_margin

FINE_INTERVAL_S = 0.5
#: While playing, the worker rests at least this fraction of the time a job took before the next
#: one: on two cores the animation keeps one to itself.
REST_FRACTION = 2.0
START_SPAN = 4.0  # the range first shown around a new w(0)
#: After a compile, and after a new model's first frame, the landscape's compile and first grids wait
#: this long: the GUI thread paints the new model first instead of sharing the GIL and the cores
#: with them (together they stalled the event loop for up to 150 ms on two cores).
SETTLE_MS = 250


class LandscapeController(QtCore.QObject):
    """Wires a :class:`~widgets.landscape_panel.LandscapePanel` to the session, the race and the history."""

    def __init__(self, session, panel, race, history, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent or session)
        self.session, self.panel, self.view, self.race, self.history = session, panel, panel.view, race, history
        self.landscape = session.cache.landscape(session.backend, "float32")
        self.runner = TaskRunner(max_threads=1, parent=self)
        self.axes: tuple[int, int] = (0, 1)
        self.auto_axes = True
        self.follow = True
        self.arrow = panel.arrow.isChecked()
        self.last_result: LandscapeResult | None = None
        self._spec: ModelSpec | None = None
        self._rect: tuple[float, float, float, float] | None = None
        self._pending: LandscapeJob | None = None
        self._task = None
        self._last_fine = 0.0
        self._job_started = 0.0
        self._rest_until = 0.0
        self._later = QtCore.QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._start)
        self._paths: dict[str, PathCache] = {}
        self._pick_next = True
        self._settle_after_frame = False
        self._label_cache: tuple[ModelSpec | None, list[str]] = (None, [])
        panel.axes_changed.connect(self.set_axes)
        panel.arrow_toggled.connect(self.set_arrow)
        panel.fit_requested.connect(self.fit)
        self.view.start_requested.connect(self._on_start_requested)
        self.view.range_edited.connect(self._on_range_edited)
        self.view.range_changed.connect(self._on_range_changed)
        session.model_changed.connect(self._on_model_changed)
        session.restarted.connect(self._on_restarted)
        session.frame_ready.connect(self._on_frame)
        session.closing.connect(self.shutdown)
        session.busy_changed.connect(lambda busy: None if busy else self._start_after_settling())

    # ------------------------------------------------------------------ the user's choices
    def set_axes(self, i: int, j: int) -> None:
        if i == j:
            return
        self.axes, self.auto_axes, self._pick_next = (int(i), int(j)), False, False
        self.panel.show_axes(self.axes)
        self._paths.clear()
        self.fit()

    def set_arrow(self, shown: bool) -> None:
        self.arrow = bool(shown)
        self._show_arrow()

    def fit(self) -> None:
        """Frame every path and follow them again."""
        self.follow = True
        self._rect = None
        self._update_range(self._points())
        self.request()

    def _on_range_edited(self) -> None:
        self.follow = False

    def _on_range_changed(self, rect: QtCore.QRectF) -> None:
        visible = (rect.left(), rect.right(), rect.top(), rect.bottom())
        if self._rect is None or not np.allclose(visible, self._rect, rtol=1e-6, atol=1e-9):
            self._rect = visible
            self.request()

    def _on_start_requested(self, a: float, b: float) -> None:
        trainer = self.session.trainer
        if trainer is None or not self.session.can_step():
            return
        values = trainer.flat_params()
        values[self.axes[0]], values[self.axes[1]] = a, b
        x_name, y_name = self._labels()
        self.history.restart_from(values, f"Start descent at {x_name} = {a:.3g}, {y_name} = {b:.3g}")

    # ------------------------------------------------------------------ following the session
    def _on_model_changed(self, spec: ModelSpec) -> None:
        if self._spec is None or spec.kind != self._spec.kind or spec.n_params() != self._spec.n_params():
            self.auto_axes = True
        self._spec = spec
        if self.auto_axes:
            self.axes = default_axes(spec)
        self._pick_next = self.auto_axes and spec.kind != "logistic"
        self.panel.set_parameters(self._all_labels(spec), self.axes)
        self.view.clear_grid()
        for name in self.view.path_names():  # emptied, not removed: the same racers come back at once
            self.view.clear_path(name)
        self._paths.clear()
        self.last_result = None
        self._restart_range()
        self._start_after_settling()
        self._settle_after_frame = True

    def _on_restarted(self) -> None:
        spec = self.session.trainer.spec if self.session.trainer is not None else None
        self._pick_next = self.auto_axes and spec is not None and spec.kind != "logistic"
        self._restart_range()

    def _restart_range(self) -> None:
        self.follow, self._rect = True, None
        trainer = self.session.trainer
        if trainer is not None and len(trainer.history):
            w0 = trainer.history.vectors[0][list(self.axes)]
            self._set_view_rect(span_with_margin(w0[None, :], min_span=START_SPAN))

    def _on_frame(self, _frame) -> None:
        if self.session.trainer is None:
            return
        if self._spec != self.session.trainer.spec:
            self._on_model_changed(self.session.trainer.spec)
        if self._settle_after_frame:  # the new model's first frame: it is painted next
            self._settle_after_frame = False
            self._start_after_settling()
        points = self._draw_paths()
        if self.follow:
            self._update_range(points)
        self._update_title()
        self.request()

    # ------------------------------------------------------------------ drawing
    def _all_labels(self, spec: ModelSpec) -> list[str]:
        if self._label_cache[0] != spec:
            self._label_cache = (spec, param_labels(spec))
        return self._label_cache[1]

    def _labels(self) -> tuple[str, str]:
        labels = self._all_labels(self.session.trainer.spec)
        return labels[self.axes[0]], labels[self.axes[1]]

    def _update_title(self) -> None:
        trainer = self.session.trainer
        spec, theta = trainer.spec, trainer.flat_params()
        held = [k for k in range(len(theta)) if k not in self.axes] if len(theta) <= 3 else [None] * (len(theta) - 2)
        if spec.kind == "logistic" and len(held) == 1:
            note = f"{self._all_labels(spec)[held[0]]} held at its current value {theta[held[0]]:.3g}"
        else:
            note = f"{len(held)} others at their current values"
        self.view.set_axis_names(*self._labels(), note=note)

    def _draw_paths(self) -> np.ndarray:
        racers = self.race.racers()
        keys = {r.key for r in racers}
        for name in set(self.view.path_names()) - {r.label for r in racers}:
            self.view.remove_path(name)
        for key in set(self._paths) - keys:
            del self._paths[key]
        points = []
        for racer in racers:
            history = racer.trainer.history
            xy = self._paths.setdefault(racer.key, PathCache()).get(history, self.axes)
            shown = None
            if racer.trainer.viewing is not None:
                shown = int(np.searchsorted(history.iterations, racer.trainer.viewing, side="right")) - 1
            self.view.set_path(racer.label, xy, racer.color, shown, halo=racer is racers[0])
            points.append(xy)
        return np.concatenate(points) if points else np.zeros((0, 2))

    def _points(self) -> np.ndarray:
        return self._draw_paths() if self.session.trainer is not None else np.zeros((0, 2))

    def _update_range(self, points: np.ndarray) -> None:
        """While following, grow the range so that every path stays in view (never shrink it)."""
        if len(points) == 0:
            return
        x0, x1, y0, y1 = span_with_margin(points, margin=0.3, min_span=1.0)
        if self._rect is not None:
            cx0, cx1, cy0, cy1 = self._rect
            if cx0 <= x0 and x1 <= cx1 and cy0 <= y0 and y1 <= cy1:
                return
            x0, x1, y0, y1 = min(x0, cx0), max(x1, cx1), min(y0, cy0), max(y1, cy1)
        self._set_view_rect((x0, x1, y0, y1))

    def _set_view_rect(self, rect) -> None:
        self._rect = tuple(float(v) for v in rect)
        self.view.set_range(*self._rect)

    def _show_arrow(self) -> None:
        result = self.last_result
        if not self.arrow or result is None:
            self.view.set_arrow(None)
            return
        i, j = result.axes
        self.view.set_arrow(result.job.theta[[i, j]], result.gradient[[i, j]])

    # ------------------------------------------------------------------ computing
    def request(self) -> None:
        """Compute the landscape for the current state (now, or after the running job)."""
        s = self.session
        if not s.can_step() or self._rect is None or not self.panel.isVisible():
            return
        trainer = s.trainer
        self._pending = LandscapeJob(
            spec=trainer.spec, theta=trainer.flat_params(), axes=self.axes, rect=self._rect,
            data=trainer.padded_data(), l2=s.config.l2, pick_axes=self._pick_next,
            fine=not s.playing or time.monotonic() - self._last_fine >= FINE_INTERVAL_S,
            w0=trainer.history.vectors[0] if self._pick_next and len(trainer.history) else None)
        self._start()  # returns at once while a job runs or the settle/rest timer is pending

    def _start_after_settling(self) -> None:
        self._later.start(SETTLE_MS)

    def _start(self) -> None:
        job = self._pending
        if job is None or self._task is not None or self.session.busy or self._later.isActive():
            return  # while the session compiles, the cores are its (busy_changed starts the job after)
        rest = self._rest_until - time.monotonic()
        if rest > 0 and self.session.playing:
            self._later.start(int(rest * 1000) + 1)
            return
        self._job_started = time.monotonic()
        if not self.landscape.is_ready(job.spec, len(job.data[0])):
            self._warm(job)
            return
        self._pending = None
        landscape = self.landscape

        def skip_fine() -> bool:  # read on the worker thread: plain attributes only
            return (not job.fine and self._pending is not None) or self.session.busy

        def landscape_job(ctx: TaskContext):
            return compute(job, landscape, ctx, skip_fine)

        self._task = self.runner.submit("landscape", landscape_job, partial=self._on_result, finished=self._on_result,
                                        failed=self._on_failed, done=self._on_done)

    def _warm(self, job: LandscapeJob) -> None:
        """Compile for this architecture and row count on the session's worker, one compile at a time:
        PyTensor's rewrites are Python and hold the GIL, and two compiling threads would leave the
        GUI thread a third of it."""
        landscape, spec, rows = self.landscape, job.spec, len(job.data[0])

        def warm_job(ctx: TaskContext):
            warm(landscape, spec, rows, ctx)

        self.panel.set_status(f"Compiling the cost landscape of {spec.label()}…")
        self._task = self.session.runner.submit("compile landscape", warm_job, failed=self._on_failed,
                                                done=self._on_done)

    def _on_result(self, result: LandscapeResult) -> None:
        trainer = self.session.trainer
        if trainer is None or result.job.spec != trainer.spec:
            return  # computed for a model no longer in use
        if result.job.pick_axes:
            self._pick_next = False  # picked once per descent (until the next w(0) or model)
        if result.job.pick_axes and self.auto_axes and result.axes != self.axes:
            self.axes = result.axes
            self.panel.show_axes(self.axes)
            self._paths.clear()
            self._restart_range()
            self._draw_paths()
            self._update_title()
            self.request()
            return
        if result.axes != self.axes:
            return
        x0, x1, y0, y1 = result.job.rect
        self.view.set_grid(result.cost, QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))
        self.last_result = result
        if result.size == grid_sizes(result.job.spec)[1]:
            self._last_fine = time.monotonic()
        self.panel.set_status(f"{result.size}×{result.size} grid · {1000 * result.seconds:.0f} ms · "
                              f"{self.session.backend.mode_name} float32 · click to start there")
        self._show_arrow()

    def _on_failed(self, message: str) -> None:
        self.panel.set_status(f"The landscape could not be computed: {message}")

    def _on_done(self) -> None:
        self._task = None
        now = time.monotonic()
        self._rest_until = now + REST_FRACTION * (now - self._job_started)
        self._start()

    def is_drawn(self) -> bool:
        """The fine grid for the current parameters is on screen and nothing is queued."""
        r, trainer = self.last_result, self.session.trainer
        return (r is not None and trainer is not None and self._task is None and self._pending is None
                and r.size == grid_sizes(trainer.spec)[1] and np.array_equal(r.job.theta, trainer.flat_params()))

    def wait_until_drawn(self, timeout_s: float = 60.0) -> bool:
        """Run the event loop until :meth:`is_drawn` (headless commands and tests)."""
        return run_events_until(self.is_drawn, timeout_s)

    def shutdown(self) -> None:
        self._pending = None
        self._later.stop()
        self.runner.cancel_all()
        self.runner.wait()
