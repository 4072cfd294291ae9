"""The Graph tab's background work: building and compiling a graph, and evaluating it.

Each ``*_job`` returns a function for :class:`~app.workers.TaskRunner`; it gets everything it
needs as arguments (values are snapshots taken on the GUI thread), touches no widget, and
returns a result object. Errors the user can fix come back as results, not exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models.expression_parser import ExpressionError
from models.expressions import Program, build_program
from models.graph_bundle import BundleValues, GraphBundle, evaluate_bundle, make_bundle
from models.graph_values import EvaluationError
from models.model_graph import model_graph


@dataclass
class BuildFailed:
    """The program text could not be built; ``error`` carries the position."""

    error: ExpressionError


@dataclass
class Built:
    """A new graph, and (unless ``error``) its values for ``inputs``."""

    bundle: GraphBundle
    values: BundleValues | None
    inputs: dict[str, np.ndarray] = field(default_factory=dict)
    error: str = ""
    origin: str = "expression"  # or "model"


@dataclass
class Evaluated:
    bundle: GraphBundle
    values: BundleValues | None
    inputs: dict[str, np.ndarray] = field(default_factory=dict)
    error: str = ""
    origin: str = "expression"  # or "model"


def program_inputs(program: Program, wanted: dict[str, np.ndarray],
                   previous: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """The value of each input: the one the user gave while its declaration stays the same, else its default.

    ``previous`` holds the defaults the last program declared: an input whose declared default
    changed (``scalar()`` became ``scalar(0.1)``) takes the new default; without ``previous``
    (the first program) every value the caller wants is kept when its rank fits.
    """
    values = {}
    for spec in program.inputs:
        value = wanted.get(spec.name)
        old_default = None if previous is None else previous.get(spec.name)
        same_declaration = previous is None or (old_default is not None and np.shape(old_default) == np.shape(
            spec.default) and np.array_equal(old_default, spec.default))
        keep = value is not None and np.ndim(value) == spec.ndim and same_declaration
        values[spec.name] = value if keep else spec.default
    return values


def _evaluate(bundle: GraphBundle, root_values: dict) -> tuple[BundleValues | None, str]:
    try:
        return evaluate_bundle(bundle, root_values), ""
    except EvaluationError as error:
        return None, f"Cannot evaluate with these values: {error}"


def build_program_job(text: str, wanted: dict[str, np.ndarray], mode: str, target: str,
                      previous: dict[str, np.ndarray] | None = None):
    """Parse, build, rewrite, compile and evaluate a program (``target``: the output whose gradient to show)."""

    def job(ctx):
        ctx.progress(-1, "Building the graph…")
        try:
            program = build_program(text)
        except ExpressionError as error:
            return BuildFailed(error)
        ctx.check()
        ctx.progress(-1, f"Compiling (FAST_COMPILE) and rewriting ({mode})…")
        index = program.outputs.index(target) if target in program.outputs else 0
        bundle = make_bundle(_title(text), program.root_variables(), program.output_variables(), program.outputs,
                             mode, index, source=program)
        ctx.check()
        inputs = program_inputs(program, wanted, previous)
        values, error = _evaluate(bundle, {program.variables[n]: v for n, v in inputs.items()})
        return Built(bundle, values, inputs, error)

    return job


def evaluate_program_job(bundle: GraphBundle, inputs: dict[str, np.ndarray]):
    program: Program = bundle.source

    def job(ctx):
        values, error = _evaluate(bundle, {program.variables[n]: v for n, v in inputs.items()})
        return Evaluated(bundle, values, inputs, error)

    return job


def build_model_job(classifier, kind: str, mode: str, root_values: dict):
    """The cost or gradient graph of the playground's classifier, evaluated at a snapshot of its values."""

    def job(ctx):
        ctx.progress(-1, f"Building the model's {kind} graph…")
        graph = model_graph(classifier, kind)
        bundle = make_bundle(graph.title, graph.roots, graph.outputs, graph.output_names, mode, 0,
                             source=classifier)
        ctx.check()
        values, error = _evaluate(bundle, root_values)
        return Built(bundle, values, {}, error, origin="model")

    return job


def evaluate_model_job(bundle: GraphBundle, root_values: dict):
    def job(ctx):
        values, error = _evaluate(bundle, root_values)
        return Evaluated(bundle, values, {}, error, origin="model")

    return job


def _title(text: str) -> str:
    lines = [line.strip() for line in text.replace(";", "\n").splitlines() if line.strip()]
    computed = [line for line in lines if "=" in line and "scalar(" not in line and "vector(" not in line
                and "matrix(" not in line and "shared(" not in line and not line.startswith("#")]
    shown = "; ".join(computed[:3]) + ("; …" if len(computed) > 3 else "")
    return shown[:120] or "Program"
