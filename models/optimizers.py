"""Optimizers as PyTensor update dictionaries, in the style of Lasagne's and PyMC's ``updates.py``:
SGD, momentum, Nesterov momentum, AdaGrad, RMSProp and Adam.

Each builder takes the parameters, their gradients and the symbolic learning rate and returns
an :class:`OptimizerGraph`: the updates, the symbolic hyperparameters it reads (inputs of the
compiled step, so moving a slider never recompiles), and the state it keeps in shared
variables (reset to zeros with the parameters). The optimizer never owns the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class OptimizerGraph:
    """What one optimizer adds to a graph."""

    updates: dict
    #: Symbolic scalars, in the order of the optimizer's ``defaults``.
    hyperparameters: list = field(default_factory=list)
    #: ``(state, param)`` pairs: ``state`` is reset to zeros shaped like ``param``
    #: (a scalar zero where ``param`` is None, e.g. Adam's step counter).
    state: list = field(default_factory=list)


@dataclass(frozen=True)
class OptimizerInfo:
    """A registered optimizer: its builder, its hyperparameters' defaults and its rule for tooltips."""

    name: str
    title: str
    build: Callable[..., OptimizerGraph]
    defaults: dict[str, float]
    rule: str


def _hyperparameter(name: str, lr):
    """A symbolic scalar input of the learning rate's dtype (a compiled step's extra input)."""
    import pytensor.tensor as pt

    return pt.scalar(name, dtype=lr.dtype)


def _zeros_like_shared(param, suffix: str):
    import pytensor

    value = param.get_value(borrow=True)
    return pytensor.shared(np.zeros_like(value), name=f"{param.name}_{suffix}")


def sgd(params: Sequence, grads: Sequence, lr) -> OptimizerGraph:
    """Plain gradient descent: w ← w − α ∇L."""
    return OptimizerGraph({p: p - lr * g for p, g in zip(params, grads)})


def momentum(params: Sequence, grads: Sequence, lr) -> OptimizerGraph:
    """Heavy-ball momentum (Polyak; Lasagne's ``momentum``): v ← βv − α∇L, w ← w + v."""
    beta = _hyperparameter("momentum", lr)
    updates, state = {}, []
    for p, g in zip(params, grads):
        v = _zeros_like_shared(p, "velocity")
        v_new = beta * v - lr * g
        updates[v] = v_new
        updates[p] = p + v_new
        state.append((v, p))
    return OptimizerGraph(updates, [beta], state)


def nesterov(params: Sequence, grads: Sequence, lr) -> OptimizerGraph:
    """Nesterov momentum in Lasagne's form (Sutskever et al. 2013, with the look-ahead folded into w):
    v ← βv − α∇L, w ← w + βv − α∇L (the new v)."""
    beta = _hyperparameter("momentum", lr)
    updates, state = {}, []
    for p, g in zip(params, grads):
        v = _zeros_like_shared(p, "velocity")
        v_new = beta * v - lr * g
        updates[v] = v_new
        updates[p] = p + beta * v_new - lr * g
        state.append((v, p))
    return OptimizerGraph(updates, [beta], state)


def adagrad(params: Sequence, grads: Sequence, lr) -> OptimizerGraph:
    """AdaGrad (Duchi et al. 2011; Goodfellow et al. Alg. 8.4): r ← r + g², w ← w − α g / (ε + √r)."""
    import pytensor.tensor as pt

    eps = _hyperparameter("eps", lr)
    updates, state = {}, []
    for p, g in zip(params, grads):
        r = _zeros_like_shared(p, "sum_sq")
        r_new = r + g**2
        updates[r] = r_new
        updates[p] = p - lr * g / (eps + pt.sqrt(r_new))
        state.append((r, p))
    return OptimizerGraph(updates, [eps], state)


def rmsprop(params: Sequence, grads: Sequence, lr) -> OptimizerGraph:
    """RMSProp (Hinton 2012; Goodfellow et al. Alg. 8.5): r ← ρr + (1 − ρ)g², w ← w − α g / (ε + √r)."""
    import pytensor.tensor as pt

    rho, eps = _hyperparameter("rho", lr), _hyperparameter("eps", lr)
    one = pt.constant(1.0, dtype=lr.dtype)
    updates, state = {}, []
    for p, g in zip(params, grads):
        r = _zeros_like_shared(p, "mean_sq")
        r_new = rho * r + (one - rho) * g**2
        updates[r] = r_new
        updates[p] = p - lr * g / (eps + pt.sqrt(r_new))
        state.append((r, p))
    return OptimizerGraph(updates, [rho, eps], state)


def adam(params: Sequence, grads: Sequence, lr) -> OptimizerGraph:
    """Adam (Kingma & Ba 2015, Algorithm 1): t ← t + 1, m ← β1 m + (1 − β1)g, v ← β2 v + (1 − β2)g²,
    w ← w − α m̂ / (√v̂ + ε) with m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ)."""
    import pytensor
    import pytensor.tensor as pt

    beta1, beta2, eps = (_hyperparameter(name, lr) for name in ("beta1", "beta2", "eps"))
    one = pt.constant(1.0, dtype=lr.dtype)
    t = pytensor.shared(np.zeros((), dtype=lr.dtype), name="adam_t")
    t_new = t + one
    updates, state = {t: t_new}, [(t, None)]
    for p, g in zip(params, grads):
        m = _zeros_like_shared(p, "adam_m")
        v = _zeros_like_shared(p, "adam_v")
        m_new = beta1 * m + (one - beta1) * g
        v_new = beta2 * v + (one - beta2) * g**2
        m_hat = m_new / (one - beta1**t_new)
        v_hat = v_new / (one - beta2**t_new)
        updates[m], updates[v] = m_new, v_new
        updates[p] = p - lr * m_hat / (pt.sqrt(v_hat) + eps)
        state += [(m, p), (v, p)]
    return OptimizerGraph(updates, [beta1, beta2, eps], state)


OPTIMIZERS: dict[str, OptimizerInfo] = {
    "sgd": OptimizerInfo("sgd", "Gradient descent (SGD)", sgd, {}, "w ← w − α ∇L(w)"),
    "momentum": OptimizerInfo(
        "momentum", "Momentum", momentum, {"momentum": 0.9},
        "v ← β·v − α ∇L(w)\nw ← w + v\n(β = 0 is plain gradient descent)"),
    "nesterov": OptimizerInfo(
        "nesterov", "Nesterov momentum", nesterov, {"momentum": 0.9},
        "v ← β·v − α ∇L(w)\nw ← w + β·v − α ∇L(w)\n(the gradient is taken 'after' the momentum step)"),
    "adagrad": OptimizerInfo(
        "adagrad", "AdaGrad", adagrad, {"eps": 1e-7},
        "r ← r + ∇L(w)²\nw ← w − α ∇L(w) / (ε + √r)\n(each weight's step shrinks as its gradients add up)"),
    "rmsprop": OptimizerInfo(
        "rmsprop", "RMSProp", rmsprop, {"rho": 0.9, "eps": 1e-7},
        "r ← ρ·r + (1 − ρ) ∇L(w)²\nw ← w − α ∇L(w) / (ε + √r)\n(a running average instead of AdaGrad's sum)"),
    "adam": OptimizerInfo(
        "adam", "Adam", adam, {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "t ← t + 1\nm ← β1·m + (1 − β1) ∇L(w)\nv ← β2·v + (1 − β2) ∇L(w)²\n"
        "w ← w − α m̂ / (√v̂ + ε),  m̂ = m/(1 − β1ᵗ),  v̂ = v/(1 − β2ᵗ)"),
}

#: Names short enough for legends and narrow controls.
SHORT_TITLES: dict[str, str] = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "AdaGrad",
                                "rmsprop": "RMSProp", "adam": "Adam"}

#: What each hyperparameter is called in the UI and on the command line.
HYPERPARAMETER_LABELS: dict[str, str] = {"momentum": "β (momentum)", "rho": "ρ (decay)", "beta1": "β1",
                                         "beta2": "β2", "eps": "ε"}
#: Allowed ranges (inclusive bounds; the decay rates must stay below 1).
HYPERPARAMETER_RANGES: dict[str, tuple[float, float]] = {"momentum": (0.0, 0.999), "rho": (0.0, 0.999),
                                                         "beta1": (0.0, 0.999), "beta2": (0.0, 0.99999),
                                                         "eps": (1e-12, 1.0)}


def build_optimizer(name: str, params: Sequence, grads: Sequence, lr) -> OptimizerGraph:
    """Build the named optimizer's updates; raise ``KeyError`` for an unknown name."""
    info = OPTIMIZERS[name]
    return info.build(params, grads, lr)


def check_hyperparameters(name: str, values: dict[str, float]) -> dict[str, float]:
    """The optimizer's defaults overridden by ``values``; ``ValueError`` for unknown or out-of-range ones."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    defaults = OPTIMIZERS[name].defaults
    unknown = sorted(set(values) - set(defaults))
    if unknown:
        raise ValueError(f"{OPTIMIZERS[name].title} has no hyperparameter {', '.join(unknown)}")
    chosen = {**defaults, **{k: float(v) for k, v in values.items()}}
    for key, value in chosen.items():
        lo, hi = HYPERPARAMETER_RANGES[key]
        if not lo <= value <= hi:
            raise ValueError(f"{HYPERPARAMETER_LABELS[key]} must be in [{lo:g}, {hi:g}], got {value:g}")
    return chosen
