"""The generalization view driven like a student would: the split checkbox, a right-click pin, the
legend checkboxes, Sweep / Stop / Evaluate on test, with the state checked after each gesture."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt5 import QtCore, QtWidgets
from PyQt5.QtTest import QTest

from models.splits import TEST, TRAIN, VALIDATION
from tests.app.conftest import wait_ready
from tests.qt_helpers import click_at

Qt = QtCore.Qt


@pytest.fixture
def panel(window, qtbot):
    """The window's generalization view with the split switched on by a click."""
    view = window.playground.generalization
    box = view.split_controls.enabled
    qtbot.mouseClick(box, Qt.LeftButton, pos=QtCore.QPoint(8, box.height() // 2))
    assert view.split.enabled and view.pane.isVisible()
    return view


def test_training_uses_only_the_training_split_and_the_canvas_shows_every_split(window, panel, qtbot):
    s, canvas = window.session, window.playground.canvas
    codes = panel.split.codes()
    assert len(codes) == 100 and set(np.unique(codes)) == {TRAIN, VALIDATION, TEST}
    assert panel.split.counts() == (60, 20, 20)  # 100 consecutive ids: exact percentages
    np.testing.assert_array_equal(s.trainer.mask, codes == TRAIN)
    _, _, m = s.trainer.padded_data()
    assert m.sum() == 60 and np.array_equal(m[:100] == 1, codes == TRAIN)
    train_xy = s.points.xy[codes == TRAIN]
    np.testing.assert_allclose(s.trainer.scaler.mean, train_xy.mean(axis=0))  # standardized on train only
    drawn = {split: sum(len(canvas.split_layers[(split, label)].getData()[0]) for label in (0, 1)) for split in (1, 2)}
    drawn[0] = sum(len(layer.getData()[0]) for layer in canvas.class_layers)
    assert drawn == {0: 60, 1: 20, 2: 20}
    assert "60 train · 20 validation · 20 test" in panel.split_controls.counts.text()
    qtbot.mouseClick(panel.split_controls.enabled, Qt.LeftButton, pos=QtCore.QPoint(8, 8))
    assert s.trainer.mask is None and sum(len(layer.getData()[0]) for layer in canvas.class_layers) == 100


def test_metrics_and_curves_match_an_independent_count(window, panel, qtbot):
    s = window.session
    for _ in range(5):
        qtbot.keyClick(window, Qt.Key_S)
    codes = panel.split.codes()
    proba = s.trainer.proba_at(s.points.xy)
    predicted = (proba >= 0.5).astype(int)
    labels = s.points.labels
    rows = codes == VALIDATION
    card = panel.metrics.cards[VALIDATION]
    for actual in (0, 1):
        for guess in (0, 1):
            assert card.cell(actual, guess) == str(np.sum(rows & (labels == actual) & (predicted == guess)))
    accuracy = np.mean(predicted[rows] == labels[rows])
    assert f"accuracy <b>{100 * accuracy:.1f}%</b>" in card.summary.text()
    assert panel.metrics.cards[TEST].cover.isVisible() and not panel.metrics.cards[TEST].matrix.isVisible()
    iterations, values = window.playground.loss_plot.series_data("validation")
    assert iterations[-1] == 5 and "test" not in window.playground.loss_plot.curves
    x, y, _ = s.trainer.padded_data()
    m = np.zeros(len(x))
    m[:100] = rows
    assert values[-1] == pytest.approx(s.trainer.classifier.evaluate(x, y, m)[0], rel=1e-12)


def test_early_stopping_marks_the_lowest_validation_loss(window, panel, qtbot):
    tab = window.playground
    for _ in range(8):
        qtbot.keyClick(window, Qt.Key_S)
    qtbot.mouseClick(panel.split_controls.early_stopping, Qt.LeftButton, pos=QtCore.QPoint(8, 8))
    iterations, values = tab.loss_plot.series_data("validation")
    line = tab.loss_plot.annotations["early stopping"]
    assert line.isVisible() and line.value() == iterations[int(np.argmin(values))]
    assert f"iteration {int(line.value())}" in panel.metrics.note.text()


@pytest.mark.qt_log_ignore("This plugin does not support (grabbing the keyboard|raise)")  # offscreen QMenu
def test_right_click_on_a_point_pins_it_undoably(window, panel, qtbot):
    s, canvas = window.session, window.playground.canvas
    codes = panel.split.codes()
    index = int(np.flatnonzero(codes[1:] == TRAIN)[0]) + 1
    click_at(canvas, *s.points.xy[index], Qt.RightButton)
    menu = panel.point_menu
    assert menu is not None and menu.isVisible() and len(s.points) == 100  # a menu, not a new salmon
    action = next(a for a in menu.actions() if a.text() == "Pin to test")
    QTest.mouseClick(menu, Qt.LeftButton, pos=menu.actionGeometry(action).center())
    assert panel.split.codes()[index] == TEST and s.trainer.mask[index] == False  # noqa: E712
    assert "1 pinned" in panel.split_controls.counts.text()
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert panel.split.codes()[index] == TRAIN and s.trainer.mask[index]
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert panel.split.codes()[index] == TEST
    # the pin follows the point's id through edits: delete the point before it, then undo
    s.delete_points([0])
    assert panel.split.codes()[index - 1] == TEST
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    np.testing.assert_array_equal(panel.split.codes(), np.where(np.arange(100) == index, TEST, codes))


def test_redraw_changes_the_split_and_undo_brings_it_back(window, panel, qtbot):
    before = panel.split.codes().copy()
    qtbot.mouseClick(panel.split_controls.redraw, Qt.LeftButton)
    assert panel.split.plan.seed == 1 and panel.split_controls.seed.value() == 1
    assert np.mean(panel.split.codes() != before) > 0.2 and panel.split.counts() == (60, 20, 20)
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    np.testing.assert_array_equal(panel.split.codes(), before)
    assert panel.split_controls.seed.value() == 0


def test_percentages_from_the_keyboard_and_a_refused_zero(window, panel, qtbot):
    train = panel.split_controls.train
    train.setFocus()
    train.selectAll()
    qtbot.keyClicks(train, "80")
    qtbot.keyClick(train, Qt.Key_Return)
    assert (panel.split.plan.train, panel.split.plan.validation) == (80, 20)
    assert panel.split.counts() == (80, 20, 0)
    train.selectAll()
    qtbot.keyClicks(train, "0")
    qtbot.keyClick(train, Qt.Key_Return)
    assert panel.split.plan.train == 80 and train.value() == 80  # refused, the control shows the plan again
    assert window.playground.notice.isVisible() and "at least 1%" in window.playground.notice.label.text()


def test_hidden_splits_are_not_drawn_and_cannot_be_picked(window, panel, qtbot):
    s, canvas = window.session, window.playground.canvas
    box = panel.split_controls.shown[VALIDATION]
    qtbot.mouseClick(box, Qt.LeftButton, pos=QtCore.QPoint(8, box.height() // 2))
    assert all(len(canvas.split_layers[(VALIDATION, label)].getData()[0]) == 0 for label in (0, 1))
    index = int(np.flatnonzero(panel.split.codes() == VALIDATION)[0])
    assert canvas.point_at(QtCore.QPointF(*s.points.xy[index])) != index


def test_a_sweep_can_be_stopped_midway_and_keeps_its_partial_curve(window, panel, qtbot):
    controls, sweeper = panel.sweep_controls, panel.sweeper
    qtbot.waitUntil(lambda: sweeper.is_warm("degree"), timeout=30_000)  # compiled soon after the split is on
    controls.param.setCurrentIndex(controls.param.findData("iterations"))
    controls.values.setText("100,20000,40000,60000,80000,100000")
    assert sweeper.is_warm("iterations")  # the same graph serves every polynomial sweep
    gaps, clock, last = [], QtCore.QElapsedTimer(), [0]
    clock.start()
    timer = QtCore.QTimer()
    timer.timeout.connect(lambda: (gaps.append(clock.elapsed() - last[0]), last.__setitem__(0, clock.elapsed())))
    timer.start(5)
    with qtbot.waitSignal(sweeper.point_added, timeout=60_000):
        qtbot.mouseClick(controls.sweep, Qt.LeftButton)
    assert controls.stop.isEnabled() and not controls.sweep.isEnabled()
    with qtbot.waitSignal(sweeper.finished, timeout=10_000) as finished:
        qtbot.mouseClick(controls.stop, Qt.LeftButton)
    timer.stop()
    assert finished.args == ["stopped"]
    n = len(sweeper.points)
    assert 1 <= n < 6 and controls.sweep.isEnabled() and "Stopped after" in controls.status.text()
    x, y = panel.sweep_plot.val_curve.getData()
    assert len(x) == n  # the partial curve stays
    # ≤ 40 ms measured on an idle machine (bench/bench_sweep.py); the margin is for a busy shared one
    assert max(gaps) < 250, f"the event loop stalled {max(gaps)} ms during the sweep"


def test_a_full_sweep_then_evaluate_on_test_reveals_and_records_the_test_set(window, panel, qtbot):
    controls, sweeper, split = panel.sweep_controls, panel.sweeper, panel.split
    controls.param.setCurrentIndex(controls.param.findData("degree"))
    controls.values.setText("1,2,3,4")
    controls.steps.setValue(200)
    assert not controls.test.isEnabled() and "unused" in panel.split_controls.test_status.text()
    with qtbot.waitSignal(sweeper.finished, timeout=60_000) as finished:
        qtbot.keyClick(window, Qt.Key_E, Qt.ControlModifier)
    assert finished.args == ["done"] and [p.value for p in sweeper.points] == [1, 2, 3, 4]
    chosen = sweeper.chosen()
    assert chosen.val_error == min(p.val_error for p in sweeper.points)
    assert panel.sweep_plot.best_val.value() == chosen.value and not panel.sweep_plot.test_point.isVisible()
    assert controls.test.isEnabled() and "test" not in window.playground.loss_plot.curves
    with qtbot.waitSignal(sweeper.test_scored, timeout=30_000):
        qtbot.mouseClick(controls.test, Qt.LeftButton)
    score = sweeper.score
    assert panel.sweep_plot.test_point.isVisible() and f"{100 * score.error:.1f}%" in panel.sweep_plot.caption_text()
    assert split.test_revealed and len(split.test_uses) == 1 and "Test set used" in panel.split_controls.test_status.text()
    assert not controls.test.isEnabled()  # looked at once per sweep
    qtbot.keyClick(window, Qt.Key_S)
    card = panel.metrics.cards[TEST]
    assert card.matrix.isVisibleTo(card) and "test" in window.playground.loss_plot.curves
    qtbot.mouseClick(panel.split_controls.redraw, Qt.LeftButton)  # a new test set has not been looked at
    assert not split.test_revealed and "looked at 1×" in panel.split_controls.test_status.text()


@pytest.mark.parametrize("setup, fragment", [
    (lambda p: p.split_controls.validation.setValue(0), "validation split is empty"),
    (lambda p: p.sweep_controls.values.setText("1, 2, eleven"), "'eleven' is not a number"),
    (lambda p: p.sweep_controls.values.setText("0,3"), "1…10"),
])
def test_bad_input_gives_a_message_and_keeps_everything(window, panel, qtbot, setup, fragment):
    setup(panel)
    before = window.session.points.snapshot()
    qtbot.mouseClick(panel.sweep_controls.sweep, Qt.LeftButton)
    assert not panel.sweeper.running and fragment in panel.sweep_controls.status.text()
    np.testing.assert_array_equal(window.session.points.xy, before.xy)
    assert panel.sweep_controls.sweep.isEnabled()


def test_k_nearest_neighbours_sweep_from_the_ui(window, panel, qtbot):
    controls, sweeper = panel.sweep_controls, panel.sweeper
    controls.param.setCurrentIndex(controls.param.findData("k"))
    assert controls.values.text().startswith("1,") and not controls.steps.isEnabled()
    with qtbot.waitSignal(sweeper.finished, timeout=60_000):
        qtbot.mouseClick(controls.sweep, Qt.LeftButton)
    assert sweeper.points[0].value == 1 and sweeper.points[0].train_error == 0.0
    assert panel.sweep_plot.best_train.value() == 1


def test_switching_model_while_the_split_is_on_keeps_training_on_the_split(window, panel, qtbot):
    s, tab = window.session, window.playground
    tab.model_controls.kind.setCurrentIndex(tab.model_controls.kind.findData("poly"))
    wait_ready(s)
    assert s.trainer.spec.kind == "poly"
    np.testing.assert_array_equal(s.trainer.mask, panel.split.codes() == TRAIN)
    qtbot.keyClick(window, Qt.Key_S)
    assert len(panel.monitor.curves.iterations) >= 1
    assert isinstance(panel.pane, QtWidgets.QTabWidget)


def test_with_the_split_off_the_playground_is_as_it_was(window):
    tab, s = window.playground, window.session
    assert not tab.generalization.pane.isVisible() and s.trainer.mask is None
    assert tab.loss_plot.height() > 0.2 * tab.views.height()  # the loss plot keeps its share of the height
    assert tab.canvas.split_codes is None and tab.loss_plot.curves.keys() == {"train"}


def test_a_training_split_without_salmon_is_explained_and_nothing_is_lost(window, panel, qtbot):
    s, notice = window.session, window.playground.notice
    salmon = [int(i) for i in np.flatnonzero((panel.split.codes() == TRAIN) & (s.points.labels == 1))]
    panel.split.request_pin(salmon, VALIDATION)  # as many right-clicks would
    assert notice.isVisible() and "no salmon" in notice.label.text()
    qtbot.mouseClick(panel.sweep_controls.sweep, Qt.LeftButton)
    assert not panel.sweeper.running and "no salmon" in panel.sweep_controls.status.text()
    assert len(s.points) == 100
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)  # one undo step takes the pins back
    assert not notice.isVisible() and panel.split.plan.pins == ()
