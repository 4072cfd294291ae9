"""Readable names for PyTensor operations and types: short labels for the diagram's boxes and
full descriptions (fused formulas spelled out) for its tooltips."""

from __future__ import annotations

_SYMBOLS = {
    "add": "+", "sub": "−", "mul": "×", "true_divide": "÷", "true_div": "÷", "int_div": "//", "neg": "−x",
    "pow": "xʸ", "sqr": "x²", "sqrt": "√", "abs": "|x|", "exp": "exp", "log": "log", "sigmoid": "σ",
    "tanh": "tanh", "softplus": "softplus", "maximum": "max", "minimum": "min", "second": "fill",
    "identity": "id", "reciprocal": "1/x", "log1p": "log1p", "expm1": "expm1", "switch": "switch",
}
_INFIX = {"add": "+", "sub": "-", "mul": "*", "true_divide": "/", "true_div": "/", "pow": "**", "int_div": "//"}
_SHAPE_OPS = {"DimShuffle": "dimshuffle", "ExpandDims": "expand", "Squeeze": "squeeze", "MatrixTranspose": "ᵀ",
              "Transpose": "ᵀ", "Reshape": "reshape", "Shape": "shape", "Shape_i": "shape", "Subtensor": "x[i]",
              "AdvancedSubtensor1": "x[idx]", "AdvancedSubtensor": "x[idx]", "Alloc": "alloc",
              "AllocEmpty": "alloc_empty", "DeepCopyOp": "copy", "SpecifyShape": "specify_shape",
              "IncSubtensor": "x[i] +=", "AdvancedIncSubtensor1": "x[idx] +=", "Join": "join",
              "MakeVector": "vector", "Cast": "cast", "ViewOp": "view", "OutputGuard": "guard"}
_REDUCE = {"Sum": "Σ", "Prod": "Π", "Max": "max", "Min": "min", "Mean": "mean", "All": "all", "Any": "any"}
_RANKS = ("scalar", "vector", "matrix")


def _scalar_name(scalar_op) -> str:
    return str(getattr(scalar_op, "name", None) or type(scalar_op).__name__).lower()


def short_label(op) -> str:
    """A few characters for a diagram box: ``+``, ``σ``, ``dot``, ``Σ``, ``fused ×3``."""
    kind = type(op).__name__
    scalar_op = getattr(op, "scalar_op", None)
    if kind == "Elemwise" and scalar_op is not None:
        if type(scalar_op).__name__ == "Composite":
            return f"fused ({len(scalar_op.fgraph.apply_nodes)} ops)"
        name = _scalar_name(scalar_op)
        return _SYMBOLS.get(name, name[:12])
    if kind in _REDUCE or (kind == "CAReduce" and scalar_op is not None):
        symbol = _REDUCE.get(kind) or ("Σ" if _scalar_name(scalar_op) == "add"
                                       else f"reduce {short_label_scalar(scalar_op)}")
        axis = getattr(op, "axis", None)
        return symbol if axis is None else f"{symbol} axis {','.join(map(str, axis))}"
    if kind in _SHAPE_OPS:
        return _SHAPE_OPS[kind]
    text = str(op).split("{")[0]
    if kind.startswith(("Dot", "Gemv", "Gemm", "Ger")) or text in ("Matmul", "Dot"):
        return text.lower()
    return text[:14]


def short_label_scalar(scalar_op) -> str:
    if type(scalar_op).__name__ == "Composite":
        return "fused"
    name = _scalar_name(scalar_op)
    return _SYMBOLS.get(name, name)


def describe(op) -> str:
    """What the op computes, with fused (Composite) formulas written out in full."""
    scalar_op = getattr(op, "scalar_op", None)
    if scalar_op is not None and type(scalar_op).__name__ == "Composite":
        formula = composite_formula(scalar_op)
        prefix = "reduce with" if type(op).__name__ == "CAReduce" else "fused elementwise"
        return f"{prefix}: {formula}"
    if type(op).__name__ == "Elemwise" and scalar_op is not None:
        return f"elementwise {_scalar_name(scalar_op)}"
    return str(op)


def composite_formula(composite) -> str:
    """``i0 * i1 + i2`` for the scalar graph inside a fused Composite op (inputs named i0, i1, …)."""
    fgraph = composite.fgraph
    text = {var: f"i{k}" for k, var in enumerate(fgraph.inputs)}
    for node in fgraph.toposort():
        args = []
        for var in node.inputs:
            if var not in text:  # a scalar constant inside the fused op
                text[var] = _number(getattr(var, "data", var))
            args.append(text[var])
        name = _scalar_name(node.op)
        if name in _INFIX and len(args) >= 2:
            formula = "(" + f" {_INFIX[name]} ".join(args) + ")"
        elif name == "neg":
            formula = f"-{args[0]}"
        else:
            formula = f"{name}({', '.join(args)})"
        for out in node.outputs:
            text[out] = formula
    outputs = [text.get(out, "?") for out in fgraph.outputs]
    return ", ".join(o[1:-1] if o.startswith("(") and o.endswith(")") else o for o in outputs)


def _number(value) -> str:
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def type_text(variable, shape: tuple | None = None) -> str:
    """``float64 vector, shape (3,)``: the static type, with the value's shape when one is known."""
    vtype = variable.type
    ndim, dtype = getattr(vtype, "ndim", None), getattr(vtype, "dtype", None)
    if ndim is None or dtype is None:
        return str(vtype)
    rank = _RANKS[ndim] if ndim < len(_RANKS) else f"{ndim}-d tensor"
    if shape is None:
        static = getattr(vtype, "shape", None)
        if static and any(s is not None for s in static):
            return f"{dtype} {rank}, static shape ({', '.join('?' if s is None else str(s) for s in static)})"
        return f"{dtype} {rank}"
    return f"{dtype} {rank}, shape {tuple(int(s) for s in shape)}"
