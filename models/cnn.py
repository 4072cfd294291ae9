"""The digits CNN as a PyTensor graph: conv 3×3 → ReLU → max-pool → [conv → ReLU → pool] → dense → softmax.

Parameters are shared variables, gradients come from ``pytensor.grad``, and every function is
compiled once per architecture with static batch shapes (so JAX can trace the reshapes and
Numba specialises the loops). The loss is the mean cross-entropy over the rows whose weight
``m`` is 1 (padding rows weigh 0) of a softmax restricted to the classes whose ``mask`` entry
is 1: masking classes out lets one compiled graph train on digits 0–4, on 5–9 or on all ten,
which is what transfer learning needs. Optimisation is Adam (Kingma & Ba 2015); a second step
function updates only the dense head, for frozen-feature transfer learning.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from models.backend import Backend, as_numpy, compile_function
from models.conv_ops import conv2d, max_pool2d, relu

DTYPE = "float64"
IMAGE_SIZE = 8
N_CLASSES = 10
METHOD = "im2col"  # measured faster than "shift" for the train step under JAX and NUMBA
TRAIN_BATCH = 64
EVAL_BATCH = 256
ADAM = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-7}
_MASKED_LOGIT = 1e4  # subtracted from the logits of classes outside the mask


@dataclass(frozen=True)
class CNNSpec:
    """The architecture: filters in the first and (0 = none) second convolution layer."""

    channels1: int = 8
    channels2: int = 16
    n_classes: int = N_CLASSES
    image_size: int = IMAGE_SIZE

    def validated(self) -> CNNSpec:
        if not 1 <= self.channels1 <= 32:
            raise ValueError(f"the first layer needs 1–32 filters, got {self.channels1}")
        if not 0 <= self.channels2 <= 64:
            raise ValueError(f"the second layer needs 0–64 filters, got {self.channels2}")
        if self.image_size % 4:
            raise ValueError(f"the input size must be a multiple of 4, got {self.image_size}")
        return self

    @property
    def feature_size(self) -> int:
        """Length of the flattened features that feed the dense layer."""
        side = self.image_size // (4 if self.channels2 else 2)
        return (self.channels2 or self.channels1) * side * side

    def param_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        shapes = [("W1", (self.channels1, 1, 3, 3)), ("b1", (self.channels1,))]
        if self.channels2:
            shapes += [("W2", (self.channels2, self.channels1, 3, 3)), ("b2", (self.channels2,))]
        return shapes + [("Wd", (self.feature_size, self.n_classes)), ("bd", (self.n_classes,))]

    def label(self) -> str:
        second = f" → conv 3×3×{self.channels2} → ReLU → pool" if self.channels2 else ""
        return f"conv 3×3×{self.channels1} → ReLU → pool{second} → dense {self.n_classes} → softmax"


def init_values(spec: CNNSpec, seed: int = 0) -> dict[str, np.ndarray]:
    """He-normal weights (N(0, 2/fan_in); 1/fan_in for the dense layer) and zero biases."""
    rng = np.random.default_rng(seed)
    values = {}
    for name, shape in spec.param_shapes():
        if name.startswith("b"):
            values[name] = np.zeros(shape, dtype=DTYPE)
            continue
        fan_in = int(np.prod(shape[1:])) if name != "Wd" else shape[0]
        gain = 1.0 if name == "Wd" else 2.0
        values[name] = rng.normal(0.0, np.sqrt(gain / fan_in), size=shape).astype(DTYPE)
    return values


def forward(spec: CNNSpec, x, params: dict):
    """Logits (N, n_classes) for images ``x`` (N, S, S); also returns the first layer's maps."""
    s = spec.image_size
    h = x.reshape((1, _batch(x), s, s))
    maps1 = relu(conv2d(h, params["W1"], padding=1, method=METHOD) + params["b1"][:, None, None, None])
    h = max_pool2d(maps1, 2, route=True)
    if spec.channels2:
        maps2 = relu(conv2d(h, params["W2"], padding=1, method=METHOD) + params["b2"][:, None, None, None])
        h = max_pool2d(maps2, 2, route=True)
    features = h.transpose(1, 0, 2, 3).reshape((_batch(x), spec.feature_size))
    return features @ params["Wd"] + params["bd"], maps1


def _batch(x):
    return x.type.shape[0] if x.type.shape[0] is not None else x.shape[0]


def masked_log_softmax(logits, mask):
    import pytensor.tensor as pt

    return pt.special.log_softmax(logits - _MASKED_LOGIT * (1 - mask), axis=1)


def adam_updates(params: list, grads: list, lr, state_prefix: str) -> tuple[dict, list]:
    """Adam as an update dictionary; returns the updates and the shared state to reset."""
    import pytensor
    import pytensor.tensor as pt

    b1, b2, eps = (pt.constant(ADAM[k], dtype=DTYPE) for k in ("beta1", "beta2", "eps"))
    t = pytensor.shared(np.asarray(0.0, dtype=DTYPE), name=f"{state_prefix}_t")
    t_new = t + 1
    updates, state = {t: t_new}, [t]
    scale = lr * pt.sqrt(1 - b2**t_new) / (1 - b1**t_new)
    for p, g in zip(params, grads):
        zeros = np.zeros(np.shape(p.get_value(borrow=True)), dtype=p.dtype)  # JAX may hand back float64 values
        m = pytensor.shared(zeros, name=f"{state_prefix}_{p.name}_m", shape=zeros.shape)
        v = pytensor.shared(zeros.copy(), name=f"{state_prefix}_{p.name}_v", shape=zeros.shape)
        m_new = b1 * m + (1 - b1) * g
        v_new = b2 * v + (1 - b2) * g**2
        updates[m], updates[v] = m_new, v_new
        updates[p] = p - scale * m_new / (pt.sqrt(v_new) + eps)
        state += [m, v]
    return updates, state


class DigitsCNN:
    """A compiled CNN: shared parameters plus train-step, head-only-step and predict functions.

    Calls are serialised by a lock, so a worker thread can train while another thread
    reads the parameters or classifies a sketch.
    """

    def __init__(self, spec: CNNSpec, backend: Backend, seed: int = 0) -> None:
        import pytensor
        import pytensor.tensor as pt

        self.spec = spec.validated()
        self.backend = backend
        self.lock = threading.RLock()
        s = spec.image_size
        self.params = {
            name: pytensor.shared(value, name=name, shape=value.shape)
            for name, value in init_values(spec, seed).items()
        }
        self._x = pt.tensor("x", dtype=DTYPE, shape=(TRAIN_BATCH, s, s))
        self._y = pt.tensor("y", dtype="int64", shape=(TRAIN_BATCH,))
        self._m = pt.tensor("m", dtype=DTYPE, shape=(TRAIN_BATCH,))
        self._mask = pt.tensor("mask", dtype=DTYPE, shape=(spec.n_classes,))
        self._lr = pt.scalar("lr", dtype=DTYPE)
        logits, _ = forward(spec, self._x, self.params)
        nll = -masked_log_softmax(logits, self._mask)[pt.arange(TRAIN_BATCH), self._y]
        self._loss = pt.sum(self._m * nll) / pt.maximum(pt.sum(self._m), 1)
        self._functions: dict[str, object] = {}
        self._state: dict[str, list] = {}
        self.is_compiled = False

    # -- compiled functions ----------------------------------------------------------------
    def _step_function(self, which: str):
        import pytensor

        if which not in self._functions:
            names = [n for n in self.params if which == "all" or n in ("Wd", "bd")]
            params = [self.params[n] for n in names]
            grads = pytensor.grad(self._loss, params)
            updates, state = adam_updates(params, grads, self._lr, f"adam_{which}")
            self._state[which] = state
            inputs = [self._x, self._y, self._m, self._mask, self._lr]
            self._functions[which] = compile_function(self.backend, inputs, self._loss, updates, name=f"cnn_{which}")
        return self._functions[which]

    def _predict_function(self):
        import pytensor.tensor as pt

        if "predict" not in self._functions:
            s = self.spec.image_size
            x = pt.tensor("xe", dtype=DTYPE, shape=(EVAL_BATCH, s, s))
            logits, _ = forward(self.spec, x, self.params)
            proba = pt.exp(masked_log_softmax(logits, self._mask))
            self._functions["predict"] = compile_function(self.backend, [x, self._mask], proba, name="cnn_predict")
        return self._functions["predict"]

    def compile(self, progress=None) -> None:
        """Compile and warm (first call on dummy data) every function, leaving the values unchanged."""
        saved = self.get_weights()
        steps = ("all", "head", "predict")
        for i, which in enumerate(steps):
            if progress:
                progress(i / len(steps), f"compiling the CNN ({which})")
            with self.lock:
                if which == "predict":
                    self.predict_proba(np.zeros((1, self.spec.image_size, self.spec.image_size)))
                else:
                    self.train_step(np.zeros((1, self.spec.image_size, self.spec.image_size)), np.zeros(1, int),
                                    lr=0.0, head_only=which == "head")
        self.set_weights(saved)
        self.reset_optimizer()
        self.is_compiled = True

    # -- training and inference --------------------------------------------------------------
    def class_mask(self, classes=None) -> np.ndarray:
        mask = np.zeros(self.spec.n_classes, dtype=DTYPE)
        mask[list(range(self.spec.n_classes)) if classes is None else list(classes)] = 1
        return mask

    def train_step(self, x: np.ndarray, y: np.ndarray, lr: float = 0.01, classes=None,
                   head_only: bool = False) -> float:
        """One Adam update on a batch of at most :data:`TRAIN_BATCH` images; the loss before it."""
        n = len(x)
        if n > TRAIN_BATCH:
            raise ValueError(f"a batch holds at most {TRAIN_BATCH} images, got {n}")
        s = self.spec.image_size
        xb = np.zeros((TRAIN_BATCH, s, s), dtype=DTYPE)
        yb = np.zeros(TRAIN_BATCH, dtype=np.int64)
        mb = np.zeros(TRAIN_BATCH, dtype=DTYPE)
        xb[:n], yb[:n], mb[:n] = x, y, 1
        with self.lock:
            step = self._step_function("head" if head_only else "all")
            return float(as_numpy(step(xb, yb, mb, self.class_mask(classes), np.asarray(lr, dtype=DTYPE))))

    def predict_proba(self, x: np.ndarray, classes=None) -> np.ndarray:
        """Class probabilities (N, n_classes) for images (N, S, S), computed in fixed-size chunks."""
        x = np.asarray(x, dtype=DTYPE)
        s = self.spec.image_size
        out = np.zeros((len(x), self.spec.n_classes))
        mask = self.class_mask(classes)
        with self.lock:
            fn = self._predict_function()
            for start in range(0, max(len(x), 1), EVAL_BATCH):
                chunk = x[start : start + EVAL_BATCH]
                padded = np.zeros((EVAL_BATCH, s, s), dtype=DTYPE)
                padded[: len(chunk)] = chunk
                out[start : start + len(chunk)] = as_numpy(fn(padded, mask))[: len(chunk)]
        return out

    def predict(self, x: np.ndarray, classes=None) -> np.ndarray:
        return np.argmax(self.predict_proba(x, classes), axis=1)

    def accuracy(self, x: np.ndarray, y: np.ndarray, classes=None) -> float:
        return float(np.mean(self.predict(x, classes) == np.asarray(y))) if len(y) else float("nan")

    # -- values ------------------------------------------------------------------------------
    def filters(self) -> np.ndarray:
        """The first layer's filters as (channels1, 3, 3)."""
        with self.lock:
            return np.array(self.params["W1"].get_value()[:, 0], dtype=float)

    def get_weights(self) -> dict[str, np.ndarray]:
        with self.lock:
            return {name: np.array(p.get_value()) for name, p in self.params.items()}

    def set_weights(self, values: dict[str, np.ndarray], names=None) -> None:
        """Set the named (default: all) parameters; shapes must match the architecture."""
        shapes = dict(self.spec.param_shapes())
        with self.lock:
            for name in names or shapes:
                value = np.asarray(values[name], dtype=DTYPE)
                if value.shape != shapes[name]:
                    raise ValueError(f"{name} needs shape {shapes[name]}, got {value.shape}")
                self.params[name].set_value(value.copy())

    def reset(self, seed: int = 0, names=None) -> None:
        """New initial values (from ``seed``) for the named (default: all) parameters; fresh Adam state."""
        values = init_values(self.spec, seed)
        self.set_weights(values, names)
        self.reset_optimizer()

    def reset_optimizer(self) -> None:
        with self.lock:
            for state in self._state.values():
                for shared in state:
                    shared.set_value(np.zeros(shared.type.shape, dtype=shared.dtype))
