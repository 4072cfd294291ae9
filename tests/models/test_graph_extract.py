"""Graphs as written and as compiled: roles, rewrites, values, gradients, the model's own graph, layout."""

from __future__ import annotations

import numpy as np
import pytest

from models.classifiers import ModelSpec, init_values
from models.expressions import EXAMPLE_TEXT, EXAMPLE_VALUES, build_program
from models.graph_bundle import evaluate_bundle, make_bundle
from models.graph_extract import compiled_graph, written_graph
from models.graph_layout import layered_layout, layers_for
from models.graph_values import GraphEvaluator
from models.model_graph import model_graph, model_root_values
from models.training import Trainer

MODES = ["JAX", "NUMBA", "FAST_COMPILE"]


def program_graphs(text: str, mode: str = "JAX"):
    program = build_program(text)
    args = (program.root_variables(), program.output_variables(), program.outputs)
    return program, written_graph(*args), compiled_graph(*args, mode)


def roles_by_title(graph) -> dict[str, set[str]]:
    roles: dict[str, set[str]] = {}
    for node in graph.nodes:
        roles.setdefault(node.name or node.label, set()).add(node.role)
    return roles


def test_tutorial_graph_roles_and_structure():
    _, graph, _ = program_graphs(EXAMPLE_TEXT)
    roles = roles_by_title(graph)
    assert roles["a"] == roles["b"] == roles["c"] == {"input"}
    assert roles["e"] == roles["de_da"] == {"output"}
    assert roles["×"] == {"intermediate"}  # a*b, unnamed
    times = next(n for n in graph.nodes if n.label == "×" and n.role == "intermediate")
    ids = {n.name: n.id for n in graph.nodes if n.name}
    assert set(times.inputs) == {ids["a"], ids["b"]}
    assert (times.id, ids["e"]) in {(e.source, e.target) for e in graph.edges}


@pytest.mark.parametrize("text, expected", [
    ("x = vector(); w = shared([1, 2, 3])\ny = dot(w, x)\n", {"x": "input", "w": "shared", "y": "output"}),
    ("a = scalar(); s = shared(0.5)\nz = a * s\nq = exp(z) + 2\n",
     {"a": "input", "s": "shared", "z": "intermediate", "q": "output", "2": "constant"}),
    ("W = matrix(); x = vector()\nh = tanh(dot(W, x))\nL = sum(h)\ng = grad(L, W)\n",
     {"W": "input", "x": "input", "h": "intermediate", "L": "output", "g": "output"}),
])
def test_roles_follow_the_input_intermediate_output_shared_rule(text, expected):
    for graph in program_graphs(text)[1:]:
        roles = roles_by_title(graph)
        for title, role in expected.items():
            if graph.kind == "compiled" and role in ("intermediate", "constant"):
                continue  # rewrites fuse or fold these away
            assert role in roles[title], (graph.kind, title, roles)
        assert all((n.role in ("input", "shared", "constant")) == (not n.inputs) for n in graph.nodes)


def test_unused_input_is_still_drawn_and_an_output_that_is_an_input_keeps_its_node():
    _, graph, compiled = program_graphs("a = scalar(); b = scalar()\ne = a\n")
    assert {n.label for n in graph.nodes} == {"a", "b"}
    assert any(n.role == "output" and n.label == "copy" for n in compiled.nodes)


@pytest.mark.parametrize("mode", MODES)
def test_compiled_graph_is_the_rewritten_one_and_computes_the_same_values(mode):
    text = ("x = vector(); w = shared([0.3, -0.2, 0.1]); b = scalar()\n"
            "y = sigmoid(dot(w, x) + b)\nL = sum(exp(x)) * y ** 2\ng = grad(L, b)\n")
    program, written, compiled = program_graphs(text, mode)
    if mode != "FAST_COMPILE":
        assert compiled.n_operations < written.n_operations
        assert any(n.op.startswith("fused elementwise") for n in compiled.nodes)
    assert compiled.mode == mode and written.mode == ""
    values = {program.variables["x"]: np.array([1.0, -2.0, 0.5]), program.variables["b"]: np.array(0.25),
              program.variables["w"]: np.array([0.3, -0.2, 0.1])}
    bundle = make_bundle("t", program.root_variables(), program.output_variables(), program.outputs, mode)
    result = evaluate_bundle(bundle, values)
    x, w, b = values[program.variables["x"]], values[program.variables["w"]], 0.25
    s = 1 / (1 + np.exp(-(w @ x + b)))
    expected = {"L": np.sum(np.exp(x)) * s**2, "g": np.sum(np.exp(x)) * 2 * s * s * (1 - s)}
    for graph, node_values in ((bundle.written, result.written), (bundle.compiled, result.compiled)):
        for name, var in zip(graph.output_names, graph.outputs):
            np.testing.assert_allclose(node_values.value(*graph.locate(var)), expected[name], rtol=1e-12)
    # ∂L/∂b is the program's own g; ∂L/∂x is exp(x)·s², by hand
    grad_b = result.written.gradient(*bundle.written.locate(program.variables["b"]))
    np.testing.assert_allclose(grad_b, expected["g"], rtol=1e-12)
    if mode != "FAST_COMPILE":  # FAST_COMPILE's Dot22 has no gradient; the fused graphs do
        compiled_x = next(r for r, src in bundle.compiled.roots.items() if src is program.variables["x"])
        grad_x = result.compiled.gradient(*bundle.compiled.locate(compiled_x))
        np.testing.assert_allclose(grad_x, np.exp(x) * s**2 + np.sum(np.exp(x)) * 2 * s * s * (1 - s) * w,
                                   rtol=1e-10)


def test_gradient_marks_nodes_the_target_does_not_depend_on():
    program, graph, _ = program_graphs(EXAMPLE_TEXT)
    values = {program.variables[k]: np.array(v) for k, v in EXAMPLE_VALUES.items()}
    result = GraphEvaluator(graph, target=0).evaluate(values)
    de_da = next(n for n in graph.nodes if n.name == "de_da")
    assert result.gradient(de_da.id) is None  # e does not depend on its own derivative
    assert result.target == "e"
    result = GraphEvaluator(graph, target=1).evaluate(values)
    assert float(result.gradient(*graph.locate(program.variables["b"]))) == 1.0  # ∂(de/da)/∂b = ∂b/∂b


@pytest.mark.parametrize("kind", ["cost", "gradient"])
def test_model_graph_values_are_the_playground_model_s(kind, classifier_cache, backend):
    from models.datasets import make_preset

    spec = ModelSpec("logistic")
    classifier = classifier_cache.get(spec, backend)
    trainer = Trainer(classifier, spec)
    xy, labels = make_preset("trout_salmon")
    trainer.set_points(xy, labels)
    trainer.set_params(init_values(spec, seed=4))
    trainer.step(3)
    graph = model_graph(classifier, kind)
    bundle = make_bundle(graph.title, graph.roots, graph.outputs, graph.output_names, backend.mode_name)
    result = evaluate_bundle(bundle, model_root_values(trainer))
    x, y, m = trainer.padded_data()
    grads = classifier.gradient(x, y, m, trainer.config.l2)
    for view, values in ((bundle.written, result.written), (bundle.compiled, result.compiled)):
        loss = values.value(*view.locate(view.outputs[0]))
        np.testing.assert_allclose(loss, trainer.current_loss(), rtol=1e-12)
        if kind == "cost":
            np.testing.assert_allclose(values.value(*view.locate(view.outputs[1])), classifier.proba(x), rtol=1e-12)
        else:
            for out, expected in zip(view.outputs[1:], grads):
                np.testing.assert_allclose(values.value(*view.locate(out)), expected, rtol=1e-10, atol=1e-14)
        w_node = next(n for n in view.nodes if n.name == "w")
        np.testing.assert_allclose(values.gradient(w_node.id), grads[0], rtol=1e-10, atol=1e-14)
        assert w_node.role == "shared" and next(n for n in view.nodes if n.name == "x").role == "input"


def test_layers_put_roots_next_to_their_first_use_and_edges_point_down():
    layer = layers_for([0, 1, 2, 3, 4], [(0, 2), (1, 2), (2, 4), (3, 4)])
    assert layer == {0: 0, 1: 0, 2: 1, 3: 1, 4: 2}
    with pytest.raises(ValueError, match="cycle"):
        layers_for([0, 1], [(0, 1), (1, 0)])


def test_layout_of_the_model_gradient_graph_has_no_overlapping_boxes(classifier_cache, backend):
    classifier = classifier_cache.get(ModelSpec("logistic"), backend)
    graph = model_graph(classifier, "gradient")
    extracted = written_graph(graph.roots, graph.outputs, graph.output_names)
    rng = np.random.default_rng(0)
    sizes = {n.id: (float(rng.integers(40, 170)), 44.0) for n in extracted.nodes}
    edges = [(e.source, e.target) for e in extracted.edges]
    placement = layered_layout(sizes, edges)
    boxes = {i: (x - sizes[i][0] / 2, y - sizes[i][1] / 2, x + sizes[i][0] / 2, y + sizes[i][1] / 2)
             for i, (x, y) in placement.centres.items()}
    ids = list(boxes)
    for k, a in enumerate(ids):
        for b in ids[k + 1:]:
            l1, t1, r1, b1 = boxes[a]
            l2, t2, r2, b2 = boxes[b]
            assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1, (a, b)
    for (s, t), route in placement.routes.items():
        assert route[0] == (placement.centres[s][0], boxes[s][3])
        assert route[-1] == (placement.centres[t][0], boxes[t][1])
        assert all(y0 < y1 for (_, y0), (_, y1) in zip(route, route[1:]))  # always downwards
    assert min(l for l, *_ in boxes.values()) >= 0 and placement.width >= max(r for *_, r, _ in boxes.values())
