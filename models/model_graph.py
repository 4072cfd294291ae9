"""The playground model's own graphs, for the Graph tab: the cost graph and the gradient graph of
the very :class:`~models.classifiers.Classifier` being trained, with its current values.

The cost Descida minimises is the cross-entropy of σ(z) written stably as softplus(z) − y·z, so
σ does not occur in it; the cost graph therefore also shows ŷ = σ(z) built on the *same* z
variable (the input of the cost's softplus), as the playground's probability function does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRAPH_KINDS = ("cost", "gradient")


@dataclass
class ModelGraph:
    """Roots (inputs, then shared parameters), outputs and their names; the first output is the cost."""

    title: str
    roots: list
    outputs: list
    output_names: list[str]


def model_graph(classifier, kind: str = "cost") -> ModelGraph:
    """The cost graph ``[L, ŷ]`` or the gradient graph ``[L, ∂L/∂θ…]`` of ``classifier``."""
    import pytensor.tensor as pt

    if kind not in GRAPH_KINDS:
        raise ValueError(f"unknown graph {kind!r}; choose one of {', '.join(GRAPH_KINDS)}")
    roots = [classifier.x, classifier.y, classifier.m, classifier.l2, *classifier.params]
    if classifier.exponents is not None:
        roots.append(classifier.exponents)
    cost = classifier.cost
    outputs, names = [cost], ["L"]
    if kind == "cost":
        z = find_logits(cost)
        if z is not None:
            outputs.append(pt.sigmoid(z))
            names.append("ŷ")
        title = f"{classifier.spec.label()}: cost L"
    else:
        outputs += list(classifier.grads)
        names += [f"∂L/∂{p.name}" for p in classifier.params]
        title = f"{classifier.spec.label()}: L and its gradient ∂L/∂θ"
    return ModelGraph(title, roots, outputs, names)


def find_logits(cost):
    """z, the input of the cost's softplus (None if the cost is built some other way)."""
    from pytensor.graph.traversal import io_toposort

    for apply in io_toposort([], [cost]):
        scalar_op = getattr(apply.op, "scalar_op", None)
        if scalar_op is not None and type(scalar_op).__name__.lower() == "softplus":
            return apply.inputs[0]
    return None


def model_root_values(trainer) -> dict:
    """A snapshot (copies) of every root's value: the padded data, λ, and the current parameters."""
    classifier = trainer.classifier
    x, y, m = trainer.padded_data()
    values = {classifier.x: np.array(x), classifier.y: np.array(y), classifier.m: np.array(m),
              classifier.l2: np.array(float(trainer.config.l2))}
    for param in classifier.params:
        values[param] = np.array(param.get_value())
    if classifier.exponents is not None:
        values[classifier.exponents] = np.array(classifier.exponents.get_value())
    return values
