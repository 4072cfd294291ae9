"""Session files for the window: Open / Save / Save As / Open Recent, the title bar's file name and
unsaved-changes marker, the question on closing, the autosave and the offer to recover.

Every way of changing the work (an edit, a step, a knob) marks the session modified and
schedules an autosave; saving or deliberately discarding ends the need for recovery.
"""

from __future__ import annotations

import time
from pathlib import Path

from PyQt5 import QtCore, QtWidgets

from app.autosave import Autosaver, Recovery, find_recovery
from app.session_io import apply_state, capture_state
from models.session_file import SessionFileError, read_session_file, write_session_file
from models.session_state import SessionStateError, parse_state, to_container

SUFFIX = ".descida"
FILTER = "Descida sessions (*.descida)"


class SessionFiles(QtCore.QObject):
    """File commands of one :class:`~app.main_window.MainWindow`.

    Signals
    -------
    changed(bool)
        The modified flag changed.
    """

    changed = QtCore.pyqtSignal(bool)

    def __init__(self, window, autosave_folder: Path | None = None, settings=None) -> None:
        super().__init__(window)
        self.window, self.settings = window, settings
        self.path: Path | None = None
        self.modified = False
        self.ask_on_close = False
        self.recovery_box: QtWidgets.QMessageBox | None = None
        self.autosaver = None
        if autosave_folder is not None:
            self.autosaver = Autosaver(Path(autosave_folder), lambda: to_container(capture_state(window), True), self)
            self.autosaver.failed.connect(lambda text: window.statusBar().showMessage(text, 8000))
        self._connect_changes()
        self._update_title()

    # ------------------------------------------------------------------ modified
    def _connect_changes(self) -> None:
        w, s, tab = self.window, self.window.session, self.window.playground
        signals = [s.undo_stack.indexChanged, s.stepped, s.restarted, tab.model_controls.spec_changed,
                   tab.training_controls.lr_changed, tab.training_controls.steps_per_frame_changed,
                   tab.training_controls.standardize_toggled, tab.training_controls.seed_changed,
                   tab.model_controls.l2_changed, tab.optimizer_controls.optimizer_changed,
                   tab.optimizer_controls.hyperparameters_changed, tab.optimizer_controls.race_changed,
                   tab.optimizer_controls.batch_size_changed, tab.generalization.split.changed,
                   tab.generalization.split.test_record_changed]
        for signal in signals:
            signal.connect(self.mark_modified)
        w.tabs.currentChanged.connect(lambda _i: self.autosaver and self.autosaver.mark_dirty())

    def mark_modified(self, *_args) -> None:
        if self.autosaver is not None:
            self.autosaver.mark_dirty()
        if not self.modified:
            self.modified = True
            self._update_title()
            self.changed.emit(True)

    def _mark_clean(self) -> None:
        self.modified = False
        self._update_title()
        self.changed.emit(False)

    def _update_title(self) -> None:
        name = self.path.name if self.path else "untitled"
        self.window.setWindowTitle(f"{name}[*] — Descida")
        self.window.setWindowModified(self.modified)

    # ------------------------------------------------------------------ saving
    def save(self) -> bool:
        return self.save_as(self.path) if self.path else self.save_as()

    def save_as(self, path: str | Path | None = None) -> bool:
        path = path or self.window._ask_path(True, "Save session", FILTER, SUFFIX)
        if not path:
            return False
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(SUFFIX)
        try:
            write_session_file(path, to_container(capture_state(self.window)))
        except (OSError, ValueError) as error:
            self.window.show_error("Cannot save the session", f"{path}: {getattr(error, 'strerror', None) or error}")
            return False
        self.path = path
        self._remember(path)
        self._mark_clean()
        self.window.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    # ------------------------------------------------------------------ opening
    def open(self, path: str | Path | None = None) -> bool:
        """Open a session (or import a CSV of points); a bad file changes nothing and says why."""
        path = path or self.window._ask_path(False, "Open", f"{FILTER};;Points (*.csv);;All files (*)", SUFFIX)
        if not path:
            return False
        path = Path(path)
        if path.suffix.lower() == ".csv":
            return self.window.open_points(str(path))
        try:
            state = parse_state(read_session_file(path))
        except (SessionFileError, SessionStateError) as error:
            self.window.show_error("Cannot open the session",
                                   f"{path}: {error}\n\nNothing was changed; your current work is as it was.")
            return False
        apply_state(self.window, state)
        self.path = path
        self._remember(path)
        self._mark_clean()
        self.window.statusBar().showMessage(f"Opened {path} ({state.n_points} points)", 5000)
        return True

    def _remember(self, path: Path) -> None:
        if self.settings is not None:
            self.settings.add_recent(str(path))
            self.settings.last_directory = str(path.parent)
            self.window.rebuild_recent_menu()

    # ------------------------------------------------------------------ recovery
    def offer_recovery(self) -> Recovery | None:
        """If the last run did not end cleanly, offer its autosave back (a non-blocking question)."""
        if self.autosaver is None:
            return None
        recovery, problem = find_recovery(self.autosaver.path.parent)
        if problem:
            self.window.show_error("Autosave damaged", problem)
        if recovery is None:
            return None
        self.autosaver.enabled = False  # keep the file until the user has chosen
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Question, "Recover unsaved work?",
                                    f"Descida did not close cleanly last time. Restore the unsaved session "
                                    f"({recovery.describe()})?", parent=self.window)
        restore = box.addButton("Restore", QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Discard", QtWidgets.QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(restore)
        box.buttonClicked.connect(lambda button: self._on_recovery_choice(recovery, button is restore))
        self.recovery_box = box
        box.open()
        return recovery

    def _on_recovery_choice(self, recovery: Recovery, restore: bool) -> None:
        self.recovery_box = None
        if restore:
            try:
                apply_state(self.window, parse_state(recovery.container))
            except SessionStateError as error:
                self.window.show_error("Cannot restore", f"The autosave could not be used: {error}")
            else:
                self.mark_modified()  # recovered work is not saved anywhere yet
        else:
            aside = recovery.path.with_name(f"autosave-discarded-{time.strftime('%Y%m%d-%H%M%S')}{SUFFIX}")
            try:
                recovery.path.replace(aside)  # never delete what a user made: keep it aside
            except OSError:
                pass
        self.autosaver.enabled = True
        self.autosaver.mark_dirty()

    # ------------------------------------------------------------------ closing
    def confirm_close(self) -> bool:
        """Ask about unsaved changes (when asking is on); True when the window may close."""
        if self.modified and self.ask_on_close:
            answer = QtWidgets.QMessageBox.question(
                self.window, "Unsaved changes", "Save the session before closing?",
                QtWidgets.QMessageBox.StandardButton.Save | QtWidgets.QMessageBox.StandardButton.Discard
                | QtWidgets.QMessageBox.StandardButton.Cancel, QtWidgets.QMessageBox.StandardButton.Save)
            if answer == QtWidgets.QMessageBox.StandardButton.Cancel:
                return False
            if answer == QtWidgets.QMessageBox.StandardButton.Save and not self.save():
                return False
        return True

    def closed_cleanly(self) -> None:
        if self.autosaver is not None and self.recovery_box is None:
            self.autosaver.discard()
