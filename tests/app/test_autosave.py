"""Autosave writes within a second, atomically; recovery offers it back; damage is set aside."""

from __future__ import annotations

import numpy as np
from PyQt5 import QtCore

from app.autosave import AUTOSAVE_NAME, Autosaver, find_recovery
from app.settings import Settings
from models.session_file import SessionContainer, read_session_file


def snapshot_of(points):
    return lambda: SessionContainer({"points": {"count": len(points)}}, {"xy": np.array(points, dtype=float)})


def test_changes_reach_the_disk_within_a_second(qtbot, tmp_path):
    points = [[1.0, 2.0]]
    saver = Autosaver(tmp_path, snapshot_of(points))
    clock = QtCore.QElapsedTimer()
    clock.start()
    saver.mark_dirty()
    points.append([3.0, 4.0])
    saver.mark_dirty()  # a burst of edits: one write
    qtbot.waitUntil(lambda: (tmp_path / AUTOSAVE_NAME).exists(), timeout=1000)
    assert clock.elapsed() < 1000
    saver.flush()
    container = read_session_file(tmp_path / AUTOSAVE_NAME)
    np.testing.assert_array_equal(container.arrays["xy"], [[1, 2], [3, 4]])
    assert container.meta["saved_at"] > 0
    recovery, message = find_recovery(tmp_path)
    assert recovery is not None and recovery.n_points == 2 and message == ""
    assert "2 points" in recovery.describe()
    saver.discard()
    assert find_recovery(tmp_path) == (None, "")


def test_a_damaged_autosave_is_set_aside_not_deleted(tmp_path):
    (tmp_path / AUTOSAVE_NAME).write_bytes(b"PK\x03\x04 half a file")
    recovery, message = find_recovery(tmp_path)
    assert recovery is None and "damaged" in message
    kept = list(tmp_path.glob("autosave-damaged-*.descida"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"PK\x03\x04 half a file"
    assert not (tmp_path / AUTOSAVE_NAME).exists()


def test_settings_survive_a_new_settings_object_and_ignore_garbage(tmp_path):
    path = str(tmp_path / "descida.ini")
    first = Settings(QtCore.QSettings(path, QtCore.QSettings.Format.IniFormat))
    first.last_directory = str(tmp_path)
    first.backend = "numba"
    first.theme = "dark"
    for name in ("a.descida", "b.descida", "a.descida"):
        first.add_recent(str(tmp_path / name))
    first.sync()
    second = Settings(QtCore.QSettings(path, QtCore.QSettings.Format.IniFormat))
    assert second.last_directory == str(tmp_path) and second.backend == "numba" and second.theme == "dark"
    assert [p.rsplit("/", 1)[-1] for p in second.recent_files] == ["a.descida", "b.descida"]
    second.store.setValue("view/theme", "neon")
    second.store.setValue("files/last_directory", "/no/such/folder")
    assert second.theme == "light" and second.last_directory != "/no/such/folder"
