"""PyTensor graphs as plain nodes and edges a view can draw: as written, and as compiled.

One node per *root* variable (a symbolic input, a shared variable or a constant) and one per
*operation* (an ``Apply`` node). Roles follow the tutorial's colours: inputs, intermediate
operations, outputs, plus shared variables (state) and constants.

"As compiled" is PyTensor's real rewritten graph: the ``FunctionGraph`` that
``pytensor.function(..., mode=mode)`` builds before linking. It is obtained through the same
steps as ``pytensor.function`` but stops before the linker, so no back-end code is generated
(the C linker's compile step alone can take seconds).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.op_labels import describe, short_label, type_text

ROLES = ("input", "shared", "constant", "intermediate", "output")
#: Modes whose rewritten graph can be shown, by the name the user sees.
REWRITE_MODES = {"JAX": "JAX", "NUMBA": "NUMBA", "FAST_COMPILE": "FAST_COMPILE"}


@dataclass(frozen=True)
class GraphNode:
    """One box of the diagram.

    ``label`` is what the box says (``+``, ``σ``, ``a``), ``name`` the user's name for it (``e``),
    ``op`` the full operation and ``types`` one type description per variable the node stands for.
    ``inputs`` are the node ids feeding it, in argument order.
    """

    id: int
    label: str
    role: str
    name: str = ""
    op: str = ""
    types: tuple[str, ...] = ()
    inputs: tuple[int, ...] = ()

    @property
    def is_operation(self) -> bool:
        return self.role in ("intermediate", "output")


@dataclass(frozen=True)
class GraphEdge:
    source: int
    target: int


@dataclass
class ExtractedGraph:
    """Nodes and edges plus, per node, the PyTensor variables it stands for (for evaluation)."""

    kind: str  # "written" or "compiled"
    mode: str  # the rewrites shown ("" for the graph as written)
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    variables: list[list] = field(repr=False, default_factory=list)
    #: The graph's root variables, each mapped to the variable whose value feeds it (itself, or for a
    #: compiled graph the program's input that PyTensor cloned).
    roots: dict = field(repr=False, default_factory=dict)
    outputs: list = field(repr=False, default_factory=list)
    output_names: list[str] = field(default_factory=list)

    @property
    def n_operations(self) -> int:
        return sum(1 for node in self.nodes if node.is_operation)

    def locate(self, variable) -> tuple[int, int] | None:
        """(node id, index among the node's variables) of ``variable``, or None."""
        for node in self.nodes:
            for k, var in enumerate(self.variables[node.id]):
                if var is variable:
                    return node.id, k
        return None

    def roles(self) -> dict[str, str]:
        """Role by node label/name, for tests and summaries: ``{"a": "input", "e": "output", …}``."""
        return {node.name or node.label: node.role for node in self.nodes}


def written_graph(roots: list, outputs: list, output_names: list[str]) -> ExtractedGraph:
    """The graph of ``outputs`` as the program built it (``roots`` are its inputs and shared variables)."""
    return _extract("written", "", roots, outputs, output_names)


def compiled_graph(roots: list, outputs: list, output_names: list[str], mode: str) -> ExtractedGraph:
    """The graph after ``mode``'s rewrites (fusion, constant folding, …), as ``pytensor.function`` compiles it."""
    from pytensor.compile.mode import get_mode
    from pytensor.compile.rebuild import construct_function_ins_and_outs
    from pytensor.compile.sharedvalue import SharedVariable

    explicit = [r for r in roots if not isinstance(r, SharedVariable)]
    ins, outs = construct_function_ins_and_outs(explicit, list(outputs))
    mode_object = get_mode(mode)
    maker = mode_object.function_maker(ins, outs, mode_object, accept_inplace=False, profile=None,
                                       on_unused_input="ignore", name=None, trust_input=False)
    fgraph = maker.fgraph
    # the rewritten graph's inputs are clones of the explicit inputs, followed by the shared variables
    compiled_roots = list(fgraph.inputs)
    graph = _extract("compiled", mode, compiled_roots, list(fgraph.outputs), output_names)
    graph.roots = dict(zip(compiled_roots, [*explicit, *compiled_roots[len(explicit):]]))
    return graph


def _extract(kind: str, mode: str, roots: list, outputs: list, output_names: list[str]) -> ExtractedGraph:
    from pytensor.compile.sharedvalue import SharedVariable
    from pytensor.graph.basic import Constant
    from pytensor.graph.traversal import io_toposort

    applies = io_toposort([], list(outputs))
    output_set = set(outputs)
    names = {var: name for var, name in zip(outputs, output_names)}
    node_of: dict = {}  # variable -> node id
    nodes: list[GraphNode] = []
    variables: list[list] = []
    edges: set[tuple[int, int]] = set()

    def add_root(var) -> int:
        if isinstance(var, SharedVariable):
            role, label = "shared", var.name or "shared"
        elif isinstance(var, Constant):
            role, label = "constant", _constant_label(var)
        else:
            role, label = "input", var.name or "input"
        node_of[var] = len(nodes)
        nodes.append(GraphNode(len(nodes), label, role, name=names.get(var, var.name or ""),
                               types=(type_text(var),)))
        variables.append([var])
        return node_of[var]

    for root in roots:
        add_root(root)
    for apply in applies:
        for var in apply.inputs:
            if var not in node_of and var.owner is None:
                add_root(var)
        inputs = [node_of[var] for var in apply.inputs]
        edges.update((source, len(nodes)) for source in inputs)
        is_output = any(out in output_set for out in apply.outputs)
        name = next((names.get(out) or out.name or "" for out in apply.outputs if names.get(out) or out.name), "")
        for out in apply.outputs:
            node_of[out] = len(nodes)
        nodes.append(GraphNode(len(nodes), short_label(apply.op), "output" if is_output else "intermediate",
                               name=name, op=describe(apply.op), types=tuple(type_text(o) for o in apply.outputs),
                               inputs=tuple(inputs)))
        variables.append(list(apply.outputs))
    for out in outputs:  # an output that is a root itself (e = a) still has its node
        if out not in node_of:
            add_root(out)
    return ExtractedGraph(kind, mode, nodes, [GraphEdge(s, t) for s, t in sorted(edges)], variables,
                          {root: root for root in roots}, list(outputs), list(output_names))


def _constant_label(var) -> str:
    import numpy as np

    data = np.asarray(var.data)
    if data.size == 1:
        value = data.reshape(())[()]
        return f"{value:g}" if np.issubdtype(data.dtype, np.number) else str(value)
    return f"const {'×'.join(map(str, data.shape))}"
