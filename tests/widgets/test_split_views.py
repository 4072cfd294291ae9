"""Split markers on the canvas, the point menu request, the split controls and the sweep plot."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt5 import QtCore

from tests.qt_helpers import click_at
from widgets.metrics_panel import MetricsPanel
from widgets.split_controls import SplitControls
from widgets.sweep_plot import SweepPlot
from widgets.point_canvas import PointCanvas

Qt = QtCore.Qt


@pytest.fixture
def canvas(qtbot):
    widget = PointCanvas()
    qtbot.addWidget(widget)
    widget.resize(600, 500)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_points(np.array([[0.0, 0.0], [5.0, 5.0], [-5.0, 5.0], [5.0, -5.0]]), np.array([0, 1, 0, 1]))
    widget.plot_item.getViewBox().setRange(xRange=(-10, 10), yRange=(-10, 10), padding=0)
    qtbot.wait(10)
    return widget


def positions(layer):
    return sorted(zip(*layer.getData()))


def test_each_split_has_its_own_marker_layer_and_can_be_hidden(canvas):
    canvas.set_splits(np.array([0, 1, 2, 1]))
    assert positions(canvas.class_layers[0]) == [(0.0, 0.0)] and positions(canvas.class_layers[1]) == []
    assert positions(canvas.split_layers[(1, 1)]) == [(5.0, -5.0), (5.0, 5.0)]
    assert positions(canvas.split_layers[(2, 0)]) == [(-5.0, 5.0)]
    assert canvas.split_layers[(1, 0)].opts["symbol"] == "o" and canvas.split_layers[(2, 0)].opts["symbol"] == "x"
    canvas.set_misclassified(np.array([True, True, True, False]))
    assert len(positions(canvas.wrong_layer)) == 3
    canvas.set_splits(np.array([0, 1, 2, 1]), hidden={1}, ring_splits={0, 1})
    assert positions(canvas.split_layers[(1, 1)]) == [] and positions(canvas.wrong_layer) == [(0.0, 0.0)]
    assert canvas.point_at(QtCore.QPointF(5.0, 5.0)) is None and canvas.point_at(QtCore.QPointF(0, 0)) == 0
    canvas.set_splits(None)
    assert len(positions(canvas.class_layers[1])) == 2


def test_right_click_on_a_point_requests_its_menu_instead_of_a_salmon(canvas, qtbot):
    with qtbot.assertNotEmitted(canvas.add_requested):
        with qtbot.waitSignal(canvas.point_menu_requested) as signal:
            click_at(canvas, 5.0, -5.0, Qt.RightButton)
    assert signal.args[0] == 3 and isinstance(signal.args[1], QtCore.QPoint)


def test_split_controls_emit_what_the_user_did(qtbot):
    controls = SplitControls()
    qtbot.addWidget(controls)
    controls.show()
    assert not controls.details.isVisible()
    with qtbot.waitSignal(controls.enabled_toggled) as on:
        qtbot.mouseClick(controls.enabled, Qt.LeftButton, pos=QtCore.QPoint(8, 8))
    assert on.args == [True] and controls.details.isVisible()
    with qtbot.waitSignal(controls.percentages_changed) as changed:
        controls.validation.setFocus()
        qtbot.keyClick(controls.validation, Qt.Key_Up)
    assert changed.args == [60, 25]
    with qtbot.waitSignal(controls.visibility_changed) as hidden:
        qtbot.mouseClick(controls.shown[2], Qt.LeftButton, pos=QtCore.QPoint(8, 8))
    assert hidden.args == [2, False]
    with qtbot.waitSignal(controls.redraw_requested):
        qtbot.mouseClick(controls.redraw, Qt.LeftButton)
    controls.show_plan(70, 10, 3)
    assert controls.test.text() == "Test 20 %" and controls.seed.value() == 3


def test_sweep_plot_marks_the_choices_and_reveals_test_only_when_given(qtbot):
    plot = SweepPlot()
    qtbot.addWidget(plot)
    plot.set_axis("polynomial degree", False)
    plot.set_points([1, 2, 3], [0.4, 0.1, 0.0], [0.45, 0.2, 0.3])
    plot.set_choice(2, 3)
    assert plot.best_val.value() == 2 and plot.best_train.value() == 3 and not plot.test_point.isVisible()
    np.testing.assert_allclose(plot.val_curve.getData()[1], [45, 20, 30])
    assert "best by validation: 2" in plot.caption_text() and "test" not in plot.caption_text()
    plot.set_test(2, 0.25)
    assert "test error at 2: 25.0%" in plot.caption_text()
    plot.set_axis("L2 penalty λ", True)
    plot.set_points([1e-3, 1e-1], [0.1, 0.2], [0.3, float("nan")])
    plot.set_choice(1e-3, 1e-3)
    assert plot.best_val.value() == pytest.approx(-3) and len(plot.val_curve.getData()[0]) == 1


def test_metrics_panel_hides_test_until_revealed(qtbot):
    from models.metrics import split_metrics

    panel = MetricsPanel()
    qtbot.addWidget(panel)
    metrics = split_metrics(np.array([0, 1, 1, 0]), np.array([0.1, 0.8, 0.3, 0.6]), np.array([0, 0, 1, 2]))
    panel.show_metrics(metrics, test_revealed=False)
    assert panel.cards[0].cell(1, 1) == "1" and panel.cards[1].cell(1, 0) == "1"
    assert panel.cards[2].cover.isVisibleTo(panel.cards[2]) and panel.cards[2].summary.text() == ""
    panel.show_metrics(metrics, test_revealed=True)
    assert panel.cards[2].cell(0, 1) == "1" and not panel.cards[2].cover.isVisibleTo(panel.cards[2])

