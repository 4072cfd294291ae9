"""The landscape view, the history slider and the optimizer controls, driven with real input."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt5 import QtCore

from tests.qt_helpers import click_at, drag
from widgets.history_slider import HistorySlider
from widgets.landscape_view import LandscapeView
from widgets.optimizer_controls import OptimizerControls

Qt = QtCore.Qt


@pytest.fixture
def view(qtbot):
    widget = LandscapeView()
    qtbot.addWidget(widget)
    widget.resize(600, 520)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_range(-2, 2, -1, 3)
    qtbot.wait(10)
    return widget


def bowl(size=40):
    a = np.linspace(-2, 2, size)
    b = np.linspace(-1, 3, size)
    return 0.2 + (a[None, :] - 0.5) ** 2 + 2 * (b[:, None] - 1) ** 2  # minimum 0.2 at (0.5, 1)


def test_grid_is_drawn_in_log_colours_with_contours_over_its_rect(view):
    cost = bowl()
    view.set_grid(cost, QtCore.QRectF(-2, -1, 4, 4))
    np.testing.assert_allclose(view.image.image, np.log10(cost))
    lo, hi = view.image.getLevels()
    assert lo == pytest.approx(np.log10(cost.min())) and hi == pytest.approx(np.log10(cost.max()))
    levels = [c.level for c in view.contours]
    assert all(lo < level < hi for level in levels) and len(set(levels)) == len(levels)
    for contour in view.contours:
        contour.generatePath()  # done lazily when painted
        assert not contour.path.isEmpty()
    rect = view.image.mapRectToView(view.image.boundingRect())
    assert (rect.left(), rect.top(), rect.width(), rect.height()) == pytest.approx((-2, -1, 4, 4))
    ticks = view.colorbar.axis.tickValues(lo, hi, 300)[0][1]
    labels = view.colorbar.axis.tickStrings(ticks, 1, 1)
    assert len(labels) >= 3 and all(lo <= t <= hi for t in ticks)
    assert float(labels[0]) == pytest.approx(10 ** ticks[0], rel=1e-2)  # the bar is labelled in cost, not log


def test_a_click_requests_a_start_there_and_a_drag_pans_instead(view, qtbot):
    with qtbot.waitSignal(view.start_requested) as signal:
        click_at(view, 0.7, 2.1)
    assert signal.args == pytest.approx([0.7, 2.1], abs=0.03)
    starts = []
    view.start_requested.connect(lambda a, b: starts.append((a, b)))
    with qtbot.waitSignal(view.range_edited):
        drag(view, (0.0, 1.0), (1.0, 1.5))
    assert starts == []
    assert view.visible_rect().left() == pytest.approx(-3.0, abs=0.05)


def test_paths_show_what_comes_after_the_iterate_shown_as_a_dashed_tail(view):
    xy = np.column_stack([np.linspace(-1, 1, 11), np.linspace(2, 0, 11)])
    view.set_path("Adam", xy, (227, 119, 194))
    np.testing.assert_allclose(view.path_data("Adam"), xy)
    view.set_path("Adam", xy, (227, 119, 194), shown=4)
    np.testing.assert_allclose(view.path_data("Adam"), xy[:5])
    tail_x, _ = view.paths["Adam"].future.getData()
    assert len(tail_x) == 7  # from w(4) to w(10)
    current = view.paths["Adam"].current.data["x"], view.paths["Adam"].current.data["y"]
    assert (current[0][0], current[1][0]) == pytest.approx(tuple(xy[4]))
    view.set_path("Adam", xy, (227, 119, 194))  # back to the latest iterate: no tail any more
    tail_x, _ = view.paths["Adam"].future.getData()
    assert tail_x is None or len(tail_x) == 0
    view.set_path("Adam", xy + 1.0, (227, 119, 194))  # a new w(0): its square marker moves
    start = view.paths["Adam"].start.data
    assert (start["x"][0], start["y"][0]) == pytest.approx(tuple(xy[0] + 1.0))
    view.remove_path("Adam")
    assert view.path_names() == []


def test_the_arrow_points_down_the_gradient(view, qtbot):
    view.set_arrow(np.array([0.0, 1.0]), np.array([2.0, 0.0]))  # cost grows along +w1
    assert view.arrow_visible()
    x, y = view.arrow_line.getData()
    assert x[1] < x[0] and y[1] == pytest.approx(y[0])
    view.set_arrow(np.array([0.0, 1.0]), np.array([0.0, -1.0]))
    x, y = view.arrow_line.getData()
    assert y[1] > y[0]
    view.set_arrow(None)
    assert not view.arrow_visible()


def test_history_slider_keys_and_buttons_request_iterations(qtbot):
    slider = HistorySlider()
    qtbot.addWidget(slider)
    slider.show()
    slider.show_state(10, 10)
    assert "latest" in slider.label.text()
    requested = []
    slider.iteration_requested.connect(requested.append)
    slider.slider.setFocus()
    qtbot.keyClick(slider.slider, Qt.Key_Left)
    qtbot.mouseClick(slider.back, Qt.LeftButton)
    assert requested == [9, 8]
    slider.show_state(4, 10)
    assert "discards 5…10" in slider.label.text() and slider.latest.isEnabled()
    qtbot.mouseClick(slider.latest, Qt.LeftButton)
    assert requested[-1] == 10


def test_optimizer_controls_emit_choices_and_lock_the_shown_optimizer(qtbot):
    controls = OptimizerControls("sgd")
    qtbot.addWidget(controls)
    controls.show()
    assert controls.race_boxes["sgd"].isChecked() and not controls.race_boxes["sgd"].isEnabled()
    with qtbot.waitSignal(controls.race_changed) as signal:
        qtbot.mouseClick(controls.race_boxes["adam"], Qt.LeftButton, pos=QtCore.QPoint(6, 6))
    assert signal.args == [["adam"]]
    field = controls.fields["momentum"]["momentum"]
    field.setFocus()
    field.selectAll()
    with qtbot.waitSignal(controls.hyperparameters_changed) as signal:
        qtbot.keyClicks(field, "0.5")
        qtbot.keyClick(field, Qt.Key_Return)
    assert signal.args == ["momentum", {"momentum": 0.5}]
    eps = controls.fields["adam"]["eps"]
    eps.setFocus()
    qtbot.keyClick(eps, Qt.Key_Up)
    assert eps.value() == pytest.approx(1e-7) and eps.text() == "ε 1e-07"
    with qtbot.waitSignal(controls.optimizer_changed) as signal:
        controls.combo.setCurrentIndex(controls.combo.findData("rmsprop"))
    assert signal.args == ["rmsprop", {"rho": 0.9, "eps": 1e-7}]
    assert not controls.race_boxes["sgd"].isChecked()  # the optimizer replaced leaves the race
    assert controls.race_boxes["rmsprop"].isChecked() and not controls.race_boxes["rmsprop"].isEnabled()
    assert controls.racing() == ["adam"]
    controls.batch.setFocus()
    controls.batch.selectAll()
    with qtbot.waitSignal(controls.batch_size_changed) as signal:
        qtbot.keyClicks(controls.batch, "16")
        qtbot.keyClick(controls.batch, Qt.Key_Return)
    assert signal.args == [16]


def test_long_paths_are_drawn_thinned_but_end_at_the_current_point(view):
    from widgets.landscape_view import MAX_PATH_POINTS

    t = np.linspace(0, 60, 10_001)
    xy = np.column_stack([1.5 * np.cos(t), 1 + 1.5 * np.sin(t)])  # ten laps: every pixel visited often
    view.set_path("SGD", xy, (0, 0, 0))
    drawn = view.path_data("SGD")
    assert MAX_PATH_POINTS // 2 < len(drawn) <= MAX_PATH_POINTS + 2
    np.testing.assert_array_equal(drawn[0], xy[0])
    np.testing.assert_array_equal(drawn[-1], xy[-1])
    assert np.all(np.isin(drawn[:, 0], xy[:, 0]))  # thinned, never moved


def test_iterates_on_the_same_pixel_are_merged(view):
    steps = np.r_[np.linspace(-1, 0.5, 40), 0.5 + 1e-6 * np.arange(2000)]  # converging: sub-pixel steps
    xy = np.column_stack([steps, np.full_like(steps, 1.0)])
    view.set_path("SGD", xy, (0, 0, 0))
    drawn = view.path_data("SGD")
    assert len(drawn) < 50
    np.testing.assert_array_equal(drawn[-1], xy[-1])


def test_a_long_title_never_pushes_the_colour_bar_out_of_a_narrow_view(view, qtbot):
    view.set_axis_names("W1[1,2]", "W3[14]", "335 others at their current values")
    for width in (400, 450):
        view.resize(width, 420)
        qtbot.wait(20)
        bar = view.colorbar.mapRectToScene(view.colorbar.boundingRect())
        assert view.plot_item.geometry().width() <= width + 0.5
        assert bar.right() <= width + 0.5, f"colour bar ends at {bar.right():.0f} px in a {width} px view"
