"""The training state: a compiled classifier, the points it learns from, and the descent history.

Pure Python and NumPy around the compiled functions (no Qt), in the spirit of Orange's
educational ``GradientDescent``: ``step()``, ``reset()``, a ``history`` of parameters. The Qt
session in ``app/`` wraps one of these and turns its reports into signals.

Rows are padded to a power-of-two capacity with weight 0, so that adding a point changes
neither the compiled function nor (on JAX) the array shapes it was specialised for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from models.classifiers import Classifier, ModelSpec, flatten, init_values, unflatten
from models.minibatch import BatchSchedule
from models.series import Series

MIN_CAPACITY = 64
#: Parameter history kept for stepping back and drawing paths, before old entries are thinned.
#: Counted in real bytes (see :data:`ENTRY_OVERHEAD_BYTES`): a 30-minute soak showed that counting
#: only the payload let a three-weight model's history reach seven times its budget.
HISTORY_BUDGET_BYTES = 8 * 2**20
#: What one entry costs besides its numbers: the ndarray header (112 B), the int, three list
#: slots and the allocator's rounding; an optimizer-state extra adds a tuple, a list and headers.
ENTRY_OVERHEAD_BYTES = 176
EXTRA_OVERHEAD_BYTES = 136
ARRAY_HEADER_BYTES = 112


def cell_centres(start: float, stop: float, size: int) -> np.ndarray:
    """Centres of ``size`` equal cells spanning [start, stop]."""
    return start + (np.arange(size) + 0.5) * (stop - start) / size


def capacity_for(n_rows: int) -> int:
    """The padded row count for ``n_rows`` points: a power of two, at least :data:`MIN_CAPACITY`."""
    return max(MIN_CAPACITY, 1 << max(0, math.ceil(math.log2(max(n_rows, 1)))))


@dataclass
class TrainingConfig:
    """What the user set besides the architecture; none of it requires a recompile."""

    lr: float = 0.1
    l2: float = 0.0
    standardize: bool = True
    seed: int = 0
    init: str = "random"
    optimizer: str = "sgd"
    hyperparameters: dict[str, float] = field(default_factory=dict)
    #: Rows per mini-batch, drawn from ``seed``; 0 (or ≥ the number of points) is full-batch descent.
    batch_size: int = 0


@dataclass(frozen=True)
class Scaler:
    """Standardization fitted on the training points: z = (x − mean) / std per feature."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def identity(cls) -> Scaler:
        return cls(np.zeros(2), np.ones(2))

    @classmethod
    def fit(cls, xy: np.ndarray) -> Scaler:
        if len(xy) == 0:
            return cls.identity()
        std = xy.std(axis=0)
        return cls(xy.mean(axis=0), np.where(std > 1e-12, std, 1.0))

    def transform(self, xy: np.ndarray) -> np.ndarray:
        return (np.asarray(xy, dtype=float) - self.mean) / self.std


@dataclass(frozen=True)
class StepReport:
    """What a call to :meth:`Trainer.step` did."""

    steps_done: int
    loss: float
    diverged: bool = False
    message: str = ""


@dataclass(frozen=True)
class Evaluation:
    """The model at the current parameters, on the training points."""

    loss: float
    accuracy: float
    proba: np.ndarray
    predicted: np.ndarray
    misclassified: np.ndarray


class ParamHistory:
    """Parameters w(t) by iteration; thinned (every other old entry dropped) past a memory budget.

    Each entry may carry an ``extra`` (the optimizer's state at w(t)), so that stepping again
    from an earlier iterate continues exactly as the first time did.
    """

    def __init__(self, budget_bytes: int = HISTORY_BUDGET_BYTES) -> None:
        self.budget_bytes = budget_bytes
        self.iterations: list[int] = []
        self.vectors: list[np.ndarray] = []
        self.extras: list = []

    def __len__(self) -> int:
        return len(self.iterations)

    def clear(self) -> None:
        self.iterations.clear()
        self.vectors.clear()
        self.extras.clear()

    def append(self, iteration: int, vector: np.ndarray, extra=None) -> None:
        self.iterations.append(iteration)
        self.vectors.append(np.array(vector, dtype=float))
        self.extras.append(extra)
        if len(self.vectors) > 2 and len(self.vectors) * self.entry_bytes(self.vectors[-1], extra) > self.budget_bytes:
            keep = list(range(0, len(self.iterations) - 1, 2)) + [len(self.iterations) - 1]
            self.iterations = [self.iterations[i] for i in keep]
            self.vectors = [self.vectors[i] for i in keep]
            self.extras = [self.extras[i] for i in keep]

    @staticmethod
    def entry_bytes(vector: np.ndarray, extra=None) -> int:
        """The memory one entry really takes (numbers, Python objects and their headers)."""
        size = vector.nbytes + ENTRY_OVERHEAD_BYTES
        if extra:
            size += EXTRA_OVERHEAD_BYTES + sum(np.asarray(a).nbytes + ARRAY_HEADER_BYTES for a in extra[1])
        return size

    def truncate(self, iteration: int) -> None:
        """Forget every entry after ``iteration``."""
        while self.iterations and self.iterations[-1] > iteration:
            self.iterations.pop()
            self.vectors.pop()
            self.extras.pop()

    def extra_at(self, iteration: int):
        """The extra stored with the entry :meth:`at` returns (None if there is none)."""
        index = int(np.searchsorted(self.iterations, iteration, side="right")) - 1
        return self.extras[index] if index >= 0 and len(self.extras) == len(self.iterations) else None

    def at(self, iteration: int) -> tuple[int, np.ndarray]:
        """The latest kept entry at or before ``iteration``."""
        index = int(np.searchsorted(self.iterations, iteration, side="right")) - 1
        if index < 0:
            raise KeyError(iteration)
        return self.iterations[index], self.vectors[index]

    def matrix(self) -> np.ndarray:
        return np.array(self.vectors) if self.vectors else np.zeros((0, 0))


class Trainer:
    """Full-batch gradient descent on the user's points, with a guard against divergence."""

    def __init__(self, classifier: Classifier, spec: ModelSpec | None = None,
                 config: TrainingConfig | None = None) -> None:
        self.classifier = classifier
        self.config = config or TrainingConfig()
        if spec is not None and spec != classifier.spec:
            classifier.configure(spec)
        self.xy = np.zeros((0, 2))
        self.labels = np.zeros(0, dtype=np.int64)
        #: Which points the model learns from (a training split); None means all of them.
        self.mask: np.ndarray | None = None
        self.scaler = Scaler.identity()
        self._padded: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._version = 0
        self._evaluation: Evaluation | None = None
        self._evaluation_key: tuple | None = None
        self.iteration = 0
        #: The earlier iteration shown (history slider), or None for the latest; stepping from it
        #: discards what came after.
        self.viewing: int | None = None
        self.loss_history = Series()
        self.history = ParamHistory()
        self._batches: BatchSchedule | None = None
        self.reset()

    @property
    def spec(self) -> ModelSpec:
        return self.classifier.spec

    @property
    def n_points(self) -> int:
        return len(self.labels)

    @property
    def capacity(self) -> int:
        return capacity_for(self.n_points)

    # -- data ------------------------------------------------------------------------------
    def set_points(self, xy: np.ndarray, labels: np.ndarray, mask: np.ndarray | None = None) -> None:
        """New points; parameters and history stay (training goes on from here).

        ``mask`` (a boolean per point) picks the rows the model learns from and standardizes
        on, e.g. a training split; the others are still evaluated (their rows carry weight 0).
        """
        self.xy = np.array(xy, dtype=float).reshape(-1, 2)
        self.labels = np.array(labels, dtype=np.int64).reshape(-1)
        self.mask = None if mask is None else np.array(mask, dtype=bool).reshape(-1)
        if self.mask is not None and len(self.mask) != len(self.labels):
            raise ValueError(f"{len(self.labels)} points but a mask of {len(self.mask)}")
        self._refit_scaler()

    @property
    def train_rows(self) -> np.ndarray:
        """A boolean per point: True where the model learns from it."""
        return np.ones(self.n_points, dtype=bool) if self.mask is None else self.mask

    def set_standardize(self, enabled: bool) -> None:
        self.config.standardize = bool(enabled)
        self._refit_scaler()

    def _refit_scaler(self) -> None:
        self.scaler = Scaler.fit(self.xy[self.train_rows]) if self.config.standardize else Scaler.identity()
        self._padded = None
        self._batches = None
        self._changed()

    def padded_data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Model inputs, targets and row weights, padded to :attr:`capacity` rows."""
        if self._padded is None:
            rows = self.capacity
            x = np.zeros((rows, 2))
            y = np.zeros(rows)
            m = np.zeros(rows)
            n = self.n_points
            x[:n] = self.scaler.transform(self.xy)
            y[:n] = self.labels
            m[:n] = self.train_rows
            self._padded = (x, y, m)
        return self._padded

    # -- parameters ------------------------------------------------------------------------
    def reset(self, seed: int | None = None) -> None:
        """New w(0) from the seed (or zeros), fresh optimizer state, empty history."""
        if seed is not None:
            self.config.seed = int(seed)
        self.set_params(init_values(self.spec, self.config.seed, self.config.init), restart=True)

    def set_params(self, values: list[np.ndarray], restart: bool = True) -> None:
        """Put the model at ``values``; with ``restart`` that point becomes w(0) of a new descent."""
        self.classifier.set_values(values)
        self.classifier.reset_optimizer_state()
        self._changed()
        if restart:
            self.viewing = None
            self.iteration = 0
            self.loss_history = Series()
            self.history.clear()
            self.history.append(0, flatten(values))

    def params(self) -> list[np.ndarray]:
        return self.classifier.get_values()

    def flat_params(self) -> np.ndarray:
        return flatten(self.params())

    @property
    def shown_iteration(self) -> int:
        """The iteration whose parameters the model holds now (:attr:`viewing`, else the latest)."""
        return self.iteration if self.viewing is None else self.viewing

    def _load(self, iteration: int, keep_state: bool = True) -> int:
        """Put the model at the kept iterate at or before ``iteration``, with its optimizer state if
        recorded (else a fresh one); return that iterate's number."""
        kept, vector = self.history.at(iteration)
        self.classifier.set_values(unflatten(vector, self.spec))
        self.classifier.reset_optimizer_state()
        extra = self.history.extra_at(kept) if keep_state else None
        if extra is not None and extra[0] == self.config.optimizer:
            self.classifier.set_optimizer_state(extra[0], extra[1])
        self._changed()
        return kept

    def view(self, iteration: int) -> int:
        """Show w(iteration) without forgetting later iterates (history slider); return the iterate shown."""
        kept = self._load(min(int(iteration), self.iteration))
        self.viewing = kept if kept < self.iteration else None
        return kept

    def rewind(self, iteration: int, keep_state: bool = True) -> None:
        """Go back to w(iteration) (or the nearest kept before it) and forget what came after."""
        kept = self._load(iteration, keep_state)
        self.viewing = None
        self.history.truncate(kept)
        self.iteration = kept
        del self.loss_history[kept + 1 :]

    # -- descent ---------------------------------------------------------------------------
    def _record_loss(self, iteration: int, loss: float) -> None:
        if iteration < len(self.loss_history):
            self.loss_history[iteration] = loss
        else:
            self.loss_history.extend([math.nan] * (iteration - len(self.loss_history)))
            self.loss_history.append(loss)

    def step(self, n: int = 1, evaluate: bool = True) -> StepReport:
        """Run ``n`` optimizer steps; stop and restore the last finite parameters on NaN/inf.

        ``evaluate=False`` skips evaluating the newest iterate (its loss is recorded by the next
        step or :meth:`evaluate`); non-finite parameters are still caught."""
        if self.n_points == 0:
            return StepReport(0, math.nan, message="There are no points: add some of each class to train.")
        if not np.any(self.train_rows):
            return StepReport(0, math.nan, message="No point is in the training split: nothing to learn from.")
        if self.viewing is not None:
            self.rewind(self.viewing)  # stepping from an earlier iterate: what came after is discarded
        x, y, m = self.padded_data()
        cfg = self.config
        batches = self._batch_schedule(m)
        done = 0
        for _ in range(int(n)):
            m_t = batches.weights(self.iteration)
            # a mini-batch's loss is not L(w(t)): evaluate every training row before the step
            full = self.classifier.loss(x, y, m, cfg.l2) if m_t is not m else None
            loss = self.classifier.step(x, y, m_t, cfg.lr, cfg.l2, cfg.optimizer, cfg.hyperparameters)
            if full is not None and math.isfinite(loss):
                loss = full
            if not math.isfinite(loss):
                return self._diverged(done)
            self._record_loss(self.iteration, loss)
            self.iteration += 1
            done += 1
            state = self.classifier.optimizer_state(cfg.optimizer)
            self.history.append(self.iteration, self.flat_params(), (cfg.optimizer, state) if state else None)
        if done:
            self._changed()
        final = self.current_loss() if evaluate else self.loss_history[-1] if self.loss_history else math.nan
        if (evaluate and not math.isfinite(final)) or not np.all(np.isfinite(self.history.vectors[-1])):
            return self._diverged(done)
        return StepReport(done, final)

    def _batch_schedule(self, m: np.ndarray) -> BatchSchedule:
        cfg = self.config
        if self._batches is None or (self._batches.batch_size, self._batches.seed) != (cfg.batch_size, cfg.seed):
            self._batches = BatchSchedule(m, cfg.batch_size, cfg.seed)
        return self._batches

    def _diverged(self, done: int) -> StepReport:
        """w(iteration) gave a non-finite loss: go back to the iterate before it (its loss was finite)."""
        bad = self.iteration
        self.rewind(max(bad - 1, 0), keep_state=False)
        loss = self.current_loss()
        message = (
            f"The loss became NaN/inf at iteration {bad} (learning rate {self.config.lr:g} "
            f"is too high for this model and data). Playback paused and the parameters of iteration "
            f"{self.iteration} restored. Try a smaller learning rate"
            + (", or turn on 'standardize inputs'." if not self.config.standardize else ".")
        )
        return StepReport(done, loss, diverged=True, message=message)

    def current_loss(self) -> float:
        """L(w(t)) on the current points (recorded as the last entry of the loss history)."""
        return self.evaluate().loss

    def evaluate(self) -> Evaluation:
        """Loss, accuracy and per-point probabilities at the current parameters (one compiled call,
        remembered until the parameters, the points or λ change)."""
        key = (self._version, self.config.l2)
        if self._evaluation is not None and self._evaluation_key == key:
            return self._evaluation
        n = self.n_points
        if n == 0:
            empty = np.zeros(0)
            return Evaluation(math.nan, math.nan, empty, empty.astype(np.int64), empty.astype(bool))
        x, y, m = self.padded_data()
        loss, proba = self.classifier.evaluate(x, y, m, self.config.l2)
        if math.isfinite(loss):
            self._record_loss(self.shown_iteration, loss)
        proba = proba[:n]
        predicted = (proba >= 0.5).astype(np.int64)
        wrong = predicted != self.labels
        learned = wrong[self.train_rows]
        accuracy = float(1.0 - learned.mean()) if len(learned) else math.nan
        self._evaluation = Evaluation(loss, accuracy, proba, predicted, wrong)
        self._evaluation_key = key
        return self._evaluation

    def _changed(self) -> None:
        """Parameters or data changed: the remembered evaluation is stale."""
        self._version += 1

    def proba_at(self, xy: np.ndarray) -> np.ndarray:
        """Class-1 probability at arbitrary input points (e.g. the boundary grid), in data units."""
        return self.classifier.proba(self.scaler.transform(xy))

    def proba_grid(self, x_range: tuple[float, float], y_range: tuple[float, float], size: int) -> np.ndarray:
        """Class-1 probability at the centres of a size×size grid of cells covering the ranges
        (rows follow x2 upwards, columns follow x1), as an image drawn over that rectangle shows them."""
        # standardized per axis before the grid is built: the same numbers as transforming every
        # cell, without two passes over size² rows on the GUI thread each frame
        mean, std = self.scaler.mean, self.scaler.std
        xs = (cell_centres(*x_range, size) - mean[0]) / std[0]
        ys = (cell_centres(*y_range, size) - mean[1]) / std[1]
        cells = np.empty((size * size, 2))
        cells[:, 0] = np.tile(xs, size)
        cells[:, 1] = np.repeat(ys, size)
        return self.classifier.proba(cells).reshape(size, size)
