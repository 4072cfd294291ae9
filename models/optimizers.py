"""Optimizers as PyTensor update dictionaries, in the style of Lasagne's and PyMC's ``updates.py``.

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


OPTIMIZERS: dict[str, OptimizerInfo] = {
    "sgd": OptimizerInfo("sgd", "Gradient descent (SGD)", sgd, {}, "w ← w − α ∇L(w)"),
}


def build_optimizer(name: str, params: Sequence, grads: Sequence, lr) -> OptimizerGraph:
    """Build the named optimizer's updates; raise ``KeyError`` for an unknown name."""
    info = OPTIMIZERS[name]
    return info.build(params, grads, lr)
