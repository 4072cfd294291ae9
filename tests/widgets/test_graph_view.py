"""The diagram view: colours by role, hover, zoom, export — driven with real mouse and keys."""

from __future__ import annotations

import pytest
from PyQt5 import QtCore, QtGui
from PyQt5.QtTest import QTest

from widgets.expression_editor import ExpressionEditor
from widgets.graph_view import ROLE_COLORS, DiagramNode, GraphView

NODES = [
    DiagramNode(0, "a", "input", "2", "a: input"),
    DiagramNode(1, "w", "shared", "[1, 2]", "w: shared"),
    DiagramNode(2, "1", "constant"),
    DiagramNode(3, "×", "intermediate", "8"),
    DiagramNode(4, "e = +", "output", "18", "<b>e</b>"),
]
EDGES = [(0, 3), (1, 3), (3, 4), (2, 4)]


@pytest.fixture
def view(qtbot):
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(600, 500)
    view.show()
    qtbot.waitExposed(view)
    view.show_graph(NODES, EDGES)
    return view


def test_boxes_are_coloured_by_role_and_do_not_overlap(view):
    for node in NODES:
        item = view.items_by_id[node.id]
        assert item.fill_color == QtGui.QColor(ROLE_COLORS[node.role][0])
        assert item.border_color == QtGui.QColor(ROLE_COLORS[node.role][1])
    rects = [item.sceneBoundingRect() for item in view.items_by_id.values()]
    assert not any(r.intersects(s) for k, r in enumerate(rects) for s in rects[k + 1:])
    # data flows downwards: every edge's target is below its source
    for s, t in EDGES:
        assert view.items_by_id[t].scenePos().y() > view.items_by_id[s].scenePos().y()


def test_the_rendered_picture_uses_the_role_colours(view, tmp_path):
    path = tmp_path / "graph.png"
    view.export_png(path, scale=1.0)
    image = QtGui.QImage(str(path))
    for node_id in (0, 3, 4):
        item = view.items_by_id[node_id]
        centre = item.scenePos() - view.scene().sceneRect().topLeft()
        pixel = image.pixelColor(int(centre.x() - item.size[0] / 2 + 5), int(centre.y()))  # inside, left of text
        expected = QtGui.QColor(ROLE_COLORS[NODES[node_id].role][0])
        assert abs(pixel.red() - expected.red()) + abs(pixel.green() - expected.green()) < 30


def test_hovering_a_box_reports_it_and_highlights_its_edges(view, qtbot):
    with qtbot.waitSignal(view.node_hovered, timeout=2000) as signal:
        QTest.mouseMove(view.viewport(), view.node_position(3))
    assert signal.args == [3]
    assert view.hovered_id == 3 and view.items_by_id[3].hovered
    highlighted = {key for key, edge in view.edge_items.items() if edge.pen().widthF() > 2}
    assert highlighted == {(0, 3), (1, 3), (3, 4)}
    assert view.items_by_id[3].toolTip() == ""  and view.items_by_id[4].toolTip() == "<b>e</b>"
    corner = QtCore.QPoint(2, 2)
    with qtbot.waitSignal(view.node_hovered, timeout=2000) as signal:
        QTest.mouseMove(view.viewport(), corner)
    assert signal.args == [-1]


def test_values_update_in_place(view):
    item = view.items_by_id[4]
    view.set_values({4: "30"}, {4: "new tip"})
    assert view.items_by_id[4] is item and item.value == "30" and item.toolTip() == "new tip"


def test_wheel_and_keys_zoom_and_fit(view, qtbot):
    before = view.zoom_level()
    pos = QtCore.QPointF(view.viewport().rect().center())
    wheel = QtGui.QWheelEvent(pos, view.viewport().mapToGlobal(pos.toPoint()), QtCore.QPoint(0, 0),
                              QtCore.QPoint(0, 240), QtCore.Qt.MouseButton.NoButton,
                              QtCore.Qt.KeyboardModifier.NoModifier, QtCore.Qt.ScrollPhase.NoScrollPhase, False)
    QtCore.QCoreApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom_level() == pytest.approx(before * 1.15**2)
    view.setFocus()
    qtbot.keyClick(view, QtCore.Qt.Key.Key_Minus)
    assert view.zoom_level() == pytest.approx(before * 1.15**2 * 0.8)
    qtbot.keyClick(view, QtCore.Qt.Key.Key_0)
    assert view.zoom_level() == pytest.approx(before)
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(view.scene().itemsBoundingRect())


def test_export_svg_and_png(view, tmp_path):
    view.export_svg(tmp_path / "g.svg", "e = a*b + c")
    text = (tmp_path / "g.svg").read_text()
    assert "<svg" in text and "e = a*b + c" in text and ROLE_COLORS["output"][0] in text.lower()
    view.export_png(tmp_path / "g.png")
    image = QtGui.QImage(str(tmp_path / "g.png"))
    assert image.width() == int(view.scene().sceneRect().width() * 2)
    with pytest.raises(OSError):
        view.export_png(tmp_path / "missing" / "g.png")


def test_editor_emits_on_ctrl_enter_and_shows_errors_at_their_position(qtbot):
    editor = ExpressionEditor()
    qtbot.addWidget(editor)
    editor.show()
    editor.set_text("")
    qtbot.keyClicks(editor.editor, "e = a +* 2")
    with qtbot.waitSignal(editor.evaluate_requested, timeout=1000) as signal:
        qtbot.keyClick(editor.editor, QtCore.Qt.Key.Key_Return, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert signal.args == ["e = a +* 2"]
    editor.show_error("line 1, column 8: unexpected '*'", offset=7)
    assert editor.error_text.startswith("line 1, column 8")
    [selection] = editor.editor.extraSelections()
    assert selection.cursor.selectedText() == "*"
    editor.clear_error()
    assert editor.error_text == "" and editor.editor.extraSelections() == []


def test_editor_value_fields_keep_typed_text_and_report_edits(qtbot):
    editor = ExpressionEditor()
    qtbot.addWidget(editor)
    editor.show()
    editor.set_inputs([("a", "scalar", "2"), ("x", "vector", "[1, 2]")])
    field = editor.fields["a"]
    field.selectAll()
    qtbot.keyClicks(field, "7")
    with qtbot.waitSignal(editor.value_edited, timeout=1000) as signal:
        qtbot.keyClick(field, QtCore.Qt.Key.Key_Return)
    assert signal.args == ["a", "7"]
    editor.show_value_error("a", "a is a scalar")
    assert editor.fields["a"].property("invalid") and editor.fields["a"].toolTip() == "a is a scalar"
    editor.set_inputs([("a", "scalar", "7"), ("x", "vector", "[3, 4]")])  # same inputs: refilled, marks cleared
    assert editor.fields["a"] is field and editor.values() == {"a": "7", "x": "[3, 4]"}
    assert not field.property("invalid") and "press Enter" in field.toolTip()
    editor.set_inputs([("a", "scalar", "2"), ("x", "vector", "[1, 2]"), ("c", "scalar", "1")])
    assert editor.values() == {"a": "2", "x": "[1, 2]", "c": "1"}
