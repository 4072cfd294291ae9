"""Sweeps and the one look at the test set, run in the session's worker.

A sweep snapshots the points, their splits and the training settings, then runs
:func:`models.sweep.run_sweep` as a generator task: each value's result arrives as a partial
result, Stop cancels between chunks of 100 steps, and whatever arrived stays. It runs on the
session's single compile thread, so it never races a playground compile; it uses its own
fixed-shape graphs, so it never touches the model the GUI thread is stepping.
"""

from __future__ import annotations

import numpy as np
from PyQt5 import QtCore

from app.workers import TaskContext, keep_out_of_full_collections
from models.knn import KNearestCache
from models.points import CLASS_NAMES
from models.sweep import (PARAMS, Choice, SweepData, SweepPoint, SweepRequest, check_request, choose,
                          drop_unusable_k, evaluate_on_test, parse_values, prepare, run_sweep, sweep_family)
from models.sweep_models import SweepGraphCache
from models.training import capacity_for

#: Sweep graphs hold no state, so every window of the process can share them.
SHARED_GRAPHS = SweepGraphCache()
SHARED_KNN = KNearestCache()


class SweepController(QtCore.QObject):
    """The latest sweep of a session: its request, the points so far, the choice and the test score.

    Signals
    -------
    started(object)
        A :class:`~models.sweep.SweepRequest` began (queued behind any running compile).
    point_added(object)
        A value's :class:`~models.sweep.SweepPoint` arrived.
    finished(str)
        The sweep ended: "done", "stopped" or "failed".
    test_scored(object)
        The chosen model's :class:`~models.sweep.ScoreOnTest`.
    failed(str)
        A message for the user (bad values, an unusable split, an error in the worker).
    progress(str)
    """

    started = QtCore.pyqtSignal(object)
    point_added = QtCore.pyqtSignal(object)
    finished = QtCore.pyqtSignal(str)
    test_scored = QtCore.pyqtSignal(object)
    failed = QtCore.pyqtSignal(str)
    progress = QtCore.pyqtSignal(str)

    def __init__(self, session, split, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.split = session, split
        self.graphs = SHARED_GRAPHS
        self.knn = SHARED_KNN
        self.request: SweepRequest | None = None
        self.data: SweepData | None = None
        self.points: list[SweepPoint] = []
        self.choice = Choice(None, None)
        self.score = None
        self.plan = None
        #: Values left out of the latest request (k larger than the training split).
        self.dropped: tuple = ()
        self.task = None
        self.test_task = None
        self._warming = None
        self._warmed: set[tuple] = set()
        self._outcome = "done"

    @property
    def running(self) -> bool:
        return self.task is not None

    def chosen(self) -> SweepPoint | None:
        return None if self.choice.by_validation is None else self.points[self.choice.by_validation]

    # ------------------------------------------------------------------ sweep
    def start(self, param: str, values_text: str, steps: int) -> bool:
        """Start a sweep of the current points; False (and ``failed``) when the input is unusable."""
        if self.running:
            return False
        try:
            values = parse_values(param, values_text)
            config = self.session.config
            request = SweepRequest(param, values, self.session.spec, config.lr, config.l2, int(steps), config.seed,
                                   config.init, config.standardize)
            points = self.session.points
            data = SweepData(points.xy, points.labels, self.split.codes(), config.standardize)
            request, self.dropped = drop_unusable_k(request, data)
            check_request(request, data, CLASS_NAMES)
        except ValueError as error:
            self.failed.emit(str(error))
            return False
        self.request, self.data, self.points, self.plan = request, data, [], self.split.plan
        self.choice, self.score, self._outcome = Choice(None, None), None, "done"
        backend, graphs, knn = self.session.backend, self.graphs, self.knn

        def sweep_job(ctx: TaskContext):
            ctx.progress(0.0, "Compiling the sweep graph…")
            backend.load()
            prepare(request, data, backend, graphs, knn)
            keep_out_of_full_collections()
            ctx.check()
            ctx.progress(0.0, f"Sweeping the {PARAMS[param].title}…")
            yield from run_sweep(request, data, backend, graphs, knn, check=ctx.check)

        self.started.emit(request)  # views lay out first: the worker's compile would slow their first paint
        self.task = self.session.runner.submit(
            f"sweep {param}", sweep_job, partial=self._on_point, progress=lambda _f, text: self.progress.emit(text),
            cancelled=lambda: self._set_outcome("stopped"), failed=self._on_failed, done=self._on_done)
        return True

    @property
    def warming(self) -> bool:
        return self._warming is not None

    def is_warm(self, param: str) -> bool:
        """The graph a sweep of ``param`` on the current points would use is compiled."""
        request = SweepRequest(param, parse_values(param, PARAMS[param].default), self.session.spec, steps=1)
        return (sweep_family(request) or "k-NN", capacity_for(len(self.session.points))) in self._warmed

    def warm_up(self, param: str) -> None:
        """Compile the graph a sweep of ``param`` would use, in the worker, before the user asks."""
        if self.running or self._warming is not None or len(self.session.points) == 0:
            return
        config, points = self.session.config, self.session.points
        try:
            request = SweepRequest(param, parse_values(param, PARAMS[param].default), self.session.spec,
                                   steps=1, standardize=config.standardize)
        except ValueError:
            return
        rows = capacity_for(len(points))
        key = (sweep_family(request) or "k-NN", rows)
        if key in self._warmed:
            return
        data = SweepData(np.zeros((len(points), 2)), np.zeros(len(points)), np.zeros(len(points), dtype=np.int8))
        backend, graphs, knn = self.session.backend, self.graphs, self.knn

        def warm_job(ctx: TaskContext):
            backend.load()
            prepare(request, data, backend, graphs, knn)
            keep_out_of_full_collections()

        self._warming = self.session.runner.submit(
            f"warm sweep {param}", warm_job, finished=lambda _r: self._warmed.add(key),
            done=lambda: setattr(self, "_warming", None))

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _on_point(self, point: SweepPoint) -> None:
        self.points.append(point)
        self.choice = choose(self.points, self.request.param)
        self.point_added.emit(point)

    def _set_outcome(self, outcome: str) -> None:
        self._outcome = outcome

    def _on_failed(self, message: str) -> None:
        self._outcome = "failed"
        self.failed.emit(f"The sweep failed: {message}")

    def _on_done(self) -> None:
        self.task = None
        self.finished.emit(self._outcome)

    # ------------------------------------------------------------------ the test set
    def evaluate_test(self) -> bool:
        """Score the model chosen by validation on the test split (in the worker); records the use."""
        chosen = self.chosen()
        if chosen is None or self.running or self.test_task is not None:
            return False
        request, data, backend, graphs, knn = self.request, self.data, self.session.backend, self.graphs, self.knn
        self.test_task = self.session.runner.submit(
            "evaluate on test", lambda ctx: evaluate_on_test(request, data, chosen, backend, graphs, knn),
            finished=self._on_scored, failed=lambda m: self.failed.emit(f"Evaluating on test failed: {m}"),
            done=self._on_test_done)
        return True

    def _on_scored(self, score) -> None:
        self.score = score
        title = PARAMS[self.request.param].title
        self.split.record_test_use(f"{title} {score.value:g}: test error {100 * score.error:.1f}%", self.plan)
        self.test_scored.emit(score)

    def _on_test_done(self) -> None:
        self.test_task = None
