"""The playground's classifiers as PyTensor graphs: parameters are shared, gradients come from
``pytensor.grad``, and each graph is compiled once and called many times.

One compiled graph serves a whole *family* of models: logistic regression is the polynomial
model of degree 1, the polynomial degree is a shared exponent matrix, and MLP layer widths are
only the shapes of shared variables. So changing the degree or the number of units never
re-runs PyTensor's rewrites, and the learning rate, λ and the optimizer's hyperparameters are
symbolic inputs: moving a slider never recompiles.

The loss is the mean binary cross-entropy over the rows whose weight ``m`` is 1 (padding rows
and rows outside a mini-batch carry weight 0), plus ``λ/2 · Σ W²`` over weight matrices (not
biases):  L = −1/N Σ [y log ŷ + (1−y) log(1−ŷ)] + λ/2 ‖W‖², computed stably as
softplus(z) − y·z.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models.backend import Backend, as_numpy, compile_function
from models.optimizers import OPTIMIZERS, OptimizerGraph, build_optimizer

KINDS = ("logistic", "poly", "mlp")
ACTIVATIONS = ("tanh", "relu", "sigmoid")
MAX_DEGREE = 10
MAX_LAYERS = 4
MAX_UNITS = 64


@dataclass(frozen=True)
class ModelSpec:
    """An architecture the user picked: what the model is, not its parameter values."""

    kind: str = "logistic"
    degree: int = 3
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "tanh"

    def validated(self) -> ModelSpec:
        """Return self, or raise ``ValueError`` with a message a user can act on."""
        if self.kind not in KINDS:
            raise ValueError(f"unknown model {self.kind!r}; choose one of {', '.join(KINDS)}")
        if self.kind == "poly" and not 1 <= self.degree <= MAX_DEGREE:
            raise ValueError(f"polynomial degree must be 1–{MAX_DEGREE}, got {self.degree}")
        if self.kind == "mlp":
            if not 1 <= len(self.hidden) <= MAX_LAYERS:
                raise ValueError(f"an MLP needs 1–{MAX_LAYERS} hidden layers, got {len(self.hidden)}")
            if any(not 1 <= int(h) <= MAX_UNITS for h in self.hidden):
                raise ValueError(f"each hidden layer needs 1–{MAX_UNITS} units, got {list(self.hidden)}")
            if self.activation not in ACTIVATIONS:
                raise ValueError(f"unknown activation {self.activation!r}; choose one of {', '.join(ACTIVATIONS)}")
        return self

    @property
    def effective_degree(self) -> int:
        return 1 if self.kind == "logistic" else self.degree

    @property
    def family(self) -> tuple:
        """What decides the compiled graph (everything else is a shape).

        Logistic regression uses the polynomial graph at degree 1 but gets its own instance, so
        that other degrees can be warmed in the background while the logistic model trains.
        """
        if self.kind == "mlp":
            return ("mlp", len(self.hidden), self.activation)
        return (self.kind,)

    def param_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        """Names and shapes of the parameters, in the order the graph holds them."""
        if self.kind != "mlp":
            return [("w", (len(poly_exponents(self.effective_degree)),)), ("b", ())]
        sizes = [2, *map(int, self.hidden), 1]
        shapes = []
        for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            last = layer == len(sizes) - 1
            shapes.append((f"W{layer}", (fan_in,) if last else (fan_in, fan_out)))
            shapes.append((f"b{layer}", () if last else (fan_out,)))
        return shapes

    def n_params(self) -> int:
        return int(sum(np.prod(shape, dtype=int) for _, shape in self.param_shapes()))

    def label(self) -> str:
        if self.kind == "logistic":
            return "Logistic regression σ(wᵀx + b)"
        if self.kind == "poly":
            return f"Logistic regression on polynomial features (degree {self.degree})"
        layers = "-".join(str(int(h)) for h in self.hidden)
        return f"MLP 2-{layers}-1 {self.activation}"


def poly_exponents(degree: int) -> list[tuple[int, int]]:
    """Exponents (i, j) of the features x1^i · x2^j with 1 ≤ i + j ≤ degree, lowest degree first."""
    return [(total - j, j) for total in range(1, degree + 1) for j in range(total + 1)]


def init_values(spec: ModelSpec, seed: int = 0, scheme: str = "random") -> list[np.ndarray]:
    """Initial parameter values w(0): zeros, or N(0, 1/fan_in) weights and zero biases from ``seed``."""
    if scheme not in ("random", "zeros"):
        raise ValueError(f"unknown init {scheme!r}; choose 'random' or 'zeros'")
    rng = np.random.default_rng(seed)
    values = []
    for name, shape in spec.param_shapes():
        if scheme == "zeros" or name.startswith("b"):
            values.append(np.zeros(shape))
        else:
            values.append(rng.normal(0.0, 1.0 / np.sqrt(shape[0]), size=shape))
    return values


def penalized_names(spec: ModelSpec) -> list[str]:
    """Parameters the L2 penalty applies to: the weights, not the biases."""
    return [name for name, _ in spec.param_shapes() if not name.startswith("b")]


# --------------------------------------------------------------------------- symbolic graphs


def _activation(name: str, z):
    import pytensor.tensor as pt

    if name == "tanh":
        return pt.tanh(z)
    if name == "relu":
        return pt.maximum(z, 0)  # an integer 0 keeps float32 graphs in float32
    return pt.sigmoid(z)


def logits_expression(spec: ModelSpec, x, params: list, exponents=None):
    """z(x) for the spec's family; ``exponents`` is the (2, F) integer matrix of the polynomial."""
    if spec.kind == "mlp":
        h = x
        for i in range(0, len(params) - 2, 2):
            h = _activation(spec.activation, h @ params[i] + params[i + 1])
        return h @ params[-2] + params[-1]
    features = x[:, 0][:, None] ** exponents[0][None, :] * x[:, 1][:, None] ** exponents[1][None, :]
    return features @ params[0] + params[1]


def cost_expression(spec: ModelSpec, x, y, m, l2, params: list, exponents=None):
    """Mean (weighted by ``m``) binary cross-entropy plus λ/2 Σ W² over the weights."""
    import pytensor.tensor as pt

    z = logits_expression(spec, x, params, exponents)
    per_point = pt.softplus(z) - y * z
    one, half = pt.constant(1.0, dtype=z.dtype), pt.constant(0.5, dtype=z.dtype)
    data_loss = pt.sum(m * per_point) / pt.maximum(pt.sum(m), one)
    names = [name for name, _ in spec.param_shapes()]
    penalty = sum(pt.sum(p**2) for p, n in zip(params, names) if not n.startswith("b"))
    return data_loss + half * l2 * penalty


@dataclass
class _Compiled:
    evaluate: object = None
    proba: object = None
    grad: object = None
    steps: dict = field(default_factory=dict)


class Classifier:
    """A compiled model family: shared parameters plus the compiled functions that use them.

    Functions are compiled on first use (:meth:`compile` compiles the common ones at once) and
    called with NumPy arrays; results come back as NumPy arrays whatever the back end.
    """

    def __init__(self, spec: ModelSpec, backend: Backend, dtype: str = "float64") -> None:
        import pytensor
        import pytensor.tensor as pt

        self.backend = backend
        backend.load()
        self.dtype = np.dtype(dtype)
        self.spec = spec.validated()
        self.family = spec.family
        self.x = pt.matrix("x", dtype=dtype)
        self.y = pt.vector("y", dtype=dtype)
        self.m = pt.vector("m", dtype=dtype)
        self.lr = pt.scalar("lr", dtype=dtype)
        self.l2 = pt.scalar("l2", dtype=dtype)
        self.params = [
            pytensor.shared(value.astype(dtype), name=name)
            for (name, _), value in zip(spec.param_shapes(), init_values(spec, scheme="zeros"))
        ]
        self.exponents = None
        if spec.kind != "mlp":
            # int8 exponents: float32 ** int64 would upcast the features to float64
            self.exponents = pytensor.shared(np.zeros((2, 2), dtype=np.int8), name="exponents")
        self.cost = cost_expression(spec, self.x, self.y, self.m, self.l2, self.params, self.exponents)
        self.grads = pytensor.grad(self.cost, self.params)
        self._optimizers: dict[str, OptimizerGraph] = {}
        self._fn = _Compiled()
        self._warm: set[tuple] = set()
        self.configure(spec)

    # -- architecture within the family -----------------------------------------------------
    def configure(self, spec: ModelSpec) -> None:
        """Take another spec of the same family: reshape parameters (to zeros) and state."""
        spec = spec.validated()
        if spec.family != self.family:
            raise ValueError(f"{spec.label()} needs another compiled graph than {self.spec.label()}")
        self.spec = spec
        for param, value in zip(self.params, init_values(spec, scheme="zeros")):
            param.set_value(value.astype(self.dtype))
        if self.exponents is not None:
            pairs = np.array(poly_exponents(spec.effective_degree), dtype=np.int8).T
            self.exponents.set_value(pairs)
        for graph in self._optimizers.values():
            _reset_state(graph)

    # -- compiled functions -----------------------------------------------------------------
    def _compiled_evaluate(self):
        import pytensor.tensor as pt

        if self._fn.evaluate is None:
            z = logits_expression(self.spec, self.x, self.params, self.exponents)
            self._fn.evaluate = compile_function(
                self.backend, [self.x, self.y, self.m, self.l2], [self.cost, pt.sigmoid(z)], name="evaluate"
            )
        return self._fn.evaluate

    def _compiled_proba(self):
        import pytensor.tensor as pt

        if self._fn.proba is None:
            z = logits_expression(self.spec, self.x, self.params, self.exponents)
            self._fn.proba = compile_function(self.backend, [self.x], pt.sigmoid(z), name="proba")
        return self._fn.proba

    def _compiled_grad(self):
        if self._fn.grad is None:
            self._fn.grad = compile_function(self.backend, [self.x, self.y, self.m, self.l2], self.grads, name="grad")
        return self._fn.grad

    def optimizer_graph(self, optimizer: str) -> OptimizerGraph:
        if optimizer not in self._optimizers:
            self._optimizers[optimizer] = build_optimizer(optimizer, self.params, self.grads, self.lr)
        return self._optimizers[optimizer]

    def _compiled_step(self, optimizer: str):
        if optimizer not in self._fn.steps:
            graph = self.optimizer_graph(optimizer)
            inputs = [self.x, self.y, self.m, self.lr, self.l2, *graph.hyperparameters]
            self._fn.steps[optimizer] = compile_function(
                self.backend, inputs, self.cost, updates=graph.updates, name=f"step_{optimizer}"
            )
        return self._fn.steps[optimizer]

    def compile(self, optimizer: str = "sgd") -> None:
        """Compile the three functions a playground frame needs: step, evaluate (loss and
        probabilities of the training rows) and proba (the boundary grid). PyTensor's rewrites
        run here; the back end generates code at each function's first call for a shape."""
        self._compiled_evaluate()
        self._compiled_proba()
        self._compiled_step(optimizer)

    def warm(self, n_rows: int, grid_rows: int | None = None, optimizer: str = "sgd") -> None:
        """Call each function once on dummy data of these shapes, leaving every value unchanged.

        The JAX and Numba linkers generate code at the first call for a given shape; doing it
        here lets a worker thread pay that cost instead of the GUI thread.
        """
        self.optimizer_graph(optimizer)  # its state must exist before saving, or warming leaves it stepped
        saved = self.get_state()
        x = np.zeros((n_rows, 2), dtype=self.dtype)
        y = np.zeros(n_rows, dtype=self.dtype)
        self.evaluate(x, y, y)
        if grid_rows:
            self.proba(np.zeros((grid_rows, 2)))
            self._warm.add((self._shape_key(), "grid", grid_rows))
        self.step(x, y, y, 0.0, 0.0, optimizer=optimizer)
        self.set_state(saved)
        self._warm.add((self._shape_key(), optimizer, n_rows))

    def is_warm(self, n_rows: int, grid_rows: int | None = None, optimizer: str = "sgd",
                spec: ModelSpec | None = None) -> bool:
        """Whether :meth:`warm` already ran for these shapes (of ``spec``, default the current one)."""
        key = self._shape_key() if spec is None else _shape_key_for(spec)
        return (key, optimizer, n_rows) in self._warm and (not grid_rows or (key, "grid", grid_rows) in self._warm)

    def _shape_key(self) -> tuple:
        shared = [*self.params, *([self.exponents] if self.exponents is not None else [])]
        return tuple(np.shape(p.get_value(borrow=True)) for p in shared)

    # -- calling ----------------------------------------------------------------------------
    def _cast(self, *arrays):
        return [np.asarray(a, dtype=self.dtype) for a in arrays]

    def evaluate(self, x: np.ndarray, y: np.ndarray, m: np.ndarray, l2: float = 0.0) -> tuple[float, np.ndarray]:
        """The loss and every row's class-1 probability, in one call (one compiled function)."""
        loss, proba = self._compiled_evaluate()(*self._cast(x, y, m, l2))
        return float(as_numpy(loss)), as_numpy(proba)

    def loss(self, x: np.ndarray, y: np.ndarray, m: np.ndarray, l2: float = 0.0) -> float:
        return self.evaluate(x, y, m, l2)[0]

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Class-1 probability σ(z(x)) for each row of ``x``."""
        return as_numpy(self._compiled_proba()(*self._cast(x)))

    def gradient(self, x: np.ndarray, y: np.ndarray, m: np.ndarray, l2: float = 0.0) -> list[np.ndarray]:
        return [as_numpy(g) for g in self._compiled_grad()(*self._cast(x, y, m, l2))]

    def step(
        self,
        x: np.ndarray,
        y: np.ndarray,
        m: np.ndarray,
        lr: float,
        l2: float = 0.0,
        optimizer: str = "sgd",
        hyperparameters: dict[str, float] | None = None,
    ) -> float:
        """One optimizer update of the shared parameters; return the loss *before* it."""
        defaults = OPTIMIZERS[optimizer].defaults
        chosen = {**defaults, **(hyperparameters or {})}
        extra = [chosen[name] for name in defaults]
        return float(as_numpy(self._compiled_step(optimizer)(*self._cast(x, y, m, lr, l2, *extra))))

    # -- values -----------------------------------------------------------------------------
    def get_values(self) -> list[np.ndarray]:
        # borrow=True: a JAX-backed shared variable would otherwise dispatch a device copy per call
        return [np.array(np.asarray(p.get_value(borrow=True)), dtype=float) for p in self.params]

    def set_values(self, values: list[np.ndarray]) -> None:
        shapes = [shape for _, shape in self.spec.param_shapes()]
        for param, value, shape in zip(self.params, values, shapes, strict=True):
            value = np.asarray(value, dtype=float)
            if value.shape != shape:
                raise ValueError(f"{param.name} needs shape {shape}, got {value.shape}")
            param.set_value(value.astype(self.dtype))

    def get_state(self) -> dict[str, list[np.ndarray]]:
        """Parameters and every optimizer's state, for saving or for an exact restore."""
        state = {"params": self.get_values()}
        for name, graph in self._optimizers.items():
            state[name] = [np.array(s.get_value(borrow=True)) for s, _ in graph.state]
        return state

    def set_state(self, state: dict[str, list[np.ndarray]]) -> None:
        self.set_values(state["params"])
        for name, graph in self._optimizers.items():
            if name in state:
                for (shared, _), value in zip(graph.state, state[name]):
                    shared.set_value(np.array(value))

    def optimizer_state(self, optimizer: str) -> list[np.ndarray]:
        """Copies of one optimizer's state (velocities, moments, step count); [] for SGD."""
        return [np.array(shared.get_value(borrow=True)) for shared, _ in self.optimizer_graph(optimizer).state]

    def set_optimizer_state(self, optimizer: str, values: list[np.ndarray] | None) -> None:
        """Restore :meth:`optimizer_state` output; None resets that optimizer's state to zeros."""
        graph = self.optimizer_graph(optimizer)
        if values is None:
            _reset_state(graph)
            return
        for (shared, _), value in zip(graph.state, values, strict=True):
            shared.set_value(np.array(value, dtype=shared.dtype))

    def reset_optimizer_state(self) -> None:
        for graph in self._optimizers.values():
            _reset_state(graph)


def _shape_key_for(spec: ModelSpec) -> tuple:
    """The shapes :meth:`Classifier._shape_key` reports once configured to ``spec``."""
    key = tuple(shape for _, shape in spec.param_shapes())
    if spec.kind != "mlp":
        key += ((2, len(poly_exponents(spec.effective_degree))),)
    return key


def _reset_state(graph: OptimizerGraph) -> None:
    for shared, param in graph.state:
        if param is None:
            shared.set_value(np.zeros_like(shared.get_value(borrow=True)))
        else:
            shared.set_value(np.zeros_like(param.get_value(borrow=True)))


def flatten(values: list[np.ndarray]) -> np.ndarray:
    """All parameters as one vector (for histories, paths and landscape slices)."""
    return np.concatenate([np.ravel(v) for v in values]) if values else np.zeros(0)


def unflatten(vector: np.ndarray, spec: ModelSpec) -> list[np.ndarray]:
    values, start = [], 0
    for _, shape in spec.param_shapes():
        size = int(np.prod(shape, dtype=int))
        values.append(np.asarray(vector[start : start + size], dtype=float).reshape(shape))
        start += size
    return values


def param_labels(spec: ModelSpec) -> list[str]:
    """A readable name for every scalar parameter, in :func:`flatten` order (w1, w2, b, W1[0,3] …)."""
    labels = []
    for name, shape in spec.param_shapes():
        if spec.kind != "mlp" and name == "w":
            labels += [_poly_weight_label(i, j) if spec.kind == "poly" else f"w{k + 1}"
                       for k, (i, j) in enumerate(poly_exponents(spec.effective_degree))]
        elif shape == ():
            labels.append(name)
        else:
            labels += [f"{name}[{','.join(map(str, idx))}]" for idx in np.ndindex(*shape)]
    return labels


def _poly_weight_label(i: int, j: int) -> str:
    parts = [f"x1^{i}" if i > 1 else "x1" if i == 1 else "", f"x2^{j}" if j > 1 else "x2" if j == 1 else ""]
    return "w[" + "·".join(p for p in parts if p) + "]"

