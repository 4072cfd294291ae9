"""The playground session: the Qt adapter around the pure training state.

It owns the points (edited only through undoable commands), the compiled classifiers, the
:class:`~models.training.Trainer`, and the animation timer. Compiling a model (PyTensor's
rewrites plus the back end's code generation for a given shape) always runs in a worker;
while it runs the session makes no model calls at all, so the GUI thread never blocks and
never races the worker. Views subscribe to the past-tense signals and redraw from the arrays
they are handed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PyQt5 import QtCore, QtWidgets

from app.commands import (AddPointCommand, DeletePointsCommand, MovePointsCommand, RelabelPointsCommand,
                          ReplacePointsCommand)
from app.workers import TaskContext, TaskRunner, collection_paused, keep_out_of_full_collections
from models.backend import Backend
from models.classifiers import ModelSpec
from models.datasets import PRESETS, make_preset
from models.model_cache import ClassifierCache
from models.points import CLASS_NAMES, PointSet
from models.training import Trainer, TrainingConfig, capacity_for

GRID_SIZE = 200
FRAME_INTERVAL_MS = 16
UNDO_LIMIT = 1000

#: Architectures compiled in the background once the first model is ready, likeliest first:
#: what the model controls show after one click (their defaults), then the other depths,
#: activations and degrees. Switching to any of them afterwards takes no compile at all.
PREWARM_SPECS: tuple[ModelSpec, ...] = (
    ModelSpec("logistic"),
    ModelSpec("poly", degree=3),
    ModelSpec("mlp", hidden=(16, 16), activation="tanh"),
    ModelSpec("mlp", hidden=(16, 16), activation="relu"),
    ModelSpec("mlp", hidden=(16, 16), activation="sigmoid"),
    *(ModelSpec("mlp", hidden=(16,) * n, activation=a) for n in (1, 3, 4) for a in ("tanh", "relu", "sigmoid")),
    *(ModelSpec("poly", degree=d) for d in (2, 4, 5, 6, 1)),
)
#: After a model is adopted, pre-warming waits this long: the GUI thread draws the new model first
#: rather than sharing the GIL with a compiling worker.
PREWARM_SETTLE_MS = 250

#: The leading entries of PREWARM_SPECS that cover every compiled graph; the rest are other shapes.
PREWARM_FAMILIES = 14
PRESET_AXES = {"trout_salmon": ("x1 = length (cm)", "x2 = lightness")}


@dataclass(frozen=True)
class Frame:
    """Everything the views need to draw the model's current state."""

    iteration: int
    loss: float
    accuracy: float
    misclassified: np.ndarray
    loss_history: list[float]
    grid: np.ndarray | None
    grid_rect: QtCore.QRectF | None
    backend_label: str
    spec: ModelSpec
    extra: dict = field(default_factory=dict)


class PlaygroundSession(QtCore.QObject):
    """Points + model + training loop, exposed to the GUI as slots and past-tense signals.

    Signals
    -------
    points_changed(bool)
        The points changed; the flag asks views to re-frame them (presets, loaded files).
    frame_ready(Frame)
        The model was stepped or re-evaluated.
    model_changed(ModelSpec)
        A newly compiled model is in use (fresh w(0)).
    compile_started(str), compile_finished(str)
        A description of what is compiling / what finished.
    busy_changed(bool)
    playing_changed(bool)
    diverged(str)
        The loss became NaN/inf; playback paused; the message says what to try.
    message(str)
        Something worth telling the user (status bar).
    failed(str)
        A compile or computation failed; the message is for a dialog.
    about_to_step()
        A step is about to run (the history controller records an undoable discard first when
        stepping from an earlier iterate).
    stepped(int)
        The model took this many steps (the race follows); emitted before the new frame.
    restarted()
        A new descent began at a new w(0) (reset, a clicked start point, standardization).
    closing()
        :meth:`shutdown` began: controllers with workers of their own stop them.
    """

    points_changed = QtCore.pyqtSignal(bool)
    frame_ready = QtCore.pyqtSignal(object)
    model_changed = QtCore.pyqtSignal(object)
    compile_started = QtCore.pyqtSignal(str)
    compile_finished = QtCore.pyqtSignal(str)
    busy_changed = QtCore.pyqtSignal(bool)
    playing_changed = QtCore.pyqtSignal(bool)
    diverged = QtCore.pyqtSignal(str)
    message = QtCore.pyqtSignal(str)
    failed = QtCore.pyqtSignal(str)
    about_to_step = QtCore.pyqtSignal()
    stepped = QtCore.pyqtSignal(int)
    restarted = QtCore.pyqtSignal()
    closing = QtCore.pyqtSignal()

    def __init__(self, backend: Backend, spec: ModelSpec | None = None, config: TrainingConfig | None = None,
                 cache: ClassifierCache | None = None, prewarm: bool = False,
                 parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.spec = (spec or ModelSpec()).validated()
        self.config = config or TrainingConfig()
        self.points = PointSet()
        self.undo_stack = QtWidgets.QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)  # a long class: the oldest edits go, memory stays bounded
        self.cache = cache if cache is not None else ClassifierCache()
        self.runner = TaskRunner(max_threads=1, parent=self)
        self.trainer: Trainer | None = None
        self.steps_per_frame = 1
        self.preset_name = "trout_salmon"
        self.preset_seed = 0
        self.axis_names = PRESET_AXES["trout_salmon"]
        self.view_rect = QtCore.QRectF(0, 0, 1, 1)
        self.last_frame: Frame | None = None
        self._job = None
        self._job_spec: ModelSpec | None = None
        self._background = None
        self._background_spec: ModelSpec | None = None
        self._prewarm_queue: list[ModelSpec] = list(PREWARM_SPECS) if prewarm else []
        self.prewarm_log: list[tuple[str, float]] = []
        self._failed_spec: ModelSpec | None = None
        self._pending_descent: tuple[ModelSpec, object] | None = None
        #: Optimizers racing beside config.optimizer: their steps are compiled with the model.
        self.race_optimizers: tuple[str, ...] = ()
        self._playing = False
        #: Which points the model learns from (e.g. a training split); None: all of them.
        self.train_mask_source: Callable[[PointSet], np.ndarray | None] | None = None
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(FRAME_INTERVAL_MS)
        self.timer.timeout.connect(self._on_tick)

    # ------------------------------------------------------------------ state
    @property
    def busy(self) -> bool:
        return self._job is not None

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def ready(self) -> bool:
        """A compiled model is in use and no compile is running."""
        return self.trainer is not None and not self.busy

    def start(self) -> None:
        """Compile the initial model (in the worker)."""
        self._prepare()

    def shutdown(self) -> None:
        self.closing.emit()
        self.pause()
        self.runner.cancel_all()
        self.runner.wait()

    # ------------------------------------------------------------------ points (undoable)
    def notify_points_changed(self, fit_view: bool = False) -> None:
        """Called by every command after it edited :attr:`points`."""
        if self.trainer is not None:
            self.trainer.set_points(self.points.xy, self.points.labels, self.train_mask())
        self.points_changed.emit(fit_view)
        if self.ready and self._needs_worker():
            self._prepare()  # the points outgrew the compiled shapes: warm larger ones in the worker
        elif not self._playing:
            self.refresh()

    def train_mask(self) -> np.ndarray | None:
        """A boolean per point, True where the model learns from it (None: every point)."""
        return None if self.train_mask_source is None else self.train_mask_source(self.points)

    def set_train_mask_source(self, source: Callable[[PointSet], np.ndarray | None] | None) -> None:
        """Learn only from the points ``source(points)`` marks (None: all); call again after it changes."""
        self.train_mask_source = source
        if self.trainer is not None:
            self.trainer.set_points(self.points.xy, self.points.labels, self.train_mask())
            if not self._playing:
                self.refresh()

    def add_point(self, x: float, y: float, label: int) -> None:
        self.undo_stack.push(AddPointCommand(self, x, y, label))

    def delete_points(self, indices: list[int]) -> None:
        if indices:
            self.undo_stack.push(DeletePointsCommand(self, indices))

    def relabel_points(self, indices: list[int]) -> None:
        if indices:
            self.undo_stack.push(RelabelPointsCommand(self, indices))

    def preview_move(self, indices: list[int], xy: np.ndarray) -> None:
        """Live drag: move without an undo entry (:meth:`finish_move` records one)."""
        self.points.move(indices, xy)
        self.notify_points_changed()

    def finish_move(self, indices: list[int], old_xy: np.ndarray, new_xy: np.ndarray) -> None:
        if not np.array_equal(old_xy, new_xy):
            self.undo_stack.push(MovePointsCommand(self, indices, old_xy, new_xy))

    def clear_points(self) -> None:
        if len(self.points):
            self.undo_stack.push(ReplacePointsCommand(self, np.zeros((0, 2)), np.zeros(0), "Clear points",
                                                      fit_view=False))

    def replace_points(self, xy: np.ndarray, labels: np.ndarray, text: str) -> None:
        self.undo_stack.push(ReplacePointsCommand(self, xy, labels, text))

    def apply_preset(self, name: str, noise: float | None = None, new_sample: bool = False) -> None:
        """Replace the points with a preset (undoable); ``new_sample`` draws with the next seed."""
        if name != self.preset_name:
            self.preset_seed = 0
        elif new_sample:
            self.preset_seed += 1
        xy, labels = make_preset(name, seed=self.preset_seed, noise=noise)
        self.preset_name = name
        self.axis_names = PRESET_AXES.get(name, ("x1", "x2"))
        merge = not new_sample and name == self._last_preset_command_name()
        title = PRESETS[name].title + (f" (sample {self.preset_seed})" if self.preset_seed else "")
        self.undo_stack.push(ReplacePointsCommand(self, xy, labels, f"Preset: {title}", merge=merge))

    def _last_preset_command_name(self) -> str | None:
        index = self.undo_stack.index() - 1
        command = self.undo_stack.command(index) if index >= 0 else None
        if isinstance(command, ReplacePointsCommand) and command.merge:
            return self.preset_name
        return None

    def restore_points(self, snapshot, preset: str, preset_seed: int, axis_names: tuple[str, str]) -> None:
        """Make the points exactly ``snapshot`` (ids included), as an opened session file has them.

        Not undoable: opening a session starts a new undo history."""
        self.pause()
        self.points.restore(snapshot)
        self.preset_name, self.preset_seed, self.axis_names = preset, int(preset_seed), tuple(axis_names)
        self.undo_stack.clear()
        self.notify_points_changed(fit_view=False)

    def restore_descent(self, spec: ModelSpec, snapshot) -> None:
        """Put the descent (a :class:`~models.descent_history.TrainerSnapshot`) back once ``spec`` is
        compiled and in use: now if it is, else when the worker has compiled it."""
        self._pending_descent = (spec, snapshot)
        self._apply_pending_descent()

    def _apply_pending_descent(self) -> None:
        if self._pending_descent is None or not self.ready or self._needs_worker():
            return
        spec, snapshot = self._pending_descent
        if self.trainer.spec != spec:
            return
        self._pending_descent = None
        if snapshot is not None:
            snapshot.restore(self.trainer)
        self.restarted.emit()
        self.refresh()

    @property
    def restoring(self) -> bool:
        """A descent from a file waits for its model to compile."""
        return self._pending_descent is not None

    def load_initial_points(self, xy: np.ndarray, labels: np.ndarray) -> None:
        """Set the points without an undo entry (start-up)."""
        self.points.replace(xy, labels)
        self.notify_points_changed(fit_view=True)

    # ------------------------------------------------------------------ model and compile
    def set_spec(self, spec: ModelSpec) -> None:
        """Switch architecture; compiles in the worker unless this exact shape is already warm."""
        spec = spec.validated()
        if spec == self.spec and self.trainer is not None and self.trainer.spec == spec:
            return
        self.spec = spec
        self._failed_spec = None
        self._prepare()

    def _needs_worker(self) -> bool:
        if self._background_spec is not None and self._background_spec.family == self.spec.family:
            return True  # the background job is using that graph: queue behind it
        classifier = self.cache.cached(self.spec, self.backend)
        if classifier is None or classifier.spec != self.spec:
            return True
        rows = capacity_for(len(self.points))
        return not all(classifier.is_warm(rows, GRID_SIZE * GRID_SIZE, name) for name in self.optimizers_in_use())

    def optimizers_in_use(self) -> tuple[str, ...]:
        """The optimizer of the descent shown, then those racing beside it."""
        return (self.config.optimizer, *(n for n in self.race_optimizers if n != self.config.optimizer))

    def can_step(self) -> bool:
        """A warm model is in use, with every optimizer in use compiled for the current rows."""
        return self.ready and not self._needs_worker()

    def _prepare(self) -> None:
        """Make sure a warm classifier for the current spec and capacity is in use."""
        if self.busy:
            return  # re-checked when the running job finishes
        if self._background is not None:
            self._background.cancel()  # the user comes first; the job stops at its next check
        if not self._needs_worker():
            self._adopt(self.cache.get(self.spec, self.backend))
            return
        spec, backend, rows = self.spec, self.backend, capacity_for(len(self.points))
        optimizers = self.optimizers_in_use()
        same_model = self.trainer is not None and self.trainer.spec == spec
        what = f"{spec.label()} with {backend.mode_name}" if not same_model else f"{spec.label()} for {rows} rows"
        cache = self.cache

        def compile_job(ctx: TaskContext):
            ctx.progress(-1, f"Compiling {what}…")
            with collection_paused():
                backend.load()  # the first job imports PyTensor and the back end
            classifier = cache.cached(spec, backend)
            if same_model and classifier is not None:
                for optimizer in optimizers:
                    classifier.warm(rows, GRID_SIZE * GRID_SIZE, optimizer)  # keeps the parameters
                return classifier
            classifier = cache.get(spec, backend)
            ctx.check()
            ctx.progress(-1, f"Generating {backend.mode_name} code for {spec.label()}…")
            for optimizer in optimizers:
                classifier.warm(rows, GRID_SIZE * GRID_SIZE, optimizer)
            keep_out_of_full_collections()
            return classifier

        self._job_spec = spec
        self._job = self.runner.submit(f"compile {spec.label()}", compile_job, finished=self._on_compiled,
                                       failed=self._on_compile_failed, done=self._on_job_done)
        self.busy_changed.emit(True)
        self.compile_started.emit(what)

    def _on_compiled(self, classifier) -> None:
        self.compile_finished.emit(classifier.spec.label())

    def _on_compile_failed(self, message: str) -> None:
        self._failed_spec = self._job_spec
        self.failed.emit(f"Compiling {self._job_spec.label() if self._job_spec else 'the model'} failed: {message}")

    def _on_job_done(self) -> None:
        self._job = None
        self.busy_changed.emit(False)
        if self._failed_spec == self.spec:
            return  # do not retry a failing compile in a loop; the user picks another model
        if self.trainer is not None and self.trainer.spec == self.spec and not self._needs_worker():
            self.refresh()  # a capacity warm-up: parameters were kept
            self._apply_pending_descent()
        elif not self._needs_worker():
            self._adopt(self.cache.get(self.spec, self.backend))
        else:
            self._prepare()  # the user changed something while this compiled

    def _adopt(self, classifier) -> None:
        """Use a warm classifier: same model goes on from where it was, a new model starts at w(0)."""
        if self.trainer is not None and self.trainer.classifier is classifier and self.trainer.spec == self.spec:
            self.trainer.set_points(self.points.xy, self.points.labels, self.train_mask())
            self.refresh()
        else:
            self.trainer = Trainer(classifier, self.spec, self.config)
            self.trainer.set_points(self.points.xy, self.points.labels, self.train_mask())
            self.trainer.reset()
            self.model_changed.emit(self.spec)
            self.refresh()
        self._apply_pending_descent()
        QtCore.QTimer.singleShot(PREWARM_SETTLE_MS, self._schedule_prewarm)

    # ------------------------------------------------------------------ background warming
    def warm_complete(self) -> bool:
        """Every architecture in :data:`PREWARM_SPECS` is compiled (or pre-warming is off)."""
        return not self._prewarm_queue and self._background is None

    def families_warm(self) -> bool:
        """Every compiled graph of the playground (each kind, depth and activation) is ready."""
        rows = capacity_for(len(self.points))
        for spec in PREWARM_SPECS[:PREWARM_FAMILIES]:
            cached = self.cache.cached(spec, self.backend)
            if cached is None or not cached.is_warm(rows, GRID_SIZE * GRID_SIZE, self.config.optimizer, spec):
                return False
        return True

    def warm_report(self) -> list[tuple[str, float]]:
        return list(self.prewarm_log)

    def _schedule_prewarm(self) -> None:
        """Compile the next likely architecture in the worker while the user works with this one."""
        if self.busy or self._background is not None or self.trainer is None:
            return
        rows, live = capacity_for(len(self.points)), self.trainer.spec.family
        while self._prewarm_queue:
            spec = self._prewarm_queue.pop(0)
            if spec.family == live:
                continue  # never reshape the graph the GUI thread is stepping
            cached = self.cache.cached(spec, self.backend)
            if cached is not None and cached.is_warm(rows, GRID_SIZE * GRID_SIZE, self.config.optimizer, spec):
                continue
            break
        else:
            return
        cache, backend, optimizer = self.cache, self.backend, self.config.optimizer

        def prewarm_job(ctx: TaskContext):
            started = QtCore.QElapsedTimer()
            started.start()
            classifier = cache.get(spec, backend)
            ctx.check()
            classifier.warm(rows, GRID_SIZE * GRID_SIZE, optimizer)
            keep_out_of_full_collections()
            return started.elapsed() / 1000.0

        self._background_spec = spec
        self._background = self.runner.submit(
            f"prewarm {spec.label()}", prewarm_job,
            finished=lambda seconds, s=spec: self.prewarm_log.append((s.label(), seconds)),
            cancelled=lambda s=spec: self._prewarm_queue.insert(0, s),
            done=self._on_background_done,
        )

    def _on_background_done(self) -> None:
        self._background = None
        self._background_spec = None
        QtCore.QTimer.singleShot(0, self._schedule_prewarm)

    # ------------------------------------------------------------------ knobs (never recompile)
    def set_lr(self, lr: float) -> None:
        self.config.lr = float(lr)

    def set_l2(self, l2: float) -> None:
        self.config.l2 = float(l2)
        if not self._playing:
            self.refresh()

    def set_steps_per_frame(self, n: int) -> None:
        self.steps_per_frame = max(1, int(n))

    def set_seed(self, seed: int) -> None:
        self.config.seed = int(seed)

    def set_standardize(self, enabled: bool) -> None:
        self.config.standardize = bool(enabled)
        if self.trainer is not None:
            self.trainer.set_standardize(enabled)
            if not self.busy:
                self.trainer.reset()
                self.restarted.emit()
                self.refresh()

    def set_optimizer(self, name: str, hyperparameters: dict[str, float] | None = None) -> None:
        """Descend with another optimizer from here on (its step compiles in the worker if needed)."""
        self.config.optimizer = name
        self.config.hyperparameters = dict(hyperparameters or {})
        if self.ready and self._needs_worker():
            self._prepare()

    def set_hyperparameters(self, hyperparameters: dict[str, float]) -> None:
        self.config.hyperparameters = dict(hyperparameters)

    def set_race_optimizers(self, names: list[str]) -> None:
        """Optimizers to race beside the shown one; their steps compile in the worker if needed."""
        self.race_optimizers = tuple(names)
        if self.ready and self._needs_worker():
            self._prepare()

    def set_batch_size(self, size: int) -> None:
        """Rows per mini-batch (0: full batch); the batches follow the seed."""
        self.config.batch_size = max(0, int(size))

    def restart_from(self, values: list[np.ndarray]) -> None:
        """Start a new descent at w(0) = ``values`` (e.g. a point clicked on the cost landscape)."""
        if self.ready:
            self.trainer.set_params(values, restart=True)
            self.restarted.emit()
            self.refresh()

    def set_view_rect(self, rect: QtCore.QRectF) -> None:
        """The canvas's visible rectangle: the boundary grid covers it."""
        self.view_rect = QtCore.QRectF(rect)
        if not self._playing:
            self.refresh(evaluate=False)

    # ------------------------------------------------------------------ descent
    def step(self, n: int = 1) -> bool:
        """Run ``n`` gradient steps now; False if no model is ready (compiling)."""
        if not self.ready:
            self.message.emit("The model is still compiling; stepping starts when it is ready.")
            return False
        if self._needs_worker():
            self._prepare()  # more points than the compiled shapes hold: warm them in the worker
            return False
        if len(self.points) == 0:
            self.message.emit("There are no points: click on the canvas to add trout and salmon.")
            self.pause()
            return False
        self.about_to_step.emit()
        report = self.trainer.step(n)
        self.stepped.emit(report.steps_done)
        if report.diverged:
            self.pause()
            self.diverged.emit(report.message)
        self.refresh()
        return True

    def reset(self, seed: int | None = None) -> None:
        if seed is not None:
            self.config.seed = int(seed)
        if self.ready:
            self.trainer.reset(self.config.seed)
            self.restarted.emit()
            self.refresh()

    def play(self) -> None:
        if not self._playing:
            self._playing = True
            self.timer.start()
            self.playing_changed.emit(True)

    def pause(self) -> None:
        if self._playing:
            self._playing = False
            self.timer.stop()
            self.playing_changed.emit(False)

    def set_playing(self, playing: bool) -> None:
        self.play() if playing else self.pause()

    def toggle_play(self) -> None:
        self.set_playing(not self._playing)

    def _on_tick(self) -> None:
        if self.ready:
            self.step(self.steps_per_frame)

    # ------------------------------------------------------------------ drawing data
    def boundary_grid(self, rect: QtCore.QRectF, size: int = GRID_SIZE) -> np.ndarray:
        """Class-1 probability on a size×size grid over ``rect`` (rows = x2, columns = x1)."""
        return self.trainer.proba_grid((rect.left(), rect.right()), (rect.top(), rect.bottom()), size)

    def refresh(self, evaluate: bool = True) -> None:
        """Evaluate the model on the points and the grid and emit :attr:`frame_ready`."""
        if not self.ready or self._needs_worker():
            return
        trainer = self.trainer
        if evaluate or self.last_frame is None:
            evaluation = trainer.evaluate()
            loss, accuracy, wrong = evaluation.loss, evaluation.accuracy, evaluation.misclassified
        else:
            loss, accuracy, wrong = self.last_frame.loss, self.last_frame.accuracy, self.last_frame.misclassified
        rect = self._grid_rect()
        grid = self.boundary_grid(rect) if rect is not None else None
        self.last_frame = Frame(
            iteration=trainer.shown_iteration, loss=loss, accuracy=accuracy, misclassified=wrong,
            loss_history=trainer.loss_history, grid=grid, grid_rect=rect,
            backend_label=self.backend.label, spec=trainer.spec,
        )
        self.frame_ready.emit(self.last_frame)

    def _grid_rect(self) -> QtCore.QRectF | None:
        rect = self.view_rect
        if not (rect.width() > 0 and rect.height() > 0 and math.isfinite(rect.width() + rect.height())):
            return None
        return rect

    def class_names(self) -> tuple[str, str]:
        return CLASS_NAMES
