"""What a saved session means: points, model, training settings, the exact descent, the split and
the view, mapped to and from a :class:`~models.session_file.SessionContainer`.

:func:`parse_state` trusts nothing: every entry is type-checked, every size bounded, every
number required finite, unknown entries refused (a newer format must raise the version), and the
parameters must fit the architecture. Only a fully valid state is returned, so a bad file can
never leave the app half-loaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from models.classifiers import ModelSpec
from models.descent_history import TrainerSnapshot
from models.optimizers import OPTIMIZERS
from models.points import PointsSnapshot
from models.session_file import SessionContainer
from models.splits import SplitPlan
from models.training import TrainingConfig

MAX_POINTS = 1_000_000
MAX_TEXT = 500
AUTOSAVE_HISTORY_ENTRIES = 500


class SessionStateError(ValueError):
    """The file is a well-formed container whose contents do not make a valid session."""


@dataclass
class SessionState:
    """Everything needed to put the app back exactly as it was."""

    points: PointsSnapshot
    spec: ModelSpec
    config: TrainingConfig
    steps_per_frame: int = 1
    preset: str = "trout_salmon"
    preset_seed: int = 0
    axis_names: tuple[str, str] = ("x1", "x2")
    race: tuple[str, ...] = ()
    hyperparameters: dict[str, dict[str, float]] = field(default_factory=dict)
    descent: TrainerSnapshot | None = None
    split_enabled: bool = False
    split_plan: SplitPlan = field(default_factory=SplitPlan)
    #: Every look at the test set: (what was seen, on which split plan).
    test_uses: tuple[tuple[str, SplitPlan], ...] = ()
    view_rect: tuple[float, float, float, float] | None = None
    tab: int = 0

    @property
    def n_points(self) -> int:
        return len(self.points)


# ---------------------------------------------------------------------------------------- writing


def to_container(state: SessionState, thin_history: bool = False) -> SessionContainer:
    """The container for ``state``; ``thin_history`` keeps a few hundred iterates (autosave)."""
    config = state.config
    meta = {
        "points": {"count": state.n_points, "next_id": int(state.points.ids.max(initial=-1)) + 1},
        "preset": {"name": state.preset, "seed": state.preset_seed, "axes": list(state.axis_names)},
        "model": {"kind": state.spec.kind, "degree": state.spec.degree, "hidden": list(state.spec.hidden),
                  "activation": state.spec.activation},
        "training": {"lr": config.lr, "l2": config.l2, "standardize": config.standardize, "seed": config.seed,
                     "init": config.init, "optimizer": config.optimizer,
                     "hyperparameters": dict(config.hyperparameters), "batch_size": config.batch_size,
                     "steps_per_frame": state.steps_per_frame},
        "optimizers": {"race": list(state.race), "hyperparameters": state.hyperparameters},
        "split": {"enabled": state.split_enabled, **_plan_to_json(state.split_plan),
                  "test_uses": [{"description": text, **_plan_to_json(plan)} for text, plan in state.test_uses]},
        "view": {"tab": state.tab, "canvas": list(state.view_rect) if state.view_rect else None},
    }
    arrays = {"points_xy": state.points.xy, "points_labels": state.points.labels, "points_ids": state.points.ids}
    if state.descent is not None:
        meta["descent"], descent_arrays = _descent_to_parts(state.descent, thin_history)
        arrays.update(descent_arrays)
    return SessionContainer(meta, arrays)


def _plan_to_json(plan: SplitPlan) -> dict:
    return {"train": plan.train, "validation": plan.validation, "seed": plan.seed, "pins": [list(p) for p in plan.pins]}


def _descent_to_parts(d: TrainerSnapshot, thin: bool) -> tuple[dict, dict[str, np.ndarray]]:
    keep = list(range(len(d.iterations)))
    if thin and len(keep) > AUTOSAVE_HISTORY_ENTRIES:
        keep = sorted(set(np.linspace(0, len(keep) - 1, AUTOSAVE_HISTORY_ENTRIES).round().astype(int).tolist()))
    arrays = {
        "descent_params": np.asarray(d.params, dtype=float),
        "descent_loss_history": np.asarray(d.loss_history, dtype=float),
        "history_iterations": np.asarray([d.iterations[k] for k in keep], dtype=np.int64),
        "history_vectors": (np.array([d.vectors[k] for k in keep], dtype=float) if keep
                            else np.zeros((0, len(d.params)))),
    }
    for i, value in enumerate(d.optimizer_state):
        arrays[f"optimizer_state_{i}"] = np.asarray(value, dtype=float)
    width = sum(np.asarray(v).size for v in d.optimizer_state)
    extras = np.zeros((len(keep), width))
    present = np.zeros(len(keep), dtype=bool)
    if not thin:
        for row, k in enumerate(keep):
            extra = d.extras[k] if k < len(d.extras) else None
            if extra and extra[0] == d.optimizer and sum(np.asarray(a).size for a in extra[1]) == width:
                extras[row] = np.concatenate([np.ravel(a) for a in extra[1]]) if width else extras[row]
                present[row] = True
    arrays["history_extras"], arrays["history_extras_present"] = extras, present
    meta = {"iteration": d.iteration, "viewing": d.viewing, "optimizer": d.optimizer,
            "optimizer_state_count": len(d.optimizer_state)}
    return meta, arrays


# ---------------------------------------------------------------------------------------- reading


KNOWN = {
    "": {"format", "version", "saved_at", "app", "points", "preset", "model", "training", "optimizers", "split",
         "view", "descent"},
    "points": {"count", "next_id"},
    "preset": {"name", "seed", "axes"},
    "model": {"kind", "degree", "hidden", "activation"},
    "training": {"lr", "l2", "standardize", "seed", "init", "optimizer", "hyperparameters", "batch_size",
                 "steps_per_frame"},
    "optimizers": {"race", "hyperparameters"},
    "split": {"enabled", "train", "validation", "seed", "pins", "test_uses"},
    "view": {"tab", "canvas"},
    "descent": {"iteration", "viewing", "optimizer", "optimizer_state_count"},
}


def _section(meta: dict, name: str, required: bool = True) -> dict:
    value = meta.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise SessionStateError(f"'{name}' is missing or not an object")
    unknown = set(value) - KNOWN[name]
    if unknown:
        raise SessionStateError(f"unknown entries in '{name}': {', '.join(sorted(map(str, unknown))[:5])}")
    return value


def _int(value, what: str, low: int = 0, high: int = 2**31 - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SessionStateError(f"{what} must be a whole number in {low}…{high}, got {value!r}")
    return value


def _float(value, what: str, low: float = -math.inf, high: float = math.inf, open_low: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SessionStateError(f"{what} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value > high or value < low or (open_low and value <= low):
        raise SessionStateError(f"{what} is {value!r}, outside {low}…{high}")
    return value


def _bool(value, what: str) -> bool:
    if not isinstance(value, bool):
        raise SessionStateError(f"{what} must be true or false, got {value!r}")
    return value


def _text(value, what: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise SessionStateError(f"{what} must be a short text")
    return value


def _array(arrays: dict, name: str, ndim: int, kind: str) -> np.ndarray:
    if name not in arrays:
        raise SessionStateError(f"the array '{name}' is missing")
    array = arrays[name]
    if array.ndim != ndim or array.dtype.kind not in kind:
        raise SessionStateError(f"the array '{name}' has the wrong shape or type ({array.dtype}, {array.shape})")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise SessionStateError(f"the array '{name}' contains NaN or infinity")
    return array


def parse_state(container: SessionContainer) -> SessionState:
    """Validate ``container`` completely and return the session it describes."""
    meta, arrays = container.meta, container.arrays
    unknown = set(meta) - KNOWN[""]
    if unknown:
        raise SessionStateError(f"unknown entries: {', '.join(sorted(map(str, unknown))[:5])}")
    points = _parse_points(_section(meta, "points"), arrays)
    spec = _parse_spec(_section(meta, "model"))
    config, steps = _parse_training(_section(meta, "training"))
    preset = _section(meta, "preset")
    axes = preset.get("axes", ["x1", "x2"])
    if not isinstance(axes, list) or len(axes) != 2:
        raise SessionStateError("'preset.axes' must name two axes")
    optimizers = _section(meta, "optimizers")
    race = optimizers.get("race", [])
    if not isinstance(race, list) or any(not isinstance(name, str) or name not in OPTIMIZERS for name in race):
        raise SessionStateError(f"'optimizers.race' must list known optimizers ({', '.join(OPTIMIZERS)})")
    split, uses = _parse_split(_section(meta, "split"))
    view = _section(meta, "view")
    rect = view.get("canvas")
    if rect is not None:
        if not isinstance(rect, list) or len(rect) != 4:
            raise SessionStateError("'view.canvas' must be [x, y, width, height]")
        rect = tuple(_float(v, "'view.canvas'", -1e12, 1e12) for v in rect)
        if rect[2] <= 0 or rect[3] <= 0:
            raise SessionStateError("'view.canvas' must have a positive width and height")
    return SessionState(
        points=points, spec=spec, config=config, steps_per_frame=steps,
        preset=_text(preset.get("name", "trout_salmon"), "'preset.name'"),
        preset_seed=_int(preset.get("seed", 0), "'preset.seed'"),
        axis_names=tuple(_text(a, "'preset.axes'") for a in axes),
        race=tuple(race), hyperparameters=_parse_all_hyperparameters(optimizers.get("hyperparameters", {})),
        descent=_parse_descent(_section(meta, "descent", required=False), arrays, spec, config),
        split_enabled=split[0], split_plan=split[1], test_uses=uses,
        view_rect=rect, tab=_int(view.get("tab", 0), "'view.tab'", 0, 16),
    )


def _parse_points(section: dict, arrays: dict) -> PointsSnapshot:
    xy = _array(arrays, "points_xy", 2, "f")
    labels = _array(arrays, "points_labels", 1, "iub")
    ids = _array(arrays, "points_ids", 1, "iu")
    count = _int(section.get("count"), "'points.count'", 0, MAX_POINTS)
    if xy.shape != (count, 2) or labels.shape != (count,) or ids.shape != (count,):
        raise SessionStateError(f"the file says {count} points but holds {len(xy)} coordinates, "
                                f"{len(labels)} labels and {len(ids)} ids")
    if count and (labels.min() < 0 or labels.max() > 1):
        raise SessionStateError("labels must be 0 (trout) or 1 (salmon)")
    if count and (ids.min() < 0 or len(np.unique(ids)) != count):
        raise SessionStateError("point ids must be distinct and ≥ 0")
    return PointsSnapshot(xy.astype(float), labels.astype(np.int64), ids.astype(np.int64))


def _parse_spec(section: dict) -> ModelSpec:
    hidden = section.get("hidden", [16, 16])
    if not isinstance(hidden, list) or not all(isinstance(h, int) and not isinstance(h, bool) for h in hidden):
        raise SessionStateError("'model.hidden' must list whole numbers of units")
    try:
        return ModelSpec(kind=_text(section.get("kind"), "'model.kind'"),
                         degree=_int(section.get("degree", 3), "'model.degree'", 1, 10),
                         hidden=tuple(hidden), activation=_text(section.get("activation", "tanh"),
                                                                "'model.activation'")).validated()
    except ValueError as error:
        raise SessionStateError(f"model: {error}") from None


def _parse_training(section: dict) -> tuple[TrainingConfig, int]:
    optimizer = _text(section.get("optimizer", "sgd"), "'training.optimizer'")
    if optimizer not in OPTIMIZERS:
        raise SessionStateError(f"unknown optimizer {optimizer!r}")
    init = _text(section.get("init", "random"), "'training.init'")
    if init not in ("random", "zeros"):
        raise SessionStateError(f"unknown initialisation {init!r}")
    config = TrainingConfig(
        lr=_float(section.get("lr"), "'training.lr'", 0.0, 1e3, open_low=True),
        l2=_float(section.get("l2", 0.0), "'training.l2'", 0.0, 1e3),
        standardize=_bool(section.get("standardize", True), "'training.standardize'"),
        seed=_int(section.get("seed", 0), "'training.seed'"),
        init=init, optimizer=optimizer,
        hyperparameters=_parse_hyperparameters(optimizer, section.get("hyperparameters", {})),
        batch_size=_int(section.get("batch_size", 0), "'training.batch_size'", 0, MAX_POINTS),
    )
    return config, _int(section.get("steps_per_frame", 1), "'training.steps_per_frame'", 1, 10_000)


def _parse_hyperparameters(optimizer: str, values) -> dict[str, float]:
    if not isinstance(values, dict) or set(values) - set(OPTIMIZERS[optimizer].defaults):
        raise SessionStateError(f"hyperparameters of {optimizer} must be among {list(OPTIMIZERS[optimizer].defaults)}")
    return {name: _float(v, f"hyperparameter {name}", 0.0, 1e3) for name, v in values.items()}


def _parse_all_hyperparameters(values) -> dict[str, dict[str, float]]:
    if not isinstance(values, dict) or set(values) - set(OPTIMIZERS):
        raise SessionStateError("'optimizers.hyperparameters' must be keyed by known optimizers")
    return {name: _parse_hyperparameters(name, v) for name, v in values.items()}


def _parse_plan(section: dict, where: str) -> SplitPlan:
    pins = section.get("pins", [])
    if not isinstance(pins, list) or len(pins) > MAX_POINTS or not all(
            isinstance(p, list) and len(p) == 2 for p in pins):
        raise SessionStateError(f"'{where}.pins' must be a list of [point id, split] pairs")
    plan = SplitPlan(train=_int(section.get("train", 60), f"'{where}.train'", 1, 100),
                     validation=_int(section.get("validation", 20), f"'{where}.validation'", 0, 99),
                     seed=_int(section.get("seed", 0), f"'{where}.seed'"),
                     pins=tuple(sorted((_int(i, "a pinned point id"), _int(s, "a pin's split", 0, 2)) for i, s in pins)))
    try:
        return plan.validated()
    except ValueError as error:
        raise SessionStateError(f"{where}: {error}") from None


def _parse_split(section: dict) -> tuple[tuple[bool, SplitPlan], tuple[tuple[str, SplitPlan], ...]]:
    plan = _parse_plan(section, "split")
    uses = section.get("test_uses", [])
    if not isinstance(uses, list) or len(uses) > 1000 or not all(isinstance(u, dict) for u in uses):
        raise SessionStateError("'split.test_uses' must be a list of records")
    parsed = []
    for use in uses:
        unknown = set(use) - {"description", "train", "validation", "seed", "pins"}
        if unknown:
            raise SessionStateError(f"unknown entries in a test-use record: {', '.join(sorted(unknown))}")
        parsed.append((_text(use.get("description", ""), "a test-use note"), _parse_plan(use, "split.test_uses")))
    return (_bool(section.get("enabled", False), "'split.enabled'"), plan), tuple(parsed)


def _parse_descent(section: dict, arrays: dict, spec: ModelSpec, config: TrainingConfig) -> TrainerSnapshot | None:
    if not section:
        return None
    n_params = spec.n_params()
    params = _array(arrays, "descent_params", 1, "f")
    if params.shape != (n_params,):
        raise SessionStateError(f"{spec.label()} has {n_params} parameters but the file holds {len(params)}")
    iteration = _int(section.get("iteration"), "'descent.iteration'", 0, 10**12)
    viewing = section.get("viewing")
    if viewing is not None:
        viewing = _int(viewing, "'descent.viewing'", 0, iteration)
    optimizer = section.get("optimizer")
    if not isinstance(optimizer, str) or optimizer != config.optimizer:
        raise SessionStateError("the descent's optimizer differs from the training settings")
    losses = _array(arrays, "descent_loss_history", 1, "f")
    if len(losses) > iteration + 1:
        raise SessionStateError("the loss history is longer than the descent")
    iterations = _array(arrays, "history_iterations", 1, "iu")
    vectors = _array(arrays, "history_vectors", 2, "f")
    if vectors.shape != (len(iterations), n_params) or np.any(np.diff(iterations) <= 0) or (
            len(iterations) and (iterations[0] < 0 or iterations[-1] > iteration)):
        raise SessionStateError("the parameter history does not match the model or the iterations")
    count = _int(section.get("optimizer_state_count", 0), "'descent.optimizer_state_count'", 0, 64)
    state = [_array(arrays, f"optimizer_state_{i}", arrays.get(f"optimizer_state_{i}", np.zeros(0)).ndim, "f")
             for i in range(count)]
    if sum(s.size for s in state) > 4 * n_params + 64:
        raise SessionStateError("the optimizer state is larger than the model allows")
    extras_flat = _array(arrays, "history_extras", 2, "f")
    present = _array(arrays, "history_extras_present", 1, "b")
    width = sum(s.size for s in state)
    if extras_flat.shape != (len(iterations), width) or present.shape != (len(iterations),):
        raise SessionStateError("the optimizer history does not match the parameter history")
    extras = tuple(_unflatten_state(row, state, optimizer) if flag else None for row, flag in zip(extras_flat, present))
    return TrainerSnapshot(iteration, viewing, np.array(losses, dtype=float), tuple(int(i) for i in iterations),
                           tuple(np.array(v) for v in vectors), extras, params.astype(float), optimizer,
                           tuple(np.array(s, dtype=float) for s in state))


def _unflatten_state(row: np.ndarray, like: list[np.ndarray], optimizer: str):
    parts, start = [], 0
    for array in like:
        parts.append(row[start:start + array.size].reshape(array.shape).copy())
        start += array.size
    return optimizer, parts
