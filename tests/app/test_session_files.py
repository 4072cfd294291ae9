"""Session files, autosave, crash recovery and exports, driven through the real window."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PyQt5 import QtCore, QtGui, QtWidgets

from app.application import create_window
from app.autosave import AUTOSAVE_NAME
from tests.app.conftest import wait_ready
from tests.app.crash_child import known_points

ROOT = Path(__file__).resolve().parents[2]


def ready_window(qtbot, backend, cache, **kwargs):
    window = create_window(backend, cache=cache, **kwargs)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    window.session.start()
    wait_ready(window.session)
    return window


def wait_restored(qtbot, window):
    qtbot.waitUntil(lambda: window.session.ready and not window.session.restoring, timeout=120_000)


def test_save_then_open_in_a_new_window_continues_with_the_same_next_step(qtbot, backend, classifier_cache, tmp_path):
    first = ready_window(qtbot, backend, classifier_cache)
    s, tab = first.session, first.playground
    s.apply_preset("moons")
    tab.optimizer_controls.combo.setCurrentIndex(tab.optimizer_controls.combo.findData("adam"))
    tab.optimizer_controls.batch.setValue(16)
    tab.training_controls.lr.spin.setValue(0.05)
    tab.generalization.split_controls.enabled.setChecked(True)
    wait_ready(s)
    s.step(30)
    path = tmp_path / "lesson.descida"
    assert first.files.save_as(path) and path.exists()
    assert first.windowTitle().startswith("lesson.descida") and not first.isWindowModified()
    saved_points, saved_params = s.points.snapshot(), s.trainer.flat_params()
    saved_losses = list(s.trainer.loss_history)
    s.step(1)
    expected_next = s.trainer.flat_params()
    first.close()

    second = ready_window(qtbot, backend, classifier_cache)
    assert second.files.open(path)
    wait_restored(qtbot, second)
    t = second.session
    np.testing.assert_array_equal(t.points.xy, saved_points.xy)
    np.testing.assert_array_equal(t.points.ids, saved_points.ids)
    assert t.config.optimizer == "adam" and t.config.batch_size == 16 and t.config.lr == pytest.approx(0.05)
    assert second.playground.generalization.split.enabled
    assert t.trainer.iteration == 30 and list(t.trainer.loss_history) == saved_losses
    np.testing.assert_array_equal(t.trainer.flat_params(), saved_params)
    t.step(1)
    np.testing.assert_array_equal(t.trainer.flat_params(), expected_next)  # bit for bit
    assert second.windowTitle().startswith("lesson.descida")
    assert not t.undo_stack.canUndo()  # opening starts a new undo history


def test_title_marks_unsaved_changes(window, tmp_path):
    assert window.windowTitle().startswith("untitled") and not window.isWindowModified()
    window.session.add_point(40.0, 5.0, 1)
    assert window.isWindowModified()
    window.files.save_as(tmp_path / "fish")
    assert (tmp_path / "fish.descida").exists() and window.windowTitle().startswith("fish.descida")
    assert not window.isWindowModified()


@pytest.mark.parametrize("content", [b"not a session", b"PK\x03\x04" + b"\x00" * 40])
def test_a_bad_session_file_changes_nothing(window, tmp_path, content):
    window.session.add_point(40.0, 5.0, 1)
    before = window.session.points.snapshot()
    title = window.windowTitle()
    path = tmp_path / "broken.descida"
    path.write_bytes(content)
    assert not window.files.open(path)
    assert str(path) in window.last_error and "Nothing was changed" in window.last_error
    np.testing.assert_array_equal(window.session.points.xy, before.xy)
    assert window.windowTitle() == title and window.session.undo_stack.canUndo()


def test_autosave_then_recovery_offer_in_a_new_window(qtbot, backend, classifier_cache, tmp_path):
    first = ready_window(qtbot, backend, classifier_cache, autosave_folder=tmp_path)
    for x, y, label in known_points(7):
        first.session.add_point(x, y, label)
    qtbot.waitUntil(lambda: (tmp_path / AUTOSAVE_NAME).exists(), timeout=1500)
    first.files.autosaver.flush()
    expected = first.session.points.snapshot()
    first.files.autosaver.enabled = False  # as if the process died here: no clean exit
    first.session.shutdown()

    second = ready_window(qtbot, backend, classifier_cache, autosave_folder=tmp_path)
    assert len(second.session.points) == 100
    recovery = second.files.offer_recovery()
    assert recovery is not None and recovery.n_points == 107
    box = second.files.recovery_box
    assert "107 points" in box.text()
    next(b for b in box.buttons() if b.text() == "Restore").click()
    np.testing.assert_array_equal(second.session.points.xy, expected.xy)
    assert second.isWindowModified()


def test_discarding_the_offer_keeps_the_file_aside(qtbot, backend, classifier_cache, tmp_path):
    first = ready_window(qtbot, backend, classifier_cache, autosave_folder=tmp_path)
    first.session.add_point(1.0, 2.0, 0)
    first.files.autosaver.flush()
    first.files.autosaver.enabled = False
    second = ready_window(qtbot, backend, classifier_cache, autosave_folder=tmp_path)
    second.files.offer_recovery()
    next(b for b in second.files.recovery_box.buttons() if b.text() == "Discard").click()
    assert len(second.session.points) == 100 and len(list(tmp_path.glob("autosave-discarded-*.descida"))) == 1


def test_crash_recovery_after_sigkill(tmp_path):
    """A real kill -9 of a real window: every point comes back on the next start."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-m", "tests.app.crash_child", "work", str(tmp_path), "23"], cwd=ROOT,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "READY", line
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    result = subprocess.run([sys.executable, "-m", "tests.app.crash_child", "recover", str(tmp_path)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["offered"] and "123 points" in record["text"]
    added = np.array(record["xy"])[-23:]
    np.testing.assert_allclose(added, [(x, y) for x, y, _ in known_points(23)])
    assert record["labels"][-23:] == [label for _, _, label in known_points(23)]


def test_closing_with_unsaved_changes_asks(window, monkeypatch):
    window.files.ask_on_close = True
    window.session.add_point(40.0, 5.0, 1)
    answers = [QtWidgets.QMessageBox.StandardButton.Cancel, QtWidgets.QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", lambda *a, **k: answers.pop(0))
    assert not window.close() and window.isVisible()
    assert window.close()


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_every_view_exports_at_a_chosen_size(window, tmp_path, suffix):
    for name in window.exportable_views():
        path = tmp_path / f"{name}{suffix}"
        assert window.export_view(name, str(path), size=(640, 480)), window.last_error
        if suffix == ".png":
            image = QtGui.QImage(str(path))
            assert (image.width(), image.height()) == (640, 480)
        else:
            text = path.read_text()
            assert "<svg" in text and 'width="' in text
    assert not window.export_view("loss", str(tmp_path / "x.bmp"))
    assert ".png or .svg" in window.last_error


def test_descent_animation_as_gif_with_progress(window, qtbot, tmp_path):
    import imageio.v3 as iio

    from app.exports import DescentAnimation

    window.session.step(12)
    progress = []
    animation = DescentAnimation(window.playground, tmp_path / "descent.gif", 0, 12, stride=3, fps=5)
    animation.progress.connect(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignal(animation.finished, timeout=60_000):
        animation.start()
    frames = iio.imread(tmp_path / "descent.gif", index=None)
    assert frames.shape[0] == 5 and progress[-1] == (5, 5)
    assert window.session.trainer.viewing is None  # back at the latest iteration


def test_descent_animation_can_be_cancelled(window, qtbot, tmp_path):
    from app.exports import DescentAnimation

    window.session.step(30)
    animation = DescentAnimation(window.playground, tmp_path / "frames.png", 0, 30)
    animation.progress.connect(lambda done, total: done == 2 and animation.cancel())
    with qtbot.waitSignal(animation.cancelled, timeout=60_000):
        animation.start()
    assert 2 <= len(list(tmp_path.glob("frames_*.png"))) < 31
    assert window.session.trainer.iteration == 30


def test_theme_and_back_end_choices_persist(qtbot, backend, classifier_cache, tmp_path):
    from app.settings import Settings

    settings = Settings(QtCore.QSettings(str(tmp_path / "descida.ini"), QtCore.QSettings.Format.IniFormat))
    window = ready_window(qtbot, backend, classifier_cache, settings=settings)
    window.set_theme("dark")
    window._choose_backend("numba")
    assert window.playground.loss_plot.backgroundBrush().color().lightness() < 60
    window.set_theme("light")
    window.set_theme("dark")
    again = Settings(QtCore.QSettings(str(tmp_path / "descida.ini"), QtCore.QSettings.Format.IniFormat))
    assert again.theme == "dark" and again.backend == "numba"
    window.set_theme("light")
