"""Fixed-shape training graphs for hyperparameter sweeps.

A sweep trains one model per hyperparameter value. Compiled naively, every polynomial degree
or hidden-layer width is a new parameter shape, and JAX generates code again for each new
shape at its first call (≈0.2–1 s each). Here one graph serves a whole sweep: the polynomial
always has the features of degree :data:`~models.classifiers.MAX_DEGREE` and an MLP always has
``width`` units per layer, and a 0/1 *mask* input switches off the features or units a value
does not use. Switched-off parameters start at 0 and their gradient is exactly 0, so each value
trains exactly the smaller model (checked against :class:`~models.classifiers.Classifier` in
the tests).

Training runs :data:`CHUNK` gradient steps per compiled call (a ``scan``; JAX needs its length
fixed, so an ``active`` input turns the steps past the ones asked for into no-ops). The graphs
keep no model state (parameters go in and come out), so one graph serves every sweep of the
process; a lock makes calls from different threads take turns (a compiled function's storage is
not re-entrant).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from models.backend import Backend, as_numpy, compile_function
from models.classifiers import MAX_DEGREE, ModelSpec, _activation, poly_exponents

#: Gradient steps per compiled call.
CHUNK = 100


@dataclass(frozen=True)
class SweepFamily:
    """What decides a sweep graph: polynomial (any degree), or an MLP's depth, activation and width."""

    kind: str  # "poly" or "mlp"
    layers: int = 0
    activation: str = "tanh"
    width: int = 0

    @classmethod
    def for_spec(cls, spec: ModelSpec, width: int | None = None) -> SweepFamily:
        if spec.kind != "mlp":
            return cls("poly")
        return cls("mlp", len(spec.hidden), spec.activation, int(width or max(spec.hidden)))

    def param_shapes(self) -> list[tuple[int, ...]]:
        if self.kind == "poly":
            return [(len(poly_exponents(MAX_DEGREE)),), ()]
        sizes = [2] + [self.width] * self.layers
        shapes = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            shapes += [(fan_in, fan_out), (fan_out,)]
        return shapes + [(self.width,), ()]

    def mask_shape(self) -> tuple[int, ...]:
        return (len(poly_exponents(MAX_DEGREE)),) if self.kind == "poly" else (self.layers, self.width)

    def fits(self, spec: ModelSpec) -> bool:
        if self.kind == "poly":
            return spec.kind != "mlp"
        return (spec.kind == "mlp" and len(spec.hidden) == self.layers and spec.activation == self.activation
                and max(spec.hidden) <= self.width)

    # -- moving values between a spec's shapes and the family's ----------------------------
    def mask(self, spec: ModelSpec) -> np.ndarray:
        """1 for the features (polynomial) or units (MLP) that ``spec`` uses, 0 elsewhere."""
        mask = np.zeros(self.mask_shape())
        if self.kind == "poly":
            mask[: len(poly_exponents(spec.effective_degree))] = 1.0
        else:
            for layer, units in enumerate(spec.hidden):
                mask[layer, : int(units)] = 1.0
        return mask

    def embed(self, spec: ModelSpec, values: list[np.ndarray]) -> list[np.ndarray]:
        """``spec``'s parameter values placed in the family's shapes, zeros elsewhere."""
        out = [np.zeros(shape) for shape in self.param_shapes()]
        for target, value in zip(out, values, strict=True):
            value = np.asarray(value, dtype=float)
            target[tuple(slice(0, n) for n in value.shape)] = value
        return out

    def extract(self, spec: ModelSpec, values: list[np.ndarray]) -> list[np.ndarray]:
        """The inverse of :meth:`embed`: ``spec``'s own parameters out of the family's shapes."""
        return [np.array(np.asarray(value)[tuple(slice(0, n) for n in shape)], dtype=float)
                for value, (_, shape) in zip(values, spec.param_shapes(), strict=True)]


@dataclass(frozen=True)
class TrainOutcome:
    """Parameters after training (family shapes), the loss before each step, and whether it blew up."""

    values: list[np.ndarray]
    losses: np.ndarray
    diverged: bool


class SweepGraph:
    """The compiled training and report functions of one :class:`SweepFamily`."""

    def __init__(self, family: SweepFamily, backend: Backend, dtype: str = "float64") -> None:
        import pytensor
        import pytensor.tensor as pt

        backend.load()
        self.family, self.backend, self.dtype = family, backend, np.dtype(dtype)
        self._lock = threading.Lock()
        x, y, m = pt.matrix("x", dtype=dtype), pt.vector("y", dtype=dtype), pt.vector("m", dtype=dtype)
        lr, l2 = pt.scalar("lr", dtype=dtype), pt.scalar("l2", dtype=dtype)
        mask = pt.tensor("mask", dtype=dtype, shape=family.mask_shape())
        active = pt.scalar("active", dtype="int64")
        params = [pt.tensor(f"p{i}", dtype=dtype, shape=shape) for i, shape in enumerate(family.param_shapes())]
        one = pt.constant(1.0, dtype=dtype)

        def objective(values):
            z = self._logits(x, values, mask)
            data = pt.sum(m * (pt.softplus(z) - y * z)) / pt.maximum(pt.sum(m), one)
            return data + pt.constant(0.5, dtype=dtype) * l2 * self._penalty(values, mask)

        def body(i, *values):
            cost = objective(list(values))
            grads = pytensor.grad(cost, list(values))
            keep = pt.lt(i, active)
            return [pt.switch(keep, v - lr * g, v) for v, g in zip(values, grads)] + [cost]

        outputs = pytensor.scan(body, sequences=[pt.arange(CHUNK, dtype="int64")],
                                outputs_info=[*params, None], return_list=True, return_updates=False)
        finals = [out[-1] for out in outputs[:-1]]
        self._train = compile_function(backend, [x, y, m, lr, l2, mask, active, *params], [*finals, outputs[-1]],
                                       name="sweep_train")
        splits = pt.matrix("splits", dtype=dtype)
        z = self._logits(x, params, mask)
        proba = pt.sigmoid(z)
        wrong = pt.neq(pt.ge(proba, 0.5), pt.eq(y, 1)).astype(dtype)
        sizes = pt.maximum(pt.sum(splits, axis=1), one)
        losses = (splits @ (pt.softplus(z) - y * z)) / sizes
        errors = (splits @ wrong) / sizes
        self._report = compile_function(backend, [x, y, splits, mask, *params], [losses, errors, proba],
                                        name="sweep_report")

    def _logits(self, x, values, mask):
        if self.family.kind == "poly":
            exponents = np.array(poly_exponents(MAX_DEGREE), dtype=np.int8).T
            features = x[:, 0][:, None] ** exponents[0][None, :] * x[:, 1][:, None] ** exponents[1][None, :]
            return features @ (values[0] * mask) + values[1]
        h = x
        for layer in range(self.family.layers):
            h = _activation(self.family.activation, h @ values[2 * layer] + values[2 * layer + 1]) * mask[layer]
        return h @ values[-2] + values[-1]

    def _penalty(self, values, mask):
        import pytensor.tensor as pt

        if self.family.kind == "poly":
            return pt.sum((values[0] * mask) ** 2)
        return sum(pt.sum(w**2) for w in values[0::2])  # switched-off weights stay exactly 0

    def _cast(self, *arrays):
        return [np.asarray(a, dtype=self.dtype) for a in arrays]

    def train(self, x, y, m, lr: float, l2: float, mask: np.ndarray, values: list[np.ndarray], steps: int,
              check=None) -> TrainOutcome:
        """``steps`` full-batch gradient steps from ``values``; ``check()`` runs between chunks
        (a worker's cancel check). Stops early, keeping the last finite parameters, on NaN/inf."""
        values = self._cast(*values)
        losses = []
        done = 0
        while done < steps:
            if check is not None:
                check()
            active = min(CHUNK, steps - done)
            with self._lock:
                *new, costs = self._train(*self._cast(x, y, m, lr, l2, mask), np.int64(active), *values)
                costs = as_numpy(costs)[:active]
                new = [as_numpy(v) for v in new]
            if not (np.all(np.isfinite(costs)) and all(np.all(np.isfinite(v)) for v in new)):
                finite = np.isfinite(costs)
                losses.extend(costs[: int(np.argmin(finite)) if not finite.all() else active].tolist())
                return TrainOutcome(values, np.array(losses), True)
            losses.extend(costs.tolist())
            values = new
            done += active
        return TrainOutcome([np.array(v, dtype=float) for v in values], np.array(losses), False)

    def report(self, x, y, splits: np.ndarray, mask: np.ndarray, values: list[np.ndarray]):
        """Mean cross-entropy (no penalty) and error rate of each row of ``splits``, and every row's P(class 1)."""
        with self._lock:
            losses, errors, proba = self._report(*self._cast(x, y, splits, mask, *values))
        return as_numpy(losses).astype(float), as_numpy(errors).astype(float), as_numpy(proba).astype(float)

    def warm(self, rows: int) -> None:
        """Generate the back end's code for ``rows`` padded rows (call from a worker)."""
        zeros = [np.zeros(s) for s in self.family.param_shapes()]
        x, v = np.zeros((rows, 2)), np.zeros(rows)
        self.train(x, v, v, 0.0, 0.0, np.zeros(self.family.mask_shape()), zeros, 1)
        self.report(x, v, np.zeros((3, rows)), np.zeros(self.family.mask_shape()), zeros)


class SweepGraphCache:
    """One :class:`SweepGraph` per (back end, family); safe to fill from a worker thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._graphs: dict[tuple, SweepGraph] = {}

    def get(self, family: SweepFamily, backend: Backend) -> SweepGraph:
        key = (backend.name, family)
        with self._lock:
            graph = self._graphs.get(key)
        if graph is None:
            graph = SweepGraph(family, backend)
            with self._lock:
                graph = self._graphs.setdefault(key, graph)
        return graph

    def __len__(self) -> int:
        with self._lock:
            return len(self._graphs)
