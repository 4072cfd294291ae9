"""The value of every node of an extracted graph, and the gradient of an output with respect to it.

Values and gradients of the graph *as written* come from one compiled PyTensor function (mode
``FAST_COMPILE``: Python implementations, no code generation, ~10 ms to compile a small graph)
whose outputs are every intermediate variable plus ``pytensor.grad(target, [every variable])``.
The root variables (inputs *and* shared variables) are replaced by fresh symbolic inputs, so a
caller passes a snapshot of every value and the function never reads live shared state — it
can run on a worker thread while the playground trains.

The graph *as compiled* is evaluated node by node with each operation's reference
implementation (``Op.perform``): the point is to show what each rewritten node holds. PyTensor
cannot differentiate fused ``Composite`` nodes, so for gradients the rewritten graph is
rebuilt with every fused node expanded back into elementwise operations (a numerically
identical twin) and differentiated there; nodes whose operation has no gradient show none.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from models.graph_extract import ExtractedGraph

EVAL_MODE = "FAST_COMPILE"


class EvaluationError(ValueError):
    """The graph could not be computed for these values (e.g. shapes that do not match)."""


@dataclass
class NodeValues:
    """Per node id: one value per variable the node stands for, and ∂target/∂ that variable
    (``None`` where the variable does not influence the target or has no gradient)."""

    values: dict[int, list[np.ndarray]] = field(default_factory=dict)
    gradients: dict[int, list[np.ndarray | None]] = field(default_factory=dict)
    target: str = ""
    seconds: float = 0.0

    def value(self, node_id: int, index: int = 0) -> np.ndarray | None:
        entry = self.values.get(node_id)
        return entry[index] if entry and index < len(entry) else None

    def gradient(self, node_id: int, index: int = 0) -> np.ndarray | None:
        entry = self.gradients.get(node_id)
        return entry[index] if entry and index < len(entry) else None


def _is_float(var) -> bool:
    return str(getattr(var.type, "dtype", "")).startswith("float")


class GraphEvaluator:
    """Computes :class:`NodeValues` of one :class:`ExtractedGraph` for given root values.

    ``target`` is the index of the output whose gradient is shown (summed when not a scalar).
    Building the evaluator compiles; :meth:`evaluate` only calls.
    """

    def __init__(self, graph: ExtractedGraph, target: int = 0) -> None:
        from pytensor.graph.traversal import ancestors

        self.graph = graph
        self.target_index = min(max(target, 0), len(graph.outputs) - 1)
        target_var = graph.outputs[self.target_index]
        name = graph.output_names[self.target_index] if graph.output_names else "output"
        self.target_label = name if target_var.ndim == 0 else f"Σ {name}"
        self.roots = list(graph.roots)
        self.operations = [n for n in graph.nodes if n.is_operation and graph.variables[n.id][0].owner is not None]
        upstream = set(ancestors([target_var]))
        self.wrt = [(n.id, k, v) for n in graph.nodes if n.role != "constant"
                    for k, v in enumerate(graph.variables[n.id]) if v in upstream and _is_float(v)]
        self._values_fn = None
        self._grad_keys: list[tuple[int, int]] = []
        if graph.kind == "written":
            self._compile_written(target_var)
        else:
            self._compile_twin_gradients(target_var)

    # -- compiling -----------------------------------------------------------------------------
    def _function(self, outputs: list):
        import pytensor
        from pytensor.graph.replace import clone_replace

        fresh = {root: root.type() for root in self.roots}
        cloned = clone_replace(outputs, replace=fresh) if outputs else []
        return pytensor.function(list(fresh.values()), cloned, mode=EVAL_MODE, on_unused_input="ignore")

    def _gradients(self, cost, wrt: list[tuple[int, int, object]]):
        """``(kept keys, gradient variables)``: all at once, else one by one, skipping ops without a gradient."""
        import pytensor

        scalar = cost if cost.ndim == 0 else cost.sum()
        variables = [v for _, _, v in wrt]
        try:
            grads = pytensor.grad(scalar, variables, disconnected_inputs="ignore")
            return [(i, k) for i, k, _ in wrt], list(grads)
        except Exception:  # some op on the way has no gradient: keep the variables that do
            keys, grads = [], []
            for i, k, v in wrt:
                try:
                    grads.append(pytensor.grad(scalar, v, disconnected_inputs="ignore"))
                    keys.append((i, k))
                except Exception:
                    continue
            return keys, grads

    def _compile_written(self, target_var) -> None:
        values = [v for n in self.operations for v in self.graph.variables[n.id]]
        self._grad_keys, grads = self._gradients(target_var, self.wrt)
        self._values_fn = self._function(values + grads)
        self._n_values = len(values)

    def _compile_twin_gradients(self, target_var) -> None:
        twin = _differentiable_twin(self.graph)
        wrt = [(i, k, twin[v]) for i, k, v in self.wrt if v in twin]
        try:
            self._grad_keys, grads = self._gradients(twin[target_var], wrt)
            self._values_fn = self._function(grads)
        except Exception:  # an op PyTensor cannot rebuild or compile here: values only
            self._grad_keys, self._values_fn = [], None
        self._n_values = 0

    # -- evaluating ----------------------------------------------------------------------------
    def evaluate(self, root_values: dict) -> NodeValues:
        """Values keyed by the *program's* root variables (``graph.roots`` maps clones to them)."""
        start = time.perf_counter()
        inputs = []
        for root, source in self.graph.roots.items():
            if source not in root_values:
                raise EvaluationError(f"no value for {source.name or source}")
            inputs.append(np.asarray(root_values[source]))
        result = NodeValues(target=self.target_label)
        graph = self.graph
        for node in graph.nodes:
            if node.role in ("input", "shared"):
                result.values[node.id] = [inputs[self.roots.index(graph.variables[node.id][0])]]
            elif node.role == "constant":
                result.values[node.id] = [np.asarray(graph.variables[node.id][0].data)]
        try:
            with np.errstate(all="ignore"):
                if graph.kind == "written":
                    outputs = self._values_fn(*inputs)
                    flat = iter(outputs[: self._n_values])
                    for node in self.operations:
                        result.values[node.id] = [np.asarray(next(flat)) for _ in graph.variables[node.id]]
                    grads = outputs[self._n_values:]
                else:
                    self._interpret(dict(zip(self.roots, inputs)), result)
                    grads = self._values_fn(*inputs) if self._values_fn is not None else []
        except Exception as error:
            raise EvaluationError(_first_line(error)) from None
        for node in graph.nodes:
            result.gradients[node.id] = [None] * len(graph.variables[node.id])
        for (node_id, k), grad in zip(self._grad_keys, grads):
            result.gradients[node_id][k] = np.asarray(grad)
        result.seconds = time.perf_counter() - start
        return result

    def _interpret(self, values: dict, result: NodeValues) -> None:
        from pytensor.graph.traversal import io_toposort

        for apply in io_toposort([], list(self.graph.outputs)):
            args = [np.array(values[v] if v in values else v.data, copy=True) for v in apply.inputs]
            storage = [[None] for _ in apply.outputs]
            apply.op.perform(apply, args, storage)
            for out, cell in zip(apply.outputs, storage):
                values[out] = np.asarray(cell[0])
        for node in self.operations:
            result.values[node.id] = [values[v] for v in self.graph.variables[node.id]]


def _differentiable_twin(graph: ExtractedGraph) -> dict:
    """Variable → an equivalent variable PyTensor can differentiate (fused nodes expanded, no in-place ops)."""
    from pytensor.graph.traversal import io_toposort
    from pytensor.tensor.elemwise import Elemwise

    twin = {root: root for root in graph.roots}
    for apply in io_toposort([], list(graph.outputs)):
        inputs = [twin.get(v, v) for v in apply.inputs]
        op = apply.op
        scalar_op = getattr(op, "scalar_op", None)
        if isinstance(op, Elemwise) and type(scalar_op).__name__ == "Composite":
            outputs = _expand_composite(scalar_op, inputs)
        elif isinstance(op, Elemwise):
            made = Elemwise(scalar_op)(*inputs)
            outputs = made if isinstance(made, list) else [made]
        else:
            outputs = op.make_node(*inputs).outputs
        for old, new in zip(apply.outputs, outputs):
            twin[old] = new
    return twin


def _expand_composite(composite, inputs: list) -> list:
    import pytensor.tensor as pt
    from pytensor.tensor.elemwise import Elemwise

    tensors = dict(zip(composite.fgraph.inputs, inputs))
    for node in composite.fgraph.toposort():
        args = [tensors[v] if v in tensors else pt.constant(np.asarray(v.data)) for v in node.inputs]
        made = Elemwise(node.op)(*args)
        for out, value in zip(node.outputs, made if isinstance(made, list) else [made]):
            tensors[out] = value
    return [tensors[out] for out in composite.fgraph.outputs]


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__)[:300]
