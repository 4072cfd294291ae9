"""What the Graph tab writes about nodes and values: box titles, value lines, hover texts."""

from __future__ import annotations

import html

import numpy as np

from models.graph_extract import ExtractedGraph, GraphNode
from models.graph_values import NodeValues
from models.op_labels import type_text
from widgets.graph_view import ROLE_NAMES, DiagramNode


def short_value(value) -> str:
    """A value in a few characters: ``18``, ``[1, 2, 3]``, ``64×2 array``."""
    if value is None:
        return ""
    array = np.asarray(value)
    if array.size == 1:
        return _number(array.reshape(()).item())
    if array.ndim == 1 and array.size <= 3:
        return "[" + ", ".join(_number(v) for v in array.tolist()) + "]"
    return "×".join(map(str, array.shape)) + " array"


def full_value(value, limit: int = 12) -> str:
    """A value for a tooltip: all of a small array, the edges and a summary of a large one."""
    array = np.asarray(value)
    if array.size == 1:
        return _number(array.reshape(()).item(), digits=7)
    text = np.array2string(array, precision=5, threshold=limit, edgeitems=3, suppress_small=True,
                           max_line_width=72)
    if array.size > limit and np.issubdtype(array.dtype, np.number):
        finite = array[np.isfinite(array)] if np.issubdtype(array.dtype, np.floating) else array
        if finite.size:
            text += f"\nmin {_number(finite.min())}, mean {_number(finite.mean())}, max {_number(finite.max())}"
    return text


def _number(value, digits: int = 4) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"


def node_title(node: GraphNode) -> str:
    """``e = +`` for a named operation, ``+`` for an unnamed one, the name for a variable."""
    if node.role in ("input", "shared"):
        return node.name or node.label
    if node.role == "constant":
        return node.label
    if node.name and not node.name.startswith("("):
        return f"{node.name} = {node.label}"
    return node.label


def node_tooltip(node: GraphNode, graph: ExtractedGraph, values: NodeValues | None) -> str:
    """Operation, inputs, type and shape, value, and ∂target/∂node for each variable of the node."""
    titles = {n.id: node_title(n) for n in graph.nodes}
    rows = []
    if node.op:
        rows.append(("operation", html.escape(node.op)))
    if node.inputs:
        rows.append(("inputs", ", ".join(html.escape(titles[i]) for i in node.inputs)))
    variables = graph.variables[node.id]
    for k, var in enumerate(variables):
        suffix = f" [{k}]" if len(variables) > 1 else ""
        value = values.value(node.id, k) if values else None
        rows.append((f"type{suffix}", html.escape(type_text(var, None if value is None else np.shape(value)))))
        if value is not None:
            rows.append((f"value{suffix}", _html_value(value)))
        if values is not None and node.role != "constant":
            grad = values.gradient(node.id, k)
            shown = _html_value(grad) if grad is not None else f"— {_why_no_gradient(graph, var)}"
            rows.append((f"∂{html.escape(values.target)}/∂node{suffix}", shown))
    table = "".join(f"<tr><td style='color:#555; padding-right:10px'>{key}</td><td>{text}</td></tr>"
                    for key, text in rows)
    return (f"<b>{html.escape(node_title(node))}</b> &nbsp;<i>{ROLE_NAMES[node.role]}</i>"
            f"<table cellspacing='0' cellpadding='1'>{table}</table>")


def _html_value(value) -> str:
    text = html.escape(full_value(value))
    return f"<pre style='margin:0'>{text}</pre>" if "\n" in text else f"<code>{text}</code>"


def _why_no_gradient(graph: ExtractedGraph, var) -> str:
    if not str(getattr(var.type, "dtype", "")).startswith("float"):
        return "(integers have no gradient)"
    if graph.kind == "compiled":
        return "(not on a path to the output, or an operation here has no gradient)"
    return "(the output does not depend on it)"


def diagram_nodes(graph: ExtractedGraph, values: NodeValues | None) -> list[DiagramNode]:
    return [DiagramNode(n.id, node_title(n), n.role, value_line(n, graph, values), node_tooltip(n, graph, values))
            for n in graph.nodes]


def value_line(node: GraphNode, graph: ExtractedGraph, values: NodeValues | None) -> str:
    """The box's value: of the output it computes when it is an output (fused nodes compute several)."""
    if values is None or node.role == "constant":
        return ""
    variables = graph.variables[node.id]
    index = next((k for k, var in enumerate(variables) if any(var is out for out in graph.outputs)), 0)
    return short_value(values.value(node.id, index))


def outputs_html(program, graph: ExtractedGraph, values: NodeValues | None, inputs: dict, error: str = "") -> str:
    """``f(a = 2, b = 4, c = 10)`` and one line per output: ``e = 18``, ``de_da = ∂e/∂a = 4``."""
    call = ", ".join(f"{s.name} = {short_value(inputs.get(s.name))}" for s in program.inputs if not s.shared)
    lines = [f"<span style='color:#555'>f({html.escape(call)})</span>"]
    if error:
        lines.append(f"<span style='color:#b00020'>{html.escape(error)}</span>")
    for var, name in zip(graph.outputs, graph.output_names):
        where = graph.locate(var)
        value = values.value(*where) if values is not None and where is not None else None
        described = program.describe_output(name)
        label = name if described == name else f"{name} = {described}"
        shown = "—" if value is None else full_value(value)
        lines.append(f"<b>{html.escape(label)}</b> = <code>{html.escape(shown)}</code>".replace("\n", "<br>"))
    return "<br>".join(lines)
