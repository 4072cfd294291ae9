"""The cost landscape, the race and the history slider in the real window, driven like a student would."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt5 import QtCore

from models.classifiers import ModelSpec, flatten
from models.landscape import default_axes
from models.training import cell_centres
from tests import reference as ref
from tests.app.conftest import wait_ready
from tests.qt_helpers import click_at, drag

Qt = QtCore.Qt


def wait_landscape(tab, qtbot, timeout=60000):
    """Until the fine grid for the current parameters is drawn and nothing else is queued."""
    qtbot.waitUntil(tab.landscape.is_drawn, timeout=timeout)
    return tab.landscape.last_result


def numpy_cost(trainer, w1, w2):
    x, y, m = trainer.padded_data()
    n = trainer.n_points
    b = float(trainer.params()[1])
    return np.array([[ref.logistic_loss_grad(np.array([a, c]), b, x[:n], y[:n], trainer.config.l2)[0] for a in w1]
                     for c in w2])


def test_landscape_is_the_cost_over_w1_w2_with_the_bias_at_its_current_value(window, qtbot):
    s, tab = window.session, window.playground
    for _ in range(5):
        qtbot.keyClick(window, Qt.Key_S)
    result = wait_landscape(tab, qtbot)
    view = tab.landscape_panel.view
    assert result.axes == (0, 1) and view.grid.shape == (150, 150)
    x0, x1, y0, y1 = result.job.rect
    expected = numpy_cost(s.trainer, cell_centres(x0, x1, 150)[::15], cell_centres(y0, y1, 150)[::15])
    np.testing.assert_allclose(view.grid[::15, ::15], expected, rtol=2e-5)  # float32 on the app's grid
    title = view.plot_item.titleLabel.text
    assert "b held at its current value" in title and f"{float(s.trainer.params()[1]):.3g}" in title
    np.testing.assert_allclose(view.path_data("SGD (shown)"), s.trainer.history.matrix()[:, :2])
    assert view.arrow_visible()
    qtbot.keyClick(window, Qt.Key_G)
    assert not view.arrow_visible()
    qtbot.keyClick(window, Qt.Key_G)
    assert view.arrow_visible()


def test_clicking_the_landscape_sets_w0_and_undo_brings_the_old_descent_back(window, qtbot):
    s, tab = window.session, window.playground
    view = tab.landscape_panel.view
    s.set_lr(0.5)
    for _ in range(10):
        qtbot.keyClick(window, Qt.Key_S)
    wait_landscape(tab, qtbot)
    before_history = s.trainer.history.matrix().copy()
    bias = float(s.trainer.params()[1])
    rect = view.visible_rect()
    a, b = rect.left() + 0.3 * rect.width(), rect.top() + 0.8 * rect.height()
    click_at(view, a, b)
    assert s.trainer.iteration == 0
    w0 = s.trainer.history.vectors[0]
    assert w0[0] == pytest.approx(a, abs=0.01 * rect.width()) and w0[1] == pytest.approx(b, abs=0.01 * rect.height())
    assert w0[2] == bias  # the bias held on the slice stays
    assert s.undo_stack.undoText().startswith("Start descent at w1 =")
    qtbot.keyClick(window, Qt.Key_S)
    qtbot.keyClick(window, Qt.Key_S)
    path = view.path_data("SGD (shown)")
    assert len(path) == 3 and path[0] == pytest.approx(w0[:2])  # the path restarts at the click
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert s.trainer.iteration == 10
    np.testing.assert_array_equal(s.trainer.history.matrix(), before_history)
    np.testing.assert_array_equal(s.trainer.flat_params(), before_history[-1])
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert s.trainer.iteration == 0 and s.trainer.history.vectors[0] == pytest.approx(w0)


def test_panning_and_new_points_recompute_the_grid(window, qtbot):
    s, tab = window.session, window.playground
    view = tab.landscape_panel.view
    first = wait_landscape(tab, qtbot)
    rect = view.visible_rect()
    centre = (rect.center().x(), rect.center().y())
    drag(view, centre, (centre[0] - 0.25 * rect.width(), centre[1]))
    moved = view.visible_rect()
    assert moved.left() == pytest.approx(rect.left() + 0.25 * rect.width(), rel=0.05, abs=0.05)
    result = wait_landscape(tab, qtbot)
    assert result.job.rect == pytest.approx((moved.left(), moved.right(), moved.top(), moved.bottom()))
    assert not tab.landscape.follow  # the user's view is kept from now on
    s.add_point(s.points.xy[:, 0].max() + 5, s.points.xy[:, 1].min(), 1)  # a salmon far out changes the cost
    result2 = wait_landscape(tab, qtbot)
    assert result2 is not result and not np.allclose(result2.cost, result.cost)
    assert first.job.data[2].sum() == 100 and result2.job.data[2].sum() == 101


def test_race_draws_one_path_and_loss_curve_per_optimizer(window, qtbot):
    s, tab = window.session, window.playground
    controls, view = tab.optimizer_controls, tab.landscape_panel.view
    for name in ("momentum", "adam", "rmsprop"):
        qtbot.mouseClick(controls.race_boxes[name], Qt.LeftButton, pos=QtCore.QPoint(6, 6))
    wait_ready(s)
    qtbot.waitUntil(lambda: s.can_step() and tab.race.race is not None and len(tab.race.race.racers) == 3,
                    timeout=60000)
    for _ in range(6):
        qtbot.keyClick(window, Qt.Key_S)
    names = ["SGD (shown)", "Momentum", "Adam", "RMSProp"]
    assert sorted(view.path_names()) == sorted(names)
    paths = {name: view.path_data(name) for name in names}
    assert all(len(p) == 7 for p in paths.values())
    assert all(np.array_equal(p[0], paths["SGD (shown)"][0]) for p in paths.values())  # the same w(0)
    assert len({tuple(np.round(p[-1], 9)) for p in paths.values()}) == 4  # four different descents
    colors = {view.paths[name].line.opts["pen"].color().name() for name in names}
    assert len(colors) == 4
    legend = [label.text for _, label in view.legend.items]
    assert sorted(legend) == sorted(names)
    for name in ("Momentum", "Adam", "RMSProp"):
        _, losses = tab.loss_plot.series_data(f"train · {name}")
        assert len(losses) == 7
    adam = tab.race.race.racers["adam"].trainer
    np.testing.assert_array_equal(paths["Adam"], adam.history.matrix()[:, :2])
    qtbot.keyClick(window, Qt.Key_R)
    assert all(len(view.path_data(name)) == 1 for name in names)
    qtbot.mouseClick(controls.race_boxes["adam"], Qt.LeftButton, pos=QtCore.QPoint(6, 6))
    assert "Adam" not in view.path_names() and "train · Adam" not in tab.loss_plot.curves


def test_history_slider_restores_earlier_parameters_and_stepping_on_is_undoable(window, qtbot):
    s, tab = window.session, window.playground
    s.set_lr(0.5)
    for _ in range(8):
        qtbot.keyClick(window, Qt.Key_S)
    history = s.trainer.history.matrix().copy()
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key_Left)
    assert s.trainer.viewing == 5 and tab.history_slider.shown == 5
    np.testing.assert_array_equal(s.trainer.flat_params(), history[5])
    frame = s.last_frame
    assert frame.iteration == 5 and "Iteration 5" in window.status_label.text()
    w, b = s.trainer.params()
    rect = frame.grid_rect
    gx, gy = np.meshgrid(cell_centres(rect.left(), rect.right(), 200), cell_centres(rect.top(), rect.bottom(), 200))
    z = s.trainer.scaler.transform(np.column_stack([gx.ravel(), gy.ravel()])) @ w + b
    np.testing.assert_allclose(tab.canvas.boundary.grid, ref.sigmoid(z).reshape(200, 200), rtol=1e-9)
    assert tab.loss_plot.marker.isVisible() and tab.loss_plot.marker.value() == 5
    assert len(tab.landscape_panel.view.path_data("SGD (shown)")) == 6
    tab.history_slider.slider.setValue(2)  # dragging the slider
    np.testing.assert_array_equal(s.trainer.flat_params(), history[2])
    qtbot.keyClick(window, Qt.Key_Right)
    assert s.trainer.viewing == 3 and s.trainer.iteration == 8  # → moves through the history first
    qtbot.keyClick(window, Qt.Key_S)  # stepping from w(3) discards 4…8
    assert s.trainer.iteration == 4 and len(s.trainer.history) == 5 and s.trainer.viewing is None
    np.testing.assert_allclose(s.trainer.history.matrix(), history[:5], rtol=1e-12)  # the same step again
    assert "discard" in s.undo_stack.undoText()
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert s.trainer.iteration == 8 and s.trainer.viewing == 3
    np.testing.assert_array_equal(s.trainer.history.matrix(), history)
    qtbot.keyClick(window, Qt.Key_End)
    assert s.trainer.viewing is None
    np.testing.assert_array_equal(s.trainer.flat_params(), history[8])


def test_an_mlp_landscape_starts_on_the_two_steepest_parameters(window, qtbot):
    s, tab = window.session, window.playground
    spec = ModelSpec("mlp", hidden=(16, 16), activation="tanh")
    tab.model_controls.kind.setCurrentIndex(tab.model_controls.kind.findData("mlp"))
    wait_ready(s)
    assert s.trainer.spec == spec
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key_S)  # the default axes are the steepest at w(0), not now
    result = wait_landscape(tab, qtbot)
    x, y, m = s.trainer.padded_data()
    s.trainer.view(0)
    gradient = flatten(s.trainer.classifier.gradient(x, y, m))
    assert result.axes == default_axes(spec, gradient) == tab.landscape.axes
    assert tab.landscape_panel.axes() == result.axes and result.cost.shape == (48, 48)
    assert "335 others at their current values" in tab.landscape_panel.view.plot_item.titleLabel.text
    tab.landscape_panel.x_axis.setCurrentIndex(3)
    tab.landscape_panel.x_axis.activated.emit(3)  # what choosing an entry with the mouse emits
    result = wait_landscape(tab, qtbot)
    assert result.axes[0] == 3 and not tab.landscape.auto_axes


def test_optimizer_and_batch_size_from_the_controls(window, qtbot):
    s, tab = window.session, window.playground
    controls = tab.optimizer_controls
    controls.combo.setCurrentIndex(controls.combo.findData("nesterov"))
    wait_ready(s)
    qtbot.waitUntil(s.can_step, timeout=60000)
    assert s.config.optimizer == "nesterov" and s.config.hyperparameters == {"momentum": 0.9}
    controls.batch.setValue(10)
    assert s.config.batch_size == 10
    qtbot.keyClick(window, Qt.Key_S)
    qtbot.keyClick(window, Qt.Key_S)
    assert s.trainer.iteration == 2
    x, y, m = s.trainer.padded_data()
    assert s.trainer.loss_history[1] == pytest.approx(  # the full training loss, not the batch's
        ref.logistic_loss_grad(s.trainer.history.vectors[1][:2], s.trainer.history.vectors[1][2], x, y, m=m)[0])
