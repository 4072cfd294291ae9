"""The training cost over a slice through parameter space: two chosen parameters vary over a grid,
every other parameter stays at its current value.

Each graph is compiled once per architecture and called with grid arrays (the parameters, the
data and the axes are inputs, never shared variables, so a worker thread can compute a slice
while the GUI thread trains the model). Two formulations, chosen by measurement (bench/
bench_landscape.py):

* **Linear slices** (logistic regression and polynomial features, where the logit is linear in
  every parameter): z = z_rest + a·f_i + b·f_j with the design columns f = ∂z/∂θ, so the grid is
  an outer sum of two vectors against the data. The loss per point is softplus(z) − y·z; the
  y·z part is linear in (a, b) and summed analytically, leaving one stable softplus
  max(z, 0) + log1p(exp(−|z|)) per grid point and data row (never exp of a large z: no overflow).
  The grid is scanned row by row, so each row's (G, N) block stays in cache instead of
  materializing a (G², N) matrix. In float32 with JAX this is ~10× faster than NumPy.
* **General slices** (MLPs): the model's own cost graph, vectorized over a row of parameter
  vectors with ``vectorize_graph`` and scanned over the rows.

Two rewrites are switched off for these functions: PyTensor would push the scan's elementwise
work out of the loop (materializing the whole (G, G, N) block) and turn log1p(exp(−|z|)) into its
``softplus`` op, whose JAX form evaluates three exponentials per element.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from models.backend import Backend, as_numpy, compile_function
from models.classifiers import ModelSpec, cost_expression, penalized_names, poly_exponents, unflatten

#: Rewrites that make the landscape slower (see the module docstring).
EXCLUDED_REWRITES = ("local_log1p_plusminus_exp", "scan_pushout")
LINEAR_KINDS = ("logistic", "poly")
#: Grid sizes (points per axis): the fine pass, and the coarse pass drawn first.
FINE_SIZE = {"linear": 150, "general": 48}
COARSE_SIZE = {"linear": 50, "general": 16}


def slice_kind(spec: ModelSpec) -> str:
    return "linear" if spec.kind in LINEAR_KINDS else "general"


def grid_sizes(spec: ModelSpec) -> tuple[int, int]:
    """(coarse, fine) points per axis for this architecture."""
    kind = slice_kind(spec)
    return COARSE_SIZE[kind], FINE_SIZE[kind]


def default_axes(spec: ModelSpec, gradient: np.ndarray | None = None) -> tuple[int, int]:
    """The two parameters a landscape shows first: w1, w2 for logistic regression, else the two
    with the largest gradient magnitude (``gradient`` flat, at w(0)), larger first."""
    if spec.kind == "logistic" or gradient is None or len(gradient) < 2:
        return 0, 1
    order = np.argsort(-np.abs(np.asarray(gradient, dtype=float)), kind="stable")
    return int(order[0]), int(order[1])


def axis_values(lo: float, hi: float, size: int) -> np.ndarray:
    """``size`` evenly spaced values from lo to hi inclusive."""
    return np.linspace(float(lo), float(hi), int(size))


def span_with_margin(points: np.ndarray, margin: float = 0.15, min_span: float = 1.0) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) spanning the (K, 2) ``points`` with ``margin`` of the span on each side."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    points = points[np.all(np.isfinite(points), axis=1)]
    if len(points) == 0:
        return -min_span, min_span, -min_span, min_span
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre, half = (lo + hi) / 2, np.maximum((hi - lo) / 2 * (1 + 2 * margin), min_span / 2)
    return centre[0] - half[0], centre[0] + half[0], centre[1] - half[1], centre[1] + half[1]


@dataclass(frozen=True)
class SliceRequest:
    """One landscape to compute: the parameters it passes through and what varies."""

    theta: np.ndarray  # every parameter, flat (``classifiers.flatten`` order)
    axes: tuple[int, int]  # flat indices of the parameters along x and y
    a: np.ndarray  # values of parameter axes[0] (columns)
    b: np.ndarray  # values of parameter axes[1] (rows)


class Landscape:
    """Compiled cost-over-a-slice functions for one architecture family on one back end.

    :meth:`cost_grid` returns a (len(b), len(a)) array: row r, column c is the training cost
    (mean cross-entropy over the rows with weight m, plus λ/2 Σ W²) at the current parameters
    with θ[axes[0]] = a[c] and θ[axes[1]] = b[r]. Concurrent calls wait for each other.
    """

    def __init__(self, backend: Backend, dtype: str = "float32") -> None:
        self.backend = backend
        self.dtype = np.dtype(dtype)
        self._functions: dict[tuple, object] = {}
        self._lock = threading.Lock()
        self._call_lock = threading.Lock()  # a compiled function is not re-entrant
        self._called: set[tuple] = set()

    # ------------------------------------------------------------------ graphs
    def _function(self, spec: ModelSpec):
        key = (spec.kind,) if spec.kind in LINEAR_KINDS else (spec.kind, tuple(spec.hidden), spec.activation)
        with self._lock:
            function = self._functions.get(key)
        if function is None:
            function = self._build_linear() if spec.kind in LINEAR_KINDS else self._build_general(spec)
            with self._lock:
                function = self._functions.setdefault(key, function)
        return function

    def _mode(self):
        return self.backend.mode().excluding(*EXCLUDED_REWRITES)

    def _inputs(self):
        import pytensor.tensor as pt

        dt = str(self.dtype)
        return (pt.matrix("x", dtype=dt), pt.vector("y", dtype=dt), pt.vector("m", dtype=dt),
                pt.vector("theta", dtype=dt), pt.scalar("i", dtype="int64"), pt.scalar("j", dtype="int64"),
                pt.vector("a", dtype=dt), pt.vector("b", dtype=dt), pt.scalar("l2", dtype=dt))

    def _build_linear(self):
        import pytensor
        import pytensor.tensor as pt

        x, y, m, theta, i, j, a, b, l2 = self._inputs()
        exponents = pt.matrix("exponents", dtype="int8")
        penalized = pt.vector("penalized", dtype=str(self.dtype))
        features = x[:, 0][:, None] ** exponents[0][None, :] * x[:, 1][:, None] ** exponents[1][None, :]
        design = pt.concatenate([features, pt.ones((x.shape[0], 1), dtype=x.dtype)], axis=1)  # ∂z/∂θ
        f_i, f_j = design[:, i], design[:, j]
        z_rest = design @ theta - theta[i] * f_i - theta[j] * f_j
        n = pt.maximum(pt.sum(m), pt.constant(1.0, dtype=x.dtype))

        def row(b_r, a, f_i, f_j, z_rest, m):
            z = a[:, None] * f_i[None, :] + (b_r * f_j + z_rest)[None, :]
            softplus = pt.maximum(z, 0) + pt.log1p(pt.exp(-abs(z)))
            return softplus @ m

        softplus_sums = pytensor.scan(row, sequences=[b], non_sequences=[a, f_i, f_j, z_rest, m],
                                      mode=self._mode(), return_updates=False)
        my = m * y
        linear = pt.sum(my * z_rest) + b[:, None] * pt.sum(my * f_j) + a[None, :] * pt.sum(my * f_i)
        penalty_rest = pt.sum(penalized * theta**2) - penalized[i] * theta[i] ** 2 - penalized[j] * theta[j] ** 2
        penalty = penalty_rest + penalized[i] * a[None, :] ** 2 + penalized[j] * b[:, None] ** 2
        cost = (softplus_sums - linear) / n + pt.constant(0.5, dtype=x.dtype) * l2 * penalty
        return compile_function(self.backend, [x, y, m, theta, i, j, a, b, l2, exponents, penalized], cost,
                                name="landscape_linear", mode=self._mode())

    def _build_general(self, spec: ModelSpec):
        import pytensor
        import pytensor.tensor as pt
        from pytensor.graph.replace import vectorize_graph

        x, y, m, theta, i, j, a, b, l2 = self._inputs()
        one_theta = pt.vector("one_theta", dtype=str(self.dtype), shape=(spec.n_params(),))
        params, start = [], 0
        for _, shape in spec.param_shapes():
            size = int(np.prod(shape, dtype=int))
            params.append(one_theta[start : start + size].reshape(shape))
            start += size
        one_cost = cost_expression(spec, x, y, m, l2, params)

        def row(b_r, a, theta, x, y, m, l2):
            batch = pt.zeros_like(a)[:, None] + theta[None, :]
            batch = pt.set_subtensor(batch[:, j], b_r)
            batch = pt.set_subtensor(batch[:, i], a)
            return vectorize_graph(one_cost, replace={one_theta: batch})

        cost = pytensor.scan(row, sequences=[b], non_sequences=[a, theta, x, y, m, l2], mode=self._mode(),
                             return_updates=False)
        return compile_function(self.backend, [x, y, m, theta, i, j, a, b, l2], cost, name="landscape_mlp",
                                mode=self._mode())

    def _build_gradient(self, spec: ModelSpec):
        """∇L for each parameter tensor (the gradient arrow, and the steepest axes at w(0))."""
        import pytensor
        import pytensor.tensor as pt

        x, y, m, _, _, _, _, _, l2 = self._inputs()
        params = [pt.tensor(name, dtype=str(self.dtype), shape=shape) for name, shape in spec.param_shapes()]
        exponents = pt.matrix("exponents", dtype="int8") if spec.kind in LINEAR_KINDS else None
        cost = cost_expression(spec, x, y, m, l2, params, exponents)
        inputs = [x, y, m, l2, *params] + ([exponents] if exponents is not None else [])
        return compile_function(self.backend, inputs, pytensor.grad(cost, params), name="landscape_gradient")

    def gradient(self, spec: ModelSpec, theta: np.ndarray, x: np.ndarray, y: np.ndarray, m: np.ndarray,
                 l2: float = 0.0) -> np.ndarray:
        """∇L(θ) as a flat vector, from the same inputs as :meth:`cost_grid`."""
        key = ("gradient", spec.kind, spec.effective_degree, tuple(spec.hidden) if spec.kind == "mlp" else (),
               spec.activation if spec.kind == "mlp" else "")
        with self._lock:
            function = self._functions.get(key)
        if function is None:
            function = self._build_gradient(spec)
            with self._lock:
                function = self._functions.setdefault(key, function)
        cast = self._cast
        args = [cast(x), cast(y), cast(m), cast(l2), *(cast(v) for v in unflatten(theta, spec))]
        if spec.kind in LINEAR_KINDS:
            args.append(np.array(poly_exponents(spec.effective_degree), dtype=np.int8).T)
        with self._call_lock:
            grads = function(*args)
        return np.concatenate([np.ravel(as_numpy(g)) for g in grads]).astype(float)

    # ------------------------------------------------------------------ calling
    def _cast(self, value) -> np.ndarray:
        """In the landscape's dtype; parameters too large for float32 become ±inf (the grid shows no
        finite cost there) without a warning."""
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(value, dtype=self.dtype)

    def cost_grid(self, spec: ModelSpec, request: SliceRequest, x: np.ndarray, y: np.ndarray, m: np.ndarray,
                  l2: float = 0.0) -> np.ndarray:
        """The cost on the grid ``request.b`` × ``request.a`` (rows × columns), as float64."""
        i, j = (int(k) for k in request.axes)
        n_params = spec.n_params()
        if i == j or not (0 <= i < n_params and 0 <= j < n_params):
            raise ValueError(f"a landscape needs two different parameters of {n_params}, got {request.axes}")
        theta = np.asarray(request.theta, dtype=float)
        if theta.shape != (n_params,):
            raise ValueError(f"{spec.label()} has {n_params} parameters, got {theta.shape}")
        cast = self._cast
        args = [cast(x), cast(y), cast(m), cast(theta), np.int64(i), np.int64(j), cast(request.a), cast(request.b),
                cast(l2)]
        if spec.kind in LINEAR_KINDS:
            pairs = np.array(poly_exponents(spec.effective_degree), dtype=np.int8).T
            penalized = set(penalized_names(spec))
            mask = np.concatenate([np.full(int(np.prod(shape, dtype=int)), name in penalized, dtype=float)
                                   for name, shape in spec.param_shapes()])
            args += [pairs, cast(mask)]
        function = self._function(spec)
        with self._call_lock:
            cost = np.array(as_numpy(function(*args)), dtype=float)
        self._called.add((spec, len(x)))
        return cost

    def is_ready(self, spec: ModelSpec, rows: int) -> bool:
        """Whether a grid for ``spec`` and ``rows`` data rows was computed already (no compile waits)."""
        return (spec, int(rows)) in self._called

    def warm(self, spec: ModelSpec, rows: int, sizes: tuple[int, ...]) -> None:
        """Compile for ``spec`` and generate code for these row counts and grid sizes (JAX and
        Numba specialise each shape at its first call): call from a worker."""
        zeros = np.zeros(rows)
        self.gradient(spec, np.zeros(spec.n_params()), np.zeros((rows, 2)), zeros, zeros)
        for size in sizes:
            request = SliceRequest(np.zeros(spec.n_params()), (0, 1), np.zeros(size), np.zeros(size))
            self.cost_grid(spec, request, np.zeros((rows, 2)), zeros, zeros)
