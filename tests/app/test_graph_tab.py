"""The Graph tab end to end: typing, evaluating, hovering, toggling, the model's live graph, export."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PyQt5 import QtCore
from PyQt5.QtTest import QTest

from app.graph_tab import GraphTab
from app.session import PlaygroundSession
from models.datasets import make_preset

TIMEOUT = 30_000


@pytest.fixture
def session(backend):
    session = PlaygroundSession(backend)
    yield session
    session.shutdown()


@pytest.fixture
def tab(session, qtbot):
    tab = GraphTab(session)
    qtbot.addWidget(tab)
    tab.resize(1250, 780)
    with qtbot.waitSignal(tab.graph_shown, timeout=TIMEOUT):
        tab.show()
    return tab


def type_program(qtbot, tab, lines: list[str]) -> None:
    """Replace the program by typing it, then press Ctrl+Enter and wait for the result."""
    editor = tab.editor.editor
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClick(editor, QtCore.Qt.Key.Key_Delete)
    for k, line in enumerate(lines):
        if k:
            qtbot.keyClick(editor, QtCore.Qt.Key.Key_Return)
        qtbot.keyClicks(editor, line)
    qtbot.keyClick(editor, QtCore.Qt.Key.Key_Return, QtCore.Qt.KeyboardModifier.ControlModifier)


def node_named(tab, name: str, kind: str = "written"):
    graph = tab.bundles[tab.source].view(kind)
    return next(n for n in graph.nodes if (n.name or n.label) == name)


def shown_value(tab, name: str) -> float:
    return float(tab.view.items_by_id[node_named(tab, name, tab.view_kind).id].value)


def test_tutorial_example_gives_18_and_de_da_4(tab):
    assert tab.editor.text().startswith("a = scalar(); b = scalar(); c = scalar()")
    assert tab.editor.values() == {"a": "2", "b": "4", "c": "10"}
    assert shown_value(tab, "e") == 18.0 and shown_value(tab, "de_da") == 4.0
    outputs = tab.editor.outputs_label.text()
    assert "f(a = 2, b = 4, c = 10)" in outputs
    assert "<b>e</b> = <code>18</code>" in outputs and "<b>de_da = ∂e/∂a</b> = <code>4</code>" in outputs
    roles = {n.name or n.label: n.role for n in tab.bundles["expression"].written.nodes}
    assert roles["a"] == roles["b"] == roles["c"] == "input" and roles["e"] == "output"


def test_typing_a_program_and_changing_an_input_value(tab, qtbot):
    with qtbot.waitSignal(tab.graph_shown, timeout=TIMEOUT):
        type_program(qtbot, tab, ["x = vector(); w = shared([0.5, -1, 2])", "y = sum(exp(x) * w)"])
    assert tab.editor.error_text == ""
    assert set(tab.editor.fields) == {"x", "w"}
    x, w = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0])
    assert shown_value(tab, "y") == pytest.approx(float(np.sum(np.exp(x) * w)), rel=1e-3)
    field = tab.editor.fields["x"]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "0.5, -1, 2")
    with qtbot.waitSignal(tab.values_shown, timeout=TIMEOUT):
        qtbot.keyClick(field, QtCore.Qt.Key.Key_Return)
    x = np.array([0.5, -1.0, 2.0])
    values = tab.values["expression"].written
    y_node = node_named(tab, "y")
    np.testing.assert_allclose(values.value(y_node.id), np.sum(np.exp(x) * w), rtol=1e-12)
    np.testing.assert_allclose(values.gradient(node_named(tab, "x").id), np.exp(x) * w, rtol=1e-12)
    assert f"<code>{np.sum(np.exp(x) * w):.7g}</code>" in tab.editor.outputs_label.text()


def test_a_bad_input_value_is_marked_and_changes_nothing(tab, qtbot):
    field = tab.editor.fields["a"]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "[1, 2]")
    qtbot.keyClick(field, QtCore.Qt.Key.Key_Return)
    assert field.property("invalid") and "a is a scalar" in field.toolTip()
    assert float(tab.inputs["a"]) == 2.0 and shown_value(tab, "e") == 18.0


def test_hovering_a_node_shows_operation_type_value_and_gradient(tab, qtbot):
    for name, value, gradient in (("e", "18", "1"), ("×", "8", "1"), ("a", "2", "4"), ("b", "4", "2")):
        node = node_named(tab, name)
        with qtbot.waitSignal(tab.view.node_hovered, timeout=2000):
            QTest.mouseMove(tab.view.viewport(), tab.view.node_position(node.id))
        text = tab.inspector.text()
        assert f"value</td><td><code>{value}</code>" in text, text
        assert f"∂e/∂node</td><td><code>{gradient}</code>" in text, text
        assert "float64 scalar, shape ()" in text
        if name == "×":
            assert "operation</td><td>elementwise mul" in text and "inputs</td><td>a, b" in text
        assert tab.view.items_by_id[node.id].toolTip() != ""


@pytest.mark.parametrize("text", ["__import__('os').system('touch /tmp/descida-graph-pwned')",
                                  "(" * 10_000 + "1" + ")" * 10_000, "a = scalar()\ne = a ** 99999"])
def test_hostile_text_shows_a_message_and_keeps_the_previous_graph(tab, qtbot, text):
    bundle, items = tab.bundles["expression"], dict(tab.view.items_by_id)
    tab.editor.set_text(text)
    qtbot.keyClick(tab.editor.editor, QtCore.Qt.Key.Key_Return, QtCore.Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tab.editor.error_text != "" and tab.jobs.idle, timeout=TIMEOUT)
    assert tab.editor.error_text.startswith("line ")
    assert tab.bundles["expression"] is bundle and tab.view.items_by_id == items
    assert not Path("/tmp/descida-graph-pwned").exists()
    with qtbot.waitSignal(tab.graph_shown, timeout=TIMEOUT):  # a good program clears the message
        type_program(qtbot, tab, ["a = scalar()", "e = a * 3"])
    assert tab.editor.error_text == "" and shown_value(tab, "e") == 6.0


def test_as_compiled_shows_the_rewritten_graph_with_node_counts(tab, qtbot):
    qtbot.mouseClick(tab.toolbar.view_buttons["compiled"], QtCore.Qt.MouseButton.LeftButton)
    bundle = tab.bundles["expression"]
    assert set(tab.view.items_by_id) == {n.id for n in bundle.compiled.nodes}
    assert bundle.compiled.n_operations < bundle.written.n_operations
    counts = tab.toolbar.counts_label.text()
    assert f"As written: {bundle.written.n_operations} operations" in counts
    assert f"as compiled with {tab.mode} rewrites: {bundle.compiled.n_operations} operations" in counts
    assert shown_value(tab, "e") == 18.0 and shown_value(tab, "de_da") == 4.0
    index = tab.toolbar.mode.findData("FAST_COMPILE")
    with qtbot.waitSignal(tab.graph_shown, timeout=TIMEOUT):
        tab.toolbar.mode.setCurrentIndex(index)
    assert tab.bundles["expression"].compiled.mode == "FAST_COMPILE"
    assert "FAST_COMPILE rewrites" in tab.toolbar.counts_label.text()


def test_gradient_target_can_be_another_output(tab, qtbot):
    with qtbot.waitSignal(tab.graph_shown, timeout=TIMEOUT):
        tab.toolbar.target.setCurrentIndex(tab.toolbar.target.findData("de_da"))
        tab.toolbar.target.activated.emit(tab.toolbar.target.currentIndex())
    values = tab.values["expression"].written
    assert values.target == "de_da"
    assert float(values.gradient(node_named(tab, "b").id)) == 1.0


def test_model_graph_shows_live_values_and_updates_when_stepping(session, tab, qtbot):
    xy, labels = make_preset("trout_salmon")
    session.load_initial_points(xy, labels)
    session.start()
    qtbot.waitUntil(lambda: session.ready, timeout=TIMEOUT)
    with qtbot.waitSignal(tab.graph_shown, timeout=TIMEOUT):
        qtbot.mouseClick(tab.toolbar.source_buttons["model"], QtCore.Qt.MouseButton.LeftButton)
    assert tab.left.currentWidget() is tab.model_panel
    loss_node = node_named(tab, "L")
    assert loss_node.role == "output"
    assert tab.values["model"].written.value(loss_node.id) == pytest.approx(session.trainer.current_loss(), rel=1e-12)
    before = float(tab.values["model"].written.value(loss_node.id))
    with qtbot.waitSignal(tab.values_shown, timeout=TIMEOUT):
        qtbot.mouseClick(tab.model_panel.step_button, QtCore.Qt.MouseButton.LeftButton)
    after = float(tab.values["model"].written.value(loss_node.id))
    assert after != before and after == pytest.approx(session.trainer.current_loss(), rel=1e-12)
    assert f"Iteration {session.trainer.iteration}" in tab.model_panel.state_label.text()
    with qtbot.waitSignal(tab.graph_shown, timeout=TIMEOUT):
        tab.toolbar.model_kind.setCurrentIndex(tab.toolbar.model_kind.findData("gradient"))
    bundle = tab.bundles["model"]
    x, y, m = session.trainer.padded_data()
    expected = session.trainer.classifier.gradient(x, y, m, session.config.l2)
    for out, grad in zip(bundle.written.outputs[1:], expected):
        np.testing.assert_allclose(tab.values["model"].written.value(*bundle.written.locate(out)), grad, rtol=1e-10)
    assert bundle.written.output_names == ["L", "∂L/∂w", "∂L/∂b"]
    assert math.isfinite(after)


def test_export_from_the_tab(tab, tmp_path):
    assert tab.export_graph(str(tmp_path / "graph.svg")) and (tmp_path / "graph.svg").read_text().startswith("<?xml")
    assert tab.export_graph(str(tmp_path / "graph.png")) and (tmp_path / "graph.png").stat().st_size > 1000
    assert not tab.export_graph(str(tmp_path / "nowhere" / "graph.png"))
    assert "Cannot export" in tab.toolbar.status_label.text()


def test_main_window_has_the_graph_tab(session, qtbot):
    from app.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles[0] == "Playground" and "Graph" in titles
    assert isinstance(window.tabs.widget(titles.index("Graph")), GraphTab)


def test_typed_values_survive_edits_unless_the_declared_default_changes(tab, qtbot):
    field = tab.editor.fields["a"]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "5")
    with qtbot.waitSignal(tab.values_shown, timeout=TIMEOUT):
        qtbot.keyClick(field, QtCore.Qt.Key.Key_Return)
    with qtbot.waitSignal(tab.graph_shown, timeout=TIMEOUT):
        type_program(qtbot, tab, ["a = scalar(); b = scalar(0.5); c = scalar()", "e = a*b + c"])
    assert tab.editor.values() == {"a": "5", "b": "0.5", "c": "10"}
    assert shown_value(tab, "e") == 5 * 0.5 + 10
