"""The canvas turns real clicks and drags into requests with the right data coordinates."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt5 import QtCore

from tests.qt_helpers import click_at, drag
from widgets.point_canvas import PointCanvas

Qt = QtCore.Qt


@pytest.fixture
def canvas(qtbot):
    widget = PointCanvas()
    qtbot.addWidget(widget)
    widget.resize(600, 500)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_points(np.array([[0.0, 0.0], [5.0, 5.0], [-5.0, 5.0]]), np.array([0, 1, 0]))
    widget.plot_item.getViewBox().setRange(xRange=(-10, 10), yRange=(-10, 10), padding=0)
    qtbot.wait(10)
    return widget


def test_left_click_requests_a_trout_where_clicked(canvas, qtbot):
    with qtbot.waitSignal(canvas.add_requested) as signal:
        click_at(canvas, 3.0, -4.0)
    x, y, label = signal.args
    assert label == 0 and x == pytest.approx(3.0, abs=0.1) and y == pytest.approx(-4.0, abs=0.1)


@pytest.mark.parametrize("button, modifiers", [(Qt.RightButton, Qt.NoModifier), (Qt.LeftButton, Qt.ShiftModifier)])
def test_right_click_or_shift_click_requests_a_salmon(canvas, qtbot, button, modifiers):
    with qtbot.waitSignal(canvas.add_requested) as signal:
        click_at(canvas, -6.0, -6.0, button, modifiers)
    assert signal.args[2] == 1


def test_clicking_a_point_selects_it_instead_of_adding(canvas, qtbot):
    with qtbot.assertNotEmitted(canvas.add_requested):
        click_at(canvas, 5.0, 5.0)
    assert canvas.selection == [1]
    click_at(canvas, -5.0, 5.0, Qt.LeftButton, Qt.ShiftModifier)
    assert canvas.selection == [1, 2]


def test_ctrl_click_and_delete_key_request_deletion(canvas, qtbot):
    with qtbot.waitSignal(canvas.delete_requested) as signal:
        click_at(canvas, 0.0, 0.0, Qt.LeftButton, Qt.ControlModifier)
    assert signal.args == [[0]]
    click_at(canvas, 5.0, 5.0)
    with qtbot.waitSignal(canvas.delete_requested) as signal:
        qtbot.keyClick(canvas, Qt.Key_Delete)
    assert signal.args == [[1]]


def test_dragging_a_point_reports_old_and_new_positions(canvas, qtbot):
    with qtbot.waitSignal(canvas.move_finished) as signal:
        drag(canvas, (5.0, 5.0), (7.0, 2.0))
    indices, old, new = signal.args
    assert indices == [1]
    np.testing.assert_allclose(old, [[5.0, 5.0]])
    np.testing.assert_allclose(new, [[7.0, 2.0]], atol=0.1)


def test_dragging_empty_space_pans_instead(canvas, qtbot):
    before = canvas.visible_rect()
    with qtbot.assertNotEmitted(canvas.move_finished):
        drag(canvas, (-8.0, -8.0), (-6.0, -8.0))
    assert canvas.visible_rect().left() < before.left() - 1.0


def test_points_are_drawn_by_class_and_misclassified_ones_outlined(canvas):
    trout, salmon = (layer.getData() for layer in canvas.class_layers)
    assert list(zip(*trout)) == [(0.0, 0.0), (-5.0, 5.0)] and list(zip(*salmon)) == [(5.0, 5.0)]
    canvas.set_misclassified(np.array([False, True, False]))
    assert list(zip(*canvas.wrong_layer.getData())) == [(5.0, 5.0)]
    canvas.set_misclassified(np.array([False, False, False]))
    assert len(canvas.wrong_layer.getData()[0]) == 0


def test_boundary_draws_the_half_contour_where_probability_crosses(canvas):
    grid = np.tile(np.linspace(0, 1, 200), (200, 1))  # p rises with x: the 0.5 line is vertical
    canvas.boundary.set_grid(grid, QtCore.QRectF(-10, -10, 20, 20))
    canvas.boundary.contour.generatePath()
    rect = canvas.boundary.contour.path.boundingRect()
    assert rect.center().x() == pytest.approx(100.0, abs=1.0)  # image pixels: the middle column
    assert rect.height() == pytest.approx(200.0, abs=1.0)
