"""Programs of the Graph tab's expression language, built into PyTensor variables.

A program declares symbolic inputs (``a = scalar()``, ``x = vector()``, ``W = matrix()``,
which get their values at call time) and shared variables (``w = shared([1, 2])``, which hold
state), then computes with ``+ - * / ** @``, ``dot``, ``exp``, ``log``, ``sigmoid``, ``tanh``,
``sqrt``, ``abs``, ``sum``, ``mean`` and ``grad(expr, var)`` (:func:`pytensor.grad`). The
results that no later line uses are the program's outputs (``grad(e, a)`` does not count as a
use of ``e``, so the tutorial's ``e`` and ``de/da`` are both outputs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models.expression_parser import (MAX_ELEMENTS, Array, Binary, Call, ExpressionError, Name, Num, Unary,
                                      error_at, parse_program, parse_value)

EXAMPLE_TEXT = "a = scalar(); b = scalar(); c = scalar()\ne = a*b + c\nde_da = grad(e, a)\n"
EXAMPLE_VALUES = {"a": 2.0, "b": 4.0, "c": 10.0}
MAX_EXPONENT = 100
MAX_OPERATIONS = 400
KINDS = {"scalar": 0, "vector": 1, "matrix": 2}
_DEFAULTS = {0: np.array(1.0), 1: np.array([1.0, 2.0, 3.0]), 2: np.array([[1.0, 2.0], [3.0, 4.0]])}
UNARY = ("exp", "log", "sigmoid", "tanh", "sqrt", "abs")
FUNCTIONS = (*KINDS, "shared", "dot", *UNARY, "sum", "mean", "grad")
HELP = (
    "Inputs: a = scalar()  x = vector()  W = matrix()  — a default: scalar(2)\n"
    "State: w = shared([1, 2, 3])\n"
    "Operators: + − × ÷ ** @    Functions: dot exp log sigmoid tanh sqrt abs, sum(x[, axis]), "
    "mean(x[, axis]), grad(expr, var)\n"
    "Outputs (green) are the results no later line uses. Ctrl+Enter evaluates."
)


@dataclass(frozen=True)
class InputSpec:
    """A symbolic input or a shared variable, with the value it starts with."""

    name: str
    ndim: int
    default: np.ndarray
    shared: bool = False

    @property
    def kind(self) -> str:
        return ("shared " if self.shared else "") + list(KINDS)[self.ndim]


@dataclass
class Program:
    """A built program: its variables by name, its roots (inputs then shared) and its outputs."""

    text: str
    inputs: list[InputSpec] = field(default_factory=list)
    variables: dict = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    gradients: dict[str, tuple[str, str]] = field(default_factory=dict)

    def root_variables(self) -> list:
        return [self.variables[spec.name] for spec in self.inputs]

    def output_variables(self) -> list:
        return [self.variables[name] for name in self.outputs]

    def describe_output(self, name: str) -> str:
        """``de_da`` → ``∂e/∂a`` for gradients, the name itself otherwise."""
        if name in self.gradients:
            of, wrt = self.gradients[name]
            return f"∂{of}/∂{wrt}"
        return name

    def coerce(self, name: str, value) -> np.ndarray:
        """The value for input ``name`` as float64 of the declared rank, or :class:`ExpressionError`."""
        spec = next(s for s in self.inputs if s.name == name)
        array = parse_value(value) if isinstance(value, str) else np.asarray(value, dtype=float)
        if array.ndim != spec.ndim:
            raise ExpressionError(f"{name} is a {list(KINDS)[spec.ndim]}: it needs {_rank_hint(spec.ndim)}")
        if array.size > MAX_ELEMENTS:
            raise ExpressionError(f"{name} is too large (at most {MAX_ELEMENTS} numbers)")
        return np.array(array, dtype=np.float64)


def _rank_hint(ndim: int) -> str:
    return ("one number", "a list like [1, 2, 3]", "a list of rows like [[1, 2], [3, 4]]")[ndim]


def build_program(text: str) -> Program:
    """Parse ``text`` and build its PyTensor graph; :class:`ExpressionError` (with a position) if it cannot be."""
    return _Builder(text).build()


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.program = Program(text)
        self.used: dict[str, int] = {}

    def error(self, node, message: str) -> ExpressionError:
        return error_at(self.text, node.offset, message)

    def build(self) -> Program:
        program = self.program
        statements = parse_program(self.text)
        results: list[str] = []
        for number, statement in enumerate(statements, start=1):
            name = statement.target or f"out{number}"
            if name in program.variables:
                raise error_at(self.text, statement.offset, f"{name} is already defined; use another name")
            if name in FUNCTIONS:
                raise error_at(self.text, statement.offset, f"{name} is a function name; use another name")
            value = statement.value
            if isinstance(value, Call) and value.func in (*KINDS, "shared"):
                program.variables[name] = self.declare(name, value)
                continue
            variable = self.expr(value)
            if variable.owner is not None and variable.name is None:
                variable.name = name
            program.variables[name] = variable
            if isinstance(value, Call) and value.func == "grad" and isinstance(value.args[0], Name):
                program.gradients[name] = (value.args[0].id, value.args[1].id)
            results.append(name)
            self.check_size(statement)
        program.outputs = [name for name in results if name not in self.used]
        if not program.outputs:
            raise ExpressionError("nothing to compute: add a line such as  e = a*b + c", 1, 1, 0)
        return program

    def check_size(self, statement) -> None:
        from pytensor.graph.traversal import io_toposort

        count = len(io_toposort([], list(self.program.variables.values())))
        if count > MAX_OPERATIONS:
            raise error_at(self.text, statement.offset,
                           f"the graph has {count} operations; at most {MAX_OPERATIONS} can be shown")

    # -- declarations -------------------------------------------------------------------------
    def declare(self, name: str, call: Call):
        import pytensor
        import pytensor.tensor as pt

        if len(call.args) > 1 or (call.func == "shared" and len(call.args) != 1):
            takes = "one value" if call.func == "shared" else "at most one default value"
            raise self.error(call, f"{call.func}() takes {takes}")
        default = self.literal(call.args[0]) if call.args else None
        if call.func == "shared":
            variable = pytensor.shared(default, name=name)
            self.program.inputs.append(InputSpec(name, default.ndim, default, shared=True))
            return variable
        ndim = KINDS[call.func]
        if default is None:
            default = _DEFAULTS[ndim]
        elif default.ndim != ndim:
            raise self.error(call.args[0], f"a {call.func} needs {_rank_hint(ndim)} as its default")
        self.program.inputs.append(InputSpec(name, ndim, default))
        return pt.tensor(name=name, dtype="float64", shape=(None,) * ndim)

    def literal(self, node) -> np.ndarray:
        if isinstance(node, Unary) and node.op == "-" and isinstance(node.operand, Num):
            return np.array(-node.operand.value)
        if isinstance(node, Num):
            return np.array(node.value)
        if isinstance(node, Array):
            return np.array(node.value)
        raise self.error(node, "a default or shared value must be a number or a list of numbers")

    # -- expressions --------------------------------------------------------------------------
    def expr(self, node):
        import pytensor.tensor as pt

        if isinstance(node, (Num, Array)):
            return pt.constant(np.asarray(node.value, dtype=np.float64))
        if isinstance(node, Name):
            return self.name(node)
        if isinstance(node, Unary):
            operand = self.expr(node.operand)
            return -operand if node.op == "-" else operand
        if isinstance(node, Binary):
            return self.binary(node)
        return self.call(node)

    def name(self, node: Name):
        variable = self.program.variables.get(node.id)
        if variable is None:
            if node.id in FUNCTIONS:
                raise self.error(node, f"{node.id} is a function: call it, e.g. {node.id}(x)")
            hint = f"; declare it first: {node.id} = scalar()" if node.id.isidentifier() else ""
            raise self.error(node, f"unknown name {node.id!r}{hint}")
        self.used[node.id] = node.offset
        return variable

    def binary(self, node: Binary):
        import pytensor.tensor as pt

        if node.op == "**":
            self.check_exponent(node.right)
        left, right = self.expr(node.left), self.expr(node.right)
        try:
            if node.op == "+":
                return left + right
            if node.op == "-":
                return left - right
            if node.op == "*":
                return left * right
            if node.op == "/":
                return left / right
            if node.op == "@":
                return pt.dot(left, right)
            return left**right
        except Exception as error:  # PyTensor's type errors, e.g. incompatible broadcasting
            raise self.error(node, f"cannot apply {node.op}: {_short(error)}") from None

    def check_exponent(self, node) -> None:
        value = None
        if isinstance(node, Num):
            value = node.value
        elif isinstance(node, Unary) and isinstance(node.operand, Num):
            value = node.operand.value
        if value is not None:
            if abs(value) > MAX_EXPONENT:
                raise self.error(node, f"the exponent {value:g} is too large (at most {MAX_EXPONENT})")
        elif not self.depends_on_name(node):
            raise self.error(node, f"an exponent must be a plain number (at most {MAX_EXPONENT}) "
                                   "or depend on a variable")

    def depends_on_name(self, node) -> bool:
        if isinstance(node, Name):
            return True
        children = {Unary: lambda n: [n.operand], Binary: lambda n: [n.left, n.right], Call: lambda n: list(n.args)}
        get = children.get(type(node))
        return bool(get) and any(self.depends_on_name(child) for child in get(node))

    def call(self, node: Call):
        import pytensor.tensor as pt

        func, args = node.func, node.args
        if func in (*KINDS, "shared"):
            raise self.error(node, f"{func}() declares a variable: write it on its own line, as  name = {func}()")
        if func not in FUNCTIONS:
            raise self.error(node, f"unknown function {func!r}; available: {', '.join(FUNCTIONS[4:])}")
        if func == "grad":
            return self.grad(node)
        arity = {"dot": (2, 2), "sum": (1, 2), "mean": (1, 2)}.get(func, (1, 1))
        if not arity[0] <= len(args) <= arity[1]:
            count = f"{arity[0]}" if arity[0] == arity[1] else f"{arity[0]} or {arity[1]}"
            raise self.error(node, f"{func}() takes {count} argument{'s' if arity[1] > 1 else ''}")
        values = [self.expr(a) for a in args[: 1 if func in ("sum", "mean") else 2]]
        try:
            if func == "dot":
                return pt.dot(*values)
            if func in ("sum", "mean"):
                axis = self.axis(args[1], values[0].ndim) if len(args) == 2 else None
                return getattr(pt, func)(values[0], axis=axis)
            return {"exp": pt.exp, "log": pt.log, "sigmoid": pt.sigmoid, "tanh": pt.tanh, "sqrt": pt.sqrt,
                    "abs": pt.abs}[func](values[0])
        except ExpressionError:
            raise
        except Exception as error:
            raise self.error(node, f"{func}(): {_short(error)}") from None

    def axis(self, node, ndim: int) -> int:
        if not isinstance(node, Num) or node.value != int(node.value) or not 0 <= node.value < max(ndim, 1):
            raise self.error(node, f"the axis must be a whole number from 0 to {max(ndim - 1, 0)}")
        return int(node.value)

    def grad(self, node: Call):
        import pytensor

        if len(node.args) != 2 or not isinstance(node.args[1], Name):
            raise self.error(node, "grad takes an expression and a variable name: grad(e, a)")
        of_node, wrt_node = node.args
        wrt = self.program.variables.get(wrt_node.id)
        if wrt is None:
            raise self.error(wrt_node, f"unknown name {wrt_node.id!r}")
        used_before = dict(self.used)
        cost = self.expr(of_node)
        if isinstance(of_node, Name):
            self.used = used_before  # grad(e, a) keeps e an output
        if cost.ndim != 0:
            raise self.error(of_node, f"grad needs a scalar; this has {cost.ndim} dimension(s): try grad(sum(...), "
                                      f"{wrt_node.id})")
        try:
            return pytensor.grad(cost, wrt, disconnected_inputs="ignore")
        except Exception as error:
            raise self.error(node, f"grad: {_short(error)}") from None


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]
