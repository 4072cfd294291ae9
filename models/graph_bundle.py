"""One graph ready to show: as written and as compiled, each with its evaluator, plus timings.

Building a bundle compiles (PyTensor rewrites and the ``FAST_COMPILE`` evaluation functions), so
the Graph tab builds bundles in a worker; evaluating one only calls the compiled functions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from models.graph_extract import ExtractedGraph, compiled_graph, written_graph
from models.graph_values import GraphEvaluator, NodeValues


@dataclass
class GraphBundle:
    """Both views of one graph; ``source`` is what it was built from (a program, a classifier)."""

    title: str
    written: ExtractedGraph
    compiled: ExtractedGraph
    written_evaluator: GraphEvaluator
    compiled_evaluator: GraphEvaluator
    mode: str
    target: int = 0
    source: object = None
    timings: dict[str, float] = field(default_factory=dict)

    def view(self, kind: str) -> ExtractedGraph:
        return self.written if kind == "written" else self.compiled


@dataclass
class BundleValues:
    """The node values of both views for one set of root values."""

    written: NodeValues
    compiled: NodeValues
    seconds: float = 0.0

    def view(self, kind: str) -> NodeValues:
        return self.written if kind == "written" else self.compiled


def make_bundle(title: str, roots: list, outputs: list, output_names: list[str], mode: str,
                target: int = 0, source: object = None) -> GraphBundle:
    """Extract both views and compile their evaluators (seconds each step took go in ``timings``)."""
    timings = {}
    start = time.perf_counter()
    written = written_graph(roots, outputs, output_names)
    timings["extract"] = time.perf_counter() - start
    start = time.perf_counter()
    compiled = compiled_graph(roots, outputs, output_names, mode)
    timings["rewrite"] = time.perf_counter() - start
    start = time.perf_counter()
    written_evaluator = GraphEvaluator(written, target)
    compiled_evaluator = GraphEvaluator(compiled, target)
    timings["compile"] = time.perf_counter() - start
    return GraphBundle(title, written, compiled, written_evaluator, compiled_evaluator, mode, target, source,
                       timings)


def evaluate_bundle(bundle: GraphBundle, root_values: dict) -> BundleValues:
    """Values and gradients of every node in both views (raises ``EvaluationError``)."""
    start = time.perf_counter()
    written = bundle.written_evaluator.evaluate(root_values)
    compiled = bundle.compiled_evaluator.evaluate(root_values)
    return BundleValues(written, compiled, time.perf_counter() - start)
