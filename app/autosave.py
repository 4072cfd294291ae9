"""Autosave and crash recovery: every change reaches the app's data folder within a second.

The session is snapshotted on the GUI thread (a copy of small arrays) and written by a
background thread, atomically (temp file, fsync, rename), so a kill at any moment leaves either
the previous autosave or the new one, never half a file. A clean exit removes the autosave; if
one is found at start-up, the previous run did not end cleanly and its work is offered back. A
damaged autosave is moved aside (never deleted) and does not stop the app.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PyQt5 import QtCore

from models.session_file import SessionContainer, SessionFileError, read_session_file, write_session_file

AUTOSAVE_NAME = "autosave.descida"
DEBOUNCE_MS = 400  # well inside the one-second promise, yet one write per burst of edits


def data_folder() -> Path:
    """The app's data folder (``QStandardPaths.AppDataLocation``), created if missing."""
    location = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(location or Path.home() / ".local" / "share" / "Descida")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class Recovery:
    """An autosave left by a run that did not end cleanly."""

    path: Path
    saved_at: float
    n_points: int
    container: SessionContainer

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.saved_at))
        return f"saved {when}, {self.n_points} point{'s' if self.n_points != 1 else ''}"


def find_recovery(folder: Path) -> tuple[Recovery | None, str]:
    """The autosave to offer back, or None; the message explains a damaged one that was set aside."""
    path = folder / AUTOSAVE_NAME
    if not path.exists():
        return None, ""
    try:
        container = read_session_file(path)
        saved_at = float(container.meta.get("saved_at", path.stat().st_mtime))
        n_points = int(container.meta.get("points", {}).get("count", 0))
    except (SessionFileError, ValueError, TypeError, AttributeError, OSError) as error:
        aside = path.with_name(f"autosave-damaged-{time.strftime('%Y%m%d-%H%M%S')}.descida")
        try:
            path.replace(aside)
        except OSError:
            return None, f"The autosave {path} is damaged ({error}) and could not be moved aside."
        return None, f"The autosave was damaged ({error}); it was kept as {aside.name}."
    return Recovery(path, saved_at, n_points, container), ""


class Autosaver(QtCore.QObject):
    """Writes ``snapshot()`` to the autosave file shortly after each :meth:`mark_dirty`.

    Signals
    -------
    saved(float)
        A write finished (the time it was taken).
    failed(str)
        A write failed (disk full, permissions); the next change retries.
    """

    saved = QtCore.pyqtSignal(float)
    failed = QtCore.pyqtSignal(str)

    def __init__(self, folder: Path, snapshot: Callable[[], SessionContainer], parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.path = folder / AUTOSAVE_NAME
        self.snapshot = snapshot
        self.enabled = True
        self._writer = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.save_now)

    def mark_dirty(self) -> None:
        """Something changed: save within :data:`DEBOUNCE_MS` (a burst of edits gives one write)."""
        if self.enabled and not self._timer.isActive():
            self._timer.start()

    def save_now(self) -> concurrent.futures.Future | None:
        if not self.enabled:
            return None
        container = self.snapshot()
        container.meta["saved_at"] = time.time()
        future = self._writer.submit(write_session_file, self.path, container)
        future.add_done_callback(self._on_written)
        return future

    def _on_written(self, future: concurrent.futures.Future) -> None:
        error = future.exception()
        if error is None:
            self.saved.emit(time.time())
        else:
            self.failed.emit(f"Autosave failed: {error}")

    def flush(self, timeout: float = 5.0) -> None:
        """Wait for pending writes (tests, shutdown)."""
        if self._timer.isActive():
            self._timer.stop()
            self.save_now()
        self._writer.submit(lambda: None).result(timeout)

    def discard(self) -> None:
        """The session ended cleanly (saved or deliberately closed): no recovery is needed."""
        self._timer.stop()
        self.enabled = False
        self._writer.shutdown(wait=True)
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
