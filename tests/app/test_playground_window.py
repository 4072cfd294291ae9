"""The playground driven like a student would: real clicks on the canvas, real keys, the menus."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PyQt5 import QtCore, QtWidgets

from app.landscape_controller import SETTLE_MS
from models import backend as backend_module
from models.points_csv import read_points_csv
from tests.app.conftest import wait_ready
from tests.qt_helpers import click_at, drag

Qt = QtCore.Qt
ROOT = Path(__file__).resolve().parents[2]


def empty_spot(window) -> tuple[float, float]:
    """A data coordinate in view with no point under it."""
    rect = window.playground.canvas.visible_rect()
    for fx in np.linspace(0.05, 0.95, 19):
        for fy in np.linspace(0.05, 0.95, 19):
            x, y = rect.left() + fx * rect.width(), rect.top() + fy * rect.height()
            if window.playground.canvas.point_at(QtCore.QPointF(x, y)) is None:
                return x, y
    raise AssertionError("no empty spot")


def test_starts_with_fifty_trout_and_fifty_salmon_and_shows_the_model(window):
    s = window.session
    assert len(s.points) == 100 and s.points.class_counts() == (50, 50)
    frame = s.last_frame
    assert frame.iteration == 0 and frame.grid.shape == (200, 200)
    assert np.all((frame.grid >= 0) & (frame.grid <= 1))
    assert "Iteration 0" in window.status_label.text()
    assert s.backend.mode_name in window.backend_label.text()
    assert window.playground.canvas.boundary.image.image is frame.grid or np.array_equal(
        window.playground.canvas.boundary.image.image, frame.grid)


def test_clicks_add_trout_and_salmon_and_undo_redo_them(window, qtbot):
    s, canvas = window.session, window.playground.canvas
    x, y = empty_spot(window)
    click_at(canvas, x, y)
    assert len(s.points) == 101 and s.points.labels[-1] == 0
    np.testing.assert_allclose(s.points.xy[-1], [x, y], rtol=0.02, atol=0.05)
    x2, y2 = empty_spot(window)
    click_at(canvas, x2, y2, Qt.RightButton)
    assert len(s.points) == 102 and s.points.labels[-1] == 1
    x3, y3 = empty_spot(window)
    click_at(canvas, x3, y3, Qt.LeftButton, Qt.ShiftModifier)
    assert len(s.points) == 103 and s.points.labels[-1] == 1
    for expected in (102, 101, 100):
        qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
        assert len(s.points) == expected
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert len(s.points) == 101 and s.points.labels[-1] == 0
    assert s.trainer.n_points == 101  # the model trains on what is drawn


def test_drag_moves_a_point_and_undo_puts_it_back(window, qtbot):
    s, canvas = window.session, window.playground.canvas
    start = s.points.xy[7].copy()
    rect = canvas.visible_rect()
    end = (start[0] + 0.1 * rect.width(), start[1] - 0.1 * rect.height())
    drag(canvas, tuple(start), end)
    np.testing.assert_allclose(s.points.xy[7], end, rtol=0.02, atol=0.05)
    assert s.undo_stack.undoText().startswith("Move")
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    np.testing.assert_array_equal(s.points.xy[7], start)


def test_ctrl_click_deletes_and_delete_key_removes_the_selection(window, qtbot):
    s, canvas = window.session, window.playground.canvas
    target = s.points.xy[3].copy()
    click_at(canvas, *target, Qt.LeftButton, Qt.ControlModifier)
    assert len(s.points) == 99 and not np.any(np.all(s.points.xy == target, axis=1))
    click_at(canvas, *s.points.xy[0])
    click_at(canvas, *s.points.xy[1], Qt.LeftButton, Qt.ShiftModifier)
    assert canvas.selection == [0, 1]
    qtbot.keyClick(canvas, Qt.Key_Delete)
    assert len(s.points) == 97
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert len(s.points) == 100 and np.any(np.all(s.points.xy == target, axis=1))


def test_step_play_pause_and_reset_from_the_keyboard(window, qtbot):
    s = window.session
    w0 = s.trainer.flat_params()
    qtbot.keyClick(window, Qt.Key_S)
    assert s.trainer.iteration == 1
    qtbot.keyClick(window, Qt.Key_Right)
    assert s.trainer.iteration == 2 and len(s.trainer.loss_history) == 3
    assert s.last_frame.iteration == 2 and "Iteration 2" in window.status_label.text()
    assert not np.array_equal(s.trainer.flat_params(), w0)
    qtbot.keyClick(window, Qt.Key_Space)
    assert s.playing and window.playground.training_controls.play_button.isChecked()
    qtbot.waitUntil(lambda: s.trainer.iteration > 10, timeout=5000)
    qtbot.keyClick(window, Qt.Key_Space)
    assert not s.playing
    stopped_at = s.trainer.iteration
    qtbot.wait(100)
    assert s.trainer.iteration == stopped_at
    qtbot.keyClick(window, Qt.Key_R)
    assert s.trainer.iteration == 0
    np.testing.assert_array_equal(s.trainer.flat_params(), w0)  # same seed, same w(0)
    loss_x, loss_y = window.playground.loss_plot.series_data("train")
    assert len(loss_y) == 1


def test_step_button_and_steps_per_frame(window, qtbot):
    s, controls = window.session, window.playground.training_controls
    qtbot.mouseClick(controls.step_button, Qt.LeftButton)
    assert s.trainer.iteration == 1
    controls.steps_per_frame.setValue(25)
    qtbot.mouseClick(controls.play_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: s.trainer.iteration >= 51, timeout=5000)
    qtbot.mouseClick(controls.play_button, Qt.LeftButton)
    assert (s.trainer.iteration - 1) % 25 == 0


def test_learning_rate_changes_never_recompile(window, qtbot, monkeypatch):
    s, controls = window.session, window.playground.training_controls
    compiles = []
    real = backend_module.compile_function
    monkeypatch.setattr("models.classifiers.compile_function", lambda *a, **k: compiles.append(a) or real(*a, **k))
    for value in (0.001, 3.0, 0.25):
        controls.lr.spin.setValue(value)
        assert s.config.lr == pytest.approx(value)
        qtbot.keyClick(window, Qt.Key_S)
    controls.lr.slider.setValue(900)
    qtbot.keyClick(window, Qt.Key_S)
    assert s.trainer.iteration == 4 and compiles == [] and not s.busy


def test_divergence_pauses_restores_finite_parameters_and_explains(window, qtbot):
    s, tab = window.session, window.playground
    tab.model_controls.kind.setCurrentIndex(tab.model_controls.kind.findData("mlp"))
    tab.model_controls.activation.setCurrentText("relu")
    wait_ready(s)
    tab.training_controls.lr.spin.setValue(10.0)
    tab.model_controls.l2.spin.setValue(1.0)
    tab.training_controls.steps_per_frame.setValue(100)
    with qtbot.waitSignal(s.diverged, timeout=20000):
        qtbot.keyClick(window, Qt.Key_Space)
    assert not s.playing and not tab.training_controls.play_button.isChecked()
    assert tab.notice.isVisible() and "learning rate" in tab.notice.label.text()
    assert np.all(np.isfinite(s.trainer.flat_params())) and math.isfinite(s.last_frame.loss)
    assert len(s.points) == 100  # nothing the user made is lost


def test_editing_points_while_playing_keeps_training_on_the_new_data(window, qtbot):
    s, canvas = window.session, window.playground.canvas
    qtbot.keyClick(window, Qt.Key_Space)
    qtbot.waitUntil(lambda: s.trainer.iteration > 3, timeout=5000)
    click_at(canvas, *empty_spot(window))
    click_at(canvas, *empty_spot(window), Qt.RightButton)
    at_edit = s.trainer.iteration
    qtbot.waitUntil(lambda: s.trainer.iteration > at_edit + 5, timeout=5000)
    qtbot.keyClick(window, Qt.Key_Space)
    assert s.trainer.n_points == 102 and len(s.last_frame.misclassified) == 102


def test_presets_replace_the_points_undoably(window, qtbot):
    s, combo = window.session, window.playground.data_controls.preset
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key_Down)  # trout/salmon → XOR, as a user would with the keyboard
    assert s.preset_name == "xor" and len(s.points) == 100
    assert np.all(np.abs(s.points.xy) < 4)
    qtbot.mouseClick(window.playground.data_controls.regenerate, Qt.LeftButton)
    assert s.preset_seed == 1
    qtbot.mouseClick(window.playground.data_controls.clear, Qt.LeftButton)
    assert len(s.points) == 0
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert len(s.points) == 100 and s.points.xy[:, 0].mean() > 30  # the fish are back


def test_csv_round_trip_and_a_malformed_file_leaves_the_points(window, tmp_path):
    s = window.session
    path = tmp_path / "fish.csv"
    assert window.save_points(str(path))
    xy, labels = read_points_csv(path)
    np.testing.assert_array_equal(xy, s.points.xy)
    window.session.clear_points()
    assert window.open_points(str(path)) and len(s.points) == 100
    np.testing.assert_array_equal(s.points.xy, xy)
    before = s.points.snapshot()
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,2,trout\n3,oops,salmon\n")
    assert not window.open_points(str(bad))
    assert "line 3" in window.last_error and "oops" in window.last_error and "unchanged" in window.last_error
    np.testing.assert_array_equal(s.points.xy, before.xy)
    boxes = [w for w in QtWidgets.QApplication.topLevelWidgets() if isinstance(w, QtWidgets.QMessageBox)]
    assert any("line 3" in box.text() for box in boxes if box.isVisible())


def test_standardize_toggle_changes_what_the_model_sees(window, qtbot):
    s, box = window.session, window.playground.training_controls.standardize
    qtbot.mouseClick(box, Qt.LeftButton)
    assert not box.isChecked() and not s.trainer.config.standardize
    x, _, m = s.trainer.padded_data()
    np.testing.assert_array_equal(x[: len(s.points)], s.points.xy)  # raw lengths in cm
    qtbot.mouseClick(box, Qt.LeftButton)
    x, _, _ = s.trainer.padded_data()
    assert abs(x[: len(s.points)].mean()) < 1e-9


def test_export_views_as_png(window, tmp_path):
    from PyQt5 import QtGui

    for name in ("boundary", "loss", "landscape", "window"):
        path = tmp_path / f"{name}.png"
        assert window.export_view(name, str(path))
        image = QtGui.QImage(str(path))
        assert image.width() > 100 and image.height() > 100
    assert not window.export_view("loss", str(tmp_path / "missing" / "x.png"))
    assert "does not exist" in window.last_error


def test_switching_model_compiles_in_the_background_without_freezing(tmp_path):
    """In a process of its own (one window, as the app has): see ``tests/app/stall_child.py``.

    The switch is measured until the new model's cost landscape is drawn too: that compile waits
    until the new model's first frame is on screen, so the two never share the GUI thread's GIL."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESCIDA_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-m", "tests.app.stall_child"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["busy_at_once"] and "Compiling" in measured["label"]
    assert measured["ready"] and measured["hidden"][0] == 23 and measured["progress_hidden"]
    assert measured["landscape_drawn"]
    first_frame = measured["first_frame_ms"][0]
    landscape_jobs = [at for at, name in measured["submitted"] if name in ("compile landscape", "landscape")]
    # a coarse timer may fire 5 % early, and the landscape's frame slot runs before this process's probe
    assert landscape_jobs and min(landscape_jobs) >= first_frame + 0.9 * SETTLE_MS - 10
    gaps = measured["gaps"]
    assert len(gaps) > 5
    assert max(gaps) < 100, f"the event loop stalled for {max(gaps)} ms while switching model"


def test_adding_points_never_recompiles_even_past_the_padded_capacity(window, qtbot, monkeypatch):
    s = window.session
    compiles = []
    real = backend_module.compile_function
    monkeypatch.setattr("models.classifiers.compile_function", lambda *a, **k: compiles.append(a) or real(*a, **k))
    rng = np.random.default_rng(0)
    for x, y in rng.uniform([30, 2], [70, 9], size=(40, 2)):  # 100 → 140 points: rows padded 128 → 256
        s.add_point(x, y, int(rng.integers(0, 2)))
    wait_ready(s)
    qtbot.keyClick(window, Qt.Key_S)
    assert s.trainer.n_points == 140 and s.trainer.capacity == 256 and s.trainer.iteration == 1
    assert compiles == []  # the same compiled functions; only the back end specialised a new shape


def test_reset_is_undoable(window, qtbot):
    s = window.session
    s.step(15)
    trained, losses = s.trainer.flat_params(), list(s.trainer.loss_history)
    qtbot.keyClick(window, Qt.Key_R)
    assert s.trainer.iteration == 0 and not np.array_equal(s.trainer.flat_params(), trained)
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert s.trainer.iteration == 15 and list(s.trainer.loss_history) == losses
    np.testing.assert_array_equal(s.trainer.flat_params(), trained)
