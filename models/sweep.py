"""Model selection by validation: train one model per hyperparameter value, from the same w(0),
and compare training and validation error (the tutorial's "best by validation: 5; by training: 1").

:func:`run_sweep` is a plain generator: it yields each value's :class:`SweepPoint` as soon as it
is known, so a worker can stream partial results and stop between (and inside) values. The
test split is never looked at here; :func:`evaluate_on_test` does that, once, on request.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np

from models.classifiers import MAX_DEGREE, MAX_UNITS, ModelSpec, init_values
from models.knn import MAX_K, KNearestCache
from models.points import CLASS_NAMES
from models.splits import TEST, TRAIN, VALIDATION, split_counts, split_problems
from models.sweep_models import SweepFamily, SweepGraphCache
from models.training import Scaler, capacity_for


@dataclass(frozen=True)
class SweepParam:
    """A hyperparameter the user can sweep, with its range and default grid."""

    name: str
    title: str
    label: str
    minimum: float
    maximum: float
    default: str
    integer: bool = True
    log: bool = False
    #: Larger values mean a more flexible model (ties in training error go to the most flexible).
    complexity_grows: bool = True
    #: Plot against a logarithmic axis.
    log_axis: bool = False


PARAMS: dict[str, SweepParam] = {p.name: p for p in (
    SweepParam("degree", "polynomial degree", "Degree", 1, MAX_DEGREE, "1,2,3,4,5,6,7,8,9,10"),
    SweepParam("units", "hidden units per layer", "Hidden units", 1, MAX_UNITS, "1,2,4,8,16,32,64"),
    SweepParam("l2", "L2 penalty λ", "λ (L2)", 1e-8, 100.0, "1e-5,1e-4,1e-3,0.01,0.1,1", integer=False, log=True,
               complexity_grows=False, log_axis=True),
    SweepParam("iterations", "iterations", "Iterations", 1, 100_000, "10,20,50,100,200,500,1000,2000,5000",
               log_axis=True),
    SweepParam("k", "k (neighbours, k-NN)", "k of k-NN", 1, MAX_K, "1,2,3,5,7,9,15,21,31,45",
               complexity_grows=False),
)}


def parse_values(param: str, text: str) -> tuple[float, ...]:
    """Comma-separated values, checked against the parameter's range, sorted, without repeats."""
    info = PARAMS[param]
    values = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"{part!r} is not a number") from None
        if info.integer and value != int(value):
            raise ValueError(f"{info.title} takes whole numbers, got {part}")
        if not (info.minimum <= value <= info.maximum):
            low = f"{info.minimum:g}" if not info.log else "> 0"
            raise ValueError(f"{info.title} must be {low}…{info.maximum:g}, got {part}")
        values.append(int(value) if info.integer else value)
    if not values:
        raise ValueError(f"give at least one value of the {info.title}")
    return tuple(sorted(set(values)))


@dataclass(frozen=True)
class SweepRequest:
    """What to sweep and the fixed settings every value trains with."""

    param: str
    values: tuple[float, ...]
    spec: ModelSpec = ModelSpec("poly", degree=3)
    lr: float = 0.1
    l2: float = 0.0
    steps: int = 500
    seed: int = 0
    init: str = "random"
    standardize: bool = True

    def spec_for(self, value) -> ModelSpec | None:
        """The architecture trained for ``value`` (None for k-NN)."""
        if self.param == "degree":
            return ModelSpec("poly", degree=int(value)).validated()
        if self.param == "units":
            base = self.spec if self.spec.kind == "mlp" else ModelSpec("mlp", hidden=(16,))
            return replace(base, hidden=(int(value),) * len(base.hidden)).validated()
        if self.param == "k":
            return None
        return self.spec.validated()

    def model_label(self) -> str:
        """A short name of what is trained (a plot title)."""
        if self.param == "k":
            return "k-nearest neighbours"
        if self.param == "degree":
            return "Logistic regression on polynomial features"
        if self.param == "units":
            base = self.spec_for(self.values[0])
            return f"MLP, {len(base.hidden)} hidden layer{'s' if len(base.hidden) > 1 else ''}, {base.activation}"
        spec = self.spec
        if spec.kind == "poly":
            return f"Polynomial features, degree {spec.degree}"
        return "Logistic regression" if spec.kind == "logistic" else spec.label()


@dataclass(frozen=True)
class SweepData:
    """The points, their splits and what the graphs are fed (standardized on the training split, padded)."""

    xy: np.ndarray
    labels: np.ndarray
    codes: np.ndarray
    standardize: bool = True
    scaler: Scaler = field(init=False)
    x: np.ndarray = field(init=False)
    y: np.ndarray = field(init=False)
    masks: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        xy = np.asarray(self.xy, dtype=float).reshape(-1, 2)
        codes = np.asarray(self.codes).reshape(-1)
        train = codes == TRAIN
        scaler = Scaler.fit(xy[train]) if self.standardize else Scaler.identity()
        rows = capacity_for(len(xy))
        x, y, masks = np.zeros((rows, 2)), np.zeros(rows), np.zeros((3, rows))
        x[: len(xy)] = scaler.transform(xy)
        y[: len(xy)] = self.labels
        for code in (TRAIN, VALIDATION, TEST):
            masks[code, : len(xy)] = codes == code
        for name, value in (("scaler", scaler), ("x", x), ("y", y), ("masks", masks)):
            object.__setattr__(self, name, value)

    @property
    def counts(self) -> tuple[int, int, int]:
        return split_counts(self.codes)


@dataclass(frozen=True)
class SweepPoint:
    """One hyperparameter value's outcome on the training and validation splits."""

    value: float
    train_error: float
    val_error: float
    train_loss: float
    val_loss: float
    steps: int = 0
    diverged: bool = False
    spec: ModelSpec | None = None
    params: tuple = ()

    def record(self) -> dict:
        return {"value": self.value, "train_error": self.train_error, "validation_error": self.val_error,
                "train_loss": self.train_loss, "validation_loss": self.val_loss, "steps": self.steps,
                "diverged": self.diverged}


@dataclass(frozen=True)
class Choice:
    """Indices of the best values by validation and by training (None when no value is usable)."""

    by_validation: int | None
    by_training: int | None


def choose(points: list[SweepPoint], param: str) -> Choice:
    """Best by validation error (ties: lower validation loss, then the simpler model) and best by
    training error (ties: the more flexible model, the one that fits the training points hardest)."""
    usable = [i for i, p in enumerate(points) if not p.diverged and math.isfinite(p.val_error)]
    if not usable:
        return Choice(None, None)
    grows = PARAMS[param].complexity_grows
    simpler = (lambda i: points[i].value) if grows else (lambda i: -points[i].value)
    by_val = min(usable, key=lambda i: (points[i].val_error, _finite(points[i].val_loss), simpler(i)))
    by_train = min(usable, key=lambda i: (points[i].train_error, -simpler(i)))
    return Choice(by_val, by_train)


def _finite(value: float) -> float:
    return value if math.isfinite(value) else math.inf


def drop_unusable_k(request: SweepRequest, data: SweepData) -> tuple[SweepRequest, tuple]:
    """k-NN: leave out the k larger than the training split; return the request and what was left out."""
    if request.param != "k":
        return request, ()
    n_train = data.counts[TRAIN]
    kept = tuple(k for k in request.values if k <= n_train)
    dropped = tuple(k for k in request.values if k > n_train)
    return (replace(request, values=kept) if kept else request), dropped


def check_request(request: SweepRequest, data: SweepData, class_names: tuple[str, str] = CLASS_NAMES) -> None:
    """Raise ``ValueError`` with every reason the sweep cannot run on this split."""
    problems = split_problems(data.codes, data.labels, need_validation=True, class_names=class_names)
    if request.param == "k":
        n_train = data.counts[0]
        too_big = [int(k) for k in request.values if k > n_train]
        if n_train and too_big:
            problems.append(f"k = {too_big[0]} needs at least {too_big[0]} training points; there are {n_train}.")
    if problems:
        raise ValueError(" ".join(problems))


def sweep_family(request: SweepRequest) -> SweepFamily | None:
    """The fixed-shape graph family that trains every value of the sweep (None for k-NN)."""
    if request.param == "k":
        return None
    specs = [request.spec_for(v) for v in request.values]
    width = max(max(s.hidden) for s in specs) if specs[0].kind == "mlp" else None
    return SweepFamily.for_spec(specs[0], width)


def prepare(request: SweepRequest, data: SweepData, backend, graphs: SweepGraphCache,
            knn: KNearestCache) -> None:
    """Build and warm the graph the sweep will use (the slow part the first time; call in a worker)."""
    family = sweep_family(request)
    if family is None:
        knn.get(backend, len(data.x), len(data.x)).warm()
    else:
        graphs.get(family, backend).warm(len(data.x))


def run_sweep(request: SweepRequest, data: SweepData, backend, graphs: SweepGraphCache | None = None,
              knn: KNearestCache | None = None, check: Callable[[], None] | None = None) -> Iterator[SweepPoint]:
    """Yield each value's :class:`SweepPoint` in order (``check()`` may raise to stop)."""
    check_request(request, data)
    if request.param == "k":
        graph = (knn if knn is not None else KNearestCache()).get(backend, len(data.x), len(data.x))
        errors, losses, _, _ = graph.evaluate(data.x, data.y, data.masks, data.x, data.y, data.masks[TRAIN])
        for k in request.values:
            i = int(k) - 1
            yield SweepPoint(k, errors[TRAIN, i], errors[VALIDATION, i], losses[TRAIN, i], losses[VALIDATION, i])
        return
    graphs = graphs if graphs is not None else SweepGraphCache()
    specs = [request.spec_for(v) for v in request.values]
    family = sweep_family(request)
    graph = graphs.get(family, backend)
    m = data.masks[TRAIN]
    if request.param == "iterations":
        spec = specs[0]
        values = family.embed(spec, init_values(spec, request.seed, request.init))
        done = 0
        for target in request.values:
            outcome = graph.train(data.x, data.y, m, request.lr, request.l2, family.mask(spec), values,
                                  int(target) - done, check)
            values, done = outcome.values, int(target)
            yield _point(graph, family, spec, data, target, outcome.values, done, outcome.diverged)
            if outcome.diverged:
                return
        return
    for value, spec in zip(request.values, specs):
        l2 = float(value) if request.param == "l2" else request.l2
        start = family.embed(spec, init_values(spec, request.seed, request.init))
        outcome = graph.train(data.x, data.y, m, request.lr, l2, family.mask(spec), start, request.steps, check)
        yield _point(graph, family, spec, data, value, outcome.values, request.steps, outcome.diverged)


def _point(graph, family, spec, data: SweepData, value, values, steps: int, diverged: bool) -> SweepPoint:
    if diverged:
        nan = math.nan
        return SweepPoint(value, nan, nan, nan, nan, steps, True, spec)
    losses, errors, _ = graph.report(data.x, data.y, data.masks, family.mask(spec), values)
    params = tuple(family.extract(spec, values))
    return SweepPoint(value, errors[TRAIN], errors[VALIDATION], losses[TRAIN], losses[VALIDATION], steps, False,
                      spec, params)


@dataclass(frozen=True)
class ScoreOnTest:
    """The chosen model's error and loss on the test split (looked at once)."""

    value: float
    error: float
    loss: float
    n: int


def evaluate_on_test(request: SweepRequest, data: SweepData, point: SweepPoint, backend,
                     graphs: SweepGraphCache | None = None, knn: KNearestCache | None = None) -> ScoreOnTest:
    """Test error of the model a sweep trained for ``point`` (k-NN: of k = ``point.value``)."""
    n_test = data.counts[TEST]
    if n_test == 0:
        raise ValueError("The test split is empty: there is nothing to evaluate on.")
    if request.param == "k":
        graph = (knn if knn is not None else KNearestCache()).get(backend, len(data.x), len(data.x))
        errors, losses, _, _ = graph.evaluate(data.x, data.y, data.masks, data.x, data.y, data.masks[TRAIN])
        i = int(point.value) - 1
        return ScoreOnTest(point.value, float(errors[TEST, i]), float(losses[TEST, i]), n_test)
    family = sweep_family(request)
    graph = (graphs if graphs is not None else SweepGraphCache()).get(family, backend)
    values = family.embed(point.spec, list(point.params))
    losses, errors, _ = graph.report(data.x, data.y, data.masks, family.mask(point.spec), values)
    return ScoreOnTest(point.value, float(errors[TEST]), float(losses[TEST]), n_test)
