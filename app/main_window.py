"""The main window: tabs, menus with shortcuts, the status bar, and file commands."""

from __future__ import annotations

from pathlib import Path

from PyQt5 import QtCore, QtGui, QtWidgets

from app.conv_tab import ConvolutionTab
from app.export_dialogs import AnimationDialog, ExportViewDialog
from app.exports import export_view as write_view
from app.file_dialogs import ask_path
from app.graph_tab import GraphTab
from app.playground_tab import PlaygroundTab
from app.session import Frame, PlaygroundSession
from app.session_files import SessionFiles
from app.theme import apply_theme
from models.backend import MODE_NAMES, available_backends
from models.points_csv import PointsFileError, read_points_csv, write_points_csv

APP_TITLE = "Descida"
SHORTCUTS_HELP = """<table>
<tr><td><b>Left-click</b></td><td>add a trout (class 0)</td></tr>
<tr><td><b>Right-click / Shift+click</b></td><td>add a salmon (class 1)</td></tr>
<tr><td><b>Click / drag a point</b></td><td>select / move it (the selection moves together)</td></tr>
<tr><td><b>Ctrl+click, Delete</b></td><td>delete a point / the selection</td></tr>
<tr><td><b>S</b></td><td>one gradient step (from the iteration shown: later ones are discarded, undoably)</td></tr>
<tr><td><b>←, →, End</b></td><td>back / forward through the history (→ at the latest: one step) / the latest</td></tr>
<tr><td><b>Click the cost landscape</b></td><td>start descent from there (undoable); drag pans, wheel zooms</td></tr>
<tr><td><b>G</b></td><td>show / hide the −∇L arrow on the landscape</td></tr>
<tr><td><b>Space</b></td><td>play / pause</td></tr>
<tr><td><b>R</b>, <b>Shift+R</b></td><td>reset w(0) from the seed / with a new seed</td></tr>
<tr><td><b>Ctrl+Z, Ctrl+Shift+Z</b></td><td>undo / redo any edit of the points</td></tr>
<tr><td><b>F</b></td><td>frame all points</td></tr>
<tr><td><b>Right-click a point</b></td><td>pin it to train / validation / test (split on)</td></tr>
<tr><td><b>Ctrl+E</b></td><td>sweep a hyperparameter (model selection)</td></tr>
</table>"""


class MainWindow(QtWidgets.QMainWindow):
    """Descida's window. Errors are shown in non-blocking message boxes (``last_error`` keeps the text)."""

    def __init__(self, session: PlaygroundSession, autosave_folder: Path | None = None, settings=None,
                 parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.last_error = ""
        self.last_directory = settings.last_directory if settings is not None else str(Path.cwd())
        self.setWindowTitle(f"{APP_TITLE} — watch gradient descent learn")
        self.tabs = QtWidgets.QTabWidget()
        self.playground = PlaygroundTab(session)
        self.tabs.addTab(self.playground, "Playground")
        self.convolution = ConvolutionTab(self.playground.session.backend)
        self.tabs.addTab(self.convolution, "Convolution")
        self.graph_tab = GraphTab(session)
        self.tabs.addTab(self.graph_tab, "Graph")
        self.setCentralWidget(self.tabs)
        self._build_status_bar()
        self.files = SessionFiles(self, autosave_folder, settings)
        self._build_menus()
        session.frame_ready.connect(self._on_frame)
        session.compile_started.connect(self._on_compile_started)
        session.busy_changed.connect(self._on_busy_changed)
        session.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.playground.history.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        session.diverged.connect(lambda text: self.statusBar().showMessage("Diverged: playback paused", 8000))
        session.failed.connect(lambda text: self.show_error("Compile failed", text))
        self.resize(1280, 800)
        if settings is not None:
            if settings.geometry is not None:
                self.restoreGeometry(settings.geometry)
            if settings.theme != "light":
                self.set_theme(settings.theme)

    # ------------------------------------------------------------------ status bar
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = QtWidgets.QLabel("Starting…")
        self.busy_label = QtWidgets.QLabel()
        self.busy_progress = QtWidgets.QProgressBar()
        self.busy_progress.setRange(0, 0)
        self.busy_progress.setMaximumWidth(120)
        self.busy_progress.setVisible(False)
        self.backend_label = QtWidgets.QLabel(self.session.backend.label)
        self.backend_label.setToolTip("The PyTensor mode computing every number (choose with --backend)")
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.busy_label)
        bar.addPermanentWidget(self.busy_progress)
        bar.addPermanentWidget(self.backend_label)

    def _on_frame(self, frame: Frame) -> None:
        self.status_label.setText(self.playground.status_text(frame))
        self.backend_label.setText(frame.backend_label)

    def _on_compile_started(self, what: str) -> None:
        self.busy_label.setText(f"Compiling {what}…")

    def _on_busy_changed(self, busy: bool) -> None:
        self.busy_progress.setVisible(busy)
        self.busy_label.setVisible(busy)
        if not busy:
            self.busy_label.setText("")

    # ------------------------------------------------------------------ menus
    def _action(self, menu: QtWidgets.QMenu, text: str, slot, shortcuts=(), tip: str = "") -> QtWidgets.QAction:
        action = QtWidgets.QAction(text, self)
        if shortcuts:
            action.setShortcuts([QtGui.QKeySequence(s) for s in shortcuts])
            action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def _build_menus(self) -> None:
        s, tab = self.session, self.playground
        file_menu = self.menuBar().addMenu("&File")
        files = self.files
        self._action(file_menu, "&Open…", lambda: files.open(), [QtGui.QKeySequence.StandardKey.Open],
                     "Open a session (.descida), or import points from a CSV file")
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.save_action = self._action(file_menu, "&Save", lambda: files.save(), [QtGui.QKeySequence.StandardKey.Save],
                                        "Save the whole session: points, model, descent, split, view")
        self._action(file_menu, "Save &as…", lambda: files.save_as(), ["Ctrl+Shift+S"])
        file_menu.addSeparator()
        self.open_action = self._action(file_menu, "&Import points (CSV)…", lambda: self.open_points(), ["Ctrl+I"],
                                        "Replace the points with a CSV file (undoable)")
        self._action(file_menu, "E&xport points (CSV)…", lambda: self.save_points(), [],
                     "Write the points as x1,x2,label")
        self.open_image_action = self._action(file_menu, "Open &image…", lambda: (self.tabs.setCurrentWidget(
            self.convolution), self.convolution.open_image_dialog()), ["Ctrl+Shift+O"], "Open a picture (Convolution tab)")
        file_menu.addSeparator()
        self._action(file_menu, "Export &view…", self._export_view_dialog, ["Ctrl+Shift+E"],
                     "Any view as PNG or SVG, at the size you choose")
        export = file_menu.addMenu("Export view as PNG")
        for name in self.exportable_views():
            self._action(export, name.capitalize() + "…", lambda _=False, n=name: self.export_view(n))
        self._action(file_menu, "Export descent &animation…", self._animation_dialog, [],
                     "Boundary, landscape and loss over a range of iterations, as a GIF or PNG frames")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, [QtGui.QKeySequence.StandardKey.Quit])
        self.rebuild_recent_menu()

        edit = self.menuBar().addMenu("&Edit")
        undo = s.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts([QtGui.QKeySequence("Ctrl+Z")])
        redo = s.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence("Ctrl+Y")])
        for action in (undo, redo):
            edit.addAction(action)
            self.addAction(action)
        self.undo_action, self.redo_action = undo, redo
        edit.addSeparator()
        self._action(edit, "&Delete selected points", tab.delete_selected, ["Delete"])
        self._action(edit, "Change class of selected points", lambda: s.relabel_points(tab.selected_points()), ["C"],
                     "Trout ↔ salmon for the selected points")
        self._action(edit, "Select &all points", tab.select_all, ["Ctrl+A"])
        self._action(edit, "&Clear all points", s.clear_points, [], "Delete every point (undoable)")

        train = self.menuBar().addMenu("&Train")
        self._action(train, "&Step", lambda: s.step(1), ["S"], "One gradient step (full batch or a mini-batch)")
        self._action(train, "Forward in history (or step)", tab.history.forward_or_step, ["Right"],
                     "One iteration forward through the history; at the latest, one new step")
        self._action(train, "Step &back in history", tab.history.back, ["Left"], "Show the previous iteration")
        self._action(train, "&Latest iteration", tab.history.latest, ["End"])
        self.play_action = self._action(train, "&Play / Pause", s.toggle_play, ["Space"], "Animate gradient descent")
        self._action(train, "&Reset", tab.reset, ["R"], "New w(0) from the seed (undoable)")
        self._action(train, "Reset with a &new seed", self._reset_new_seed, ["Shift+R"])

        view = self.menuBar().addMenu("&View")
        self._action(view, "&Frame all points", tab.fit_view, ["F"])
        self._action(view, "Gradient &arrow on the landscape", tab.landscape_panel.arrow.toggle, ["G"])
        self._action(view, "Fit the landscape to the paths", tab.landscape.fit, [])

        settings_menu = self.menuBar().addMenu("&Settings")
        backends = settings_menu.addMenu("Compute back end (from the next start)")
        group = QtWidgets.QActionGroup(self)
        chosen = self.settings.backend if self.settings is not None else ""
        for name in available_backends():
            action = backends.addAction(f"{MODE_NAMES[name]}" + (" (now)" if name == self.session.backend.name else ""))
            action.setCheckable(True)
            action.setChecked(name == (chosen or self.session.backend.name))
            action.triggered.connect(lambda _=False, n=name: self._choose_backend(n))
            group.addAction(action)
        themes = settings_menu.addMenu("Theme")
        theme_group = QtWidgets.QActionGroup(self)
        for theme in ("light", "dark"):
            action = themes.addAction(theme.capitalize())
            action.setCheckable(True)
            action.setChecked(theme == (self.settings.theme if self.settings is not None else "light"))
            action.triggered.connect(lambda _=False, t=theme: self.set_theme(t))
            theme_group.addAction(action)

        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&Mouse and keyboard", self._show_shortcuts, ["F1"])
        self._action(help_menu, "&About Descida", self._show_about)

    def rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files if self.settings is not None else []
        for path in recent:
            self.recent_menu.addAction(Path(path).name, lambda p=path: self.files.open(p)).setToolTip(path)
        self.recent_menu.setEnabled(bool(recent))

    def _choose_backend(self, name: str) -> None:
        if self.settings is not None:
            self.settings.backend = name
        self.statusBar().showMessage(f"Descida will compute with {MODE_NAMES[name]} from its next start", 6000)

    def set_theme(self, theme: str) -> None:
        apply_theme(self, theme)
        if self.settings is not None:
            self.settings.theme = theme

    def _reset_new_seed(self) -> None:
        seed_box = self.playground.training_controls.seed
        seed_box.setValue(seed_box.value() + 1)  # emits seed_changed → session.set_seed
        self.playground.reset()

    def _show_shortcuts(self) -> None:
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Information, "Mouse and keyboard", SHORTCUTS_HELP,
                                    parent=self)
        box.open()

    def _show_about(self) -> None:
        text = (f"<b>{APP_TITLE}</b>: a playground for learning how neural networks learn.<br>"
                f"Every number is computed by compiled PyTensor graphs ({self.session.backend.label}).")
        QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Information, "About", text, parent=self).open()

    # ------------------------------------------------------------------ errors
    def show_error(self, title: str, text: str) -> None:
        """A non-blocking message box; the window stays usable and nothing is lost."""
        self.last_error = text
        self.statusBar().showMessage(text, 10000)
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, title, text, parent=self)
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # ------------------------------------------------------------------ files
    def _ask_path(self, save: bool, caption: str, filters: str, suffix: str) -> str | None:
        path = ask_path(self, save, caption, self.last_directory, filters, suffix)
        if not path:
            return None
        self.last_directory = str(Path(path).parent)
        if self.settings is not None:
            self.settings.last_directory = self.last_directory
        return path

    def open_points(self, path: str | None = None) -> bool:
        """Replace the points with a CSV file; on a bad file show why and keep the current points."""
        path = path or self._ask_path(False, "Open points", "CSV files (*.csv);;All files (*)", ".csv")
        if not path:
            return False
        try:
            xy, labels = read_points_csv(path)
        except PointsFileError as error:
            self.show_error("Cannot open points", f"{error}\n\nThe current points are unchanged.")
            return False
        self.session.replace_points(xy, labels, f"Open {Path(path).name}")
        self.statusBar().showMessage(f"Opened {len(labels)} points from {path}", 5000)
        return True

    def save_points(self, path: str | None = None, class_names: bool = False) -> bool:
        path = path or self._ask_path(True, "Save points", "CSV files (*.csv)", ".csv")
        if not path:
            return False
        try:
            write_points_csv(path, self.session.points.xy, self.session.points.labels, class_names)
        except OSError as error:
            self.show_error("Cannot save points", f"{path}: {error.strerror or error}")
            return False
        self.statusBar().showMessage(f"Saved {len(self.session.points)} points to {path}", 5000)
        return True

    def exportable_views(self) -> dict[str, QtWidgets.QWidget]:
        return {"boundary": self.playground.canvas, "loss": self.playground.loss_plot,
                "landscape": self.playground.landscape_panel.view, "filters": self.convolution,
                "graph": self.graph_tab, "window": self}

    def export_view(self, name: str, path: str | None = None, size: tuple[int, int] | None = None) -> bool:
        """Write a view as PNG or SVG (by the file's extension) at ``size``; say why if it fails."""
        path = path or self._ask_path(True, f"Export {name}", "PNG images (*.png);;SVG drawings (*.svg)", ".png")
        if not path:
            return False
        try:
            written = write_view(self.exportable_views()[name], path, size)
        except (OSError, ValueError) as error:
            self.show_error("Cannot export", str(error))
            return False
        self.statusBar().showMessage(f"Saved {written}", 5000)
        return True

    def _export_view_dialog(self) -> None:
        dialog = ExportViewDialog(self, list(self.exportable_views()), self.last_directory)
        if dialog.exec_() == QtWidgets.QDialog.DialogCode.Accepted:
            name, path, size = dialog.choice()
            self.last_directory = str(Path(path).parent)
            self.export_view(name, path, size)

    def _animation_dialog(self) -> None:
        trainer = self.session.trainer
        if trainer is None or trainer.iteration == 0:
            self.show_error("Nothing to animate yet", "Step or play gradient descent first.")
            return
        AnimationDialog(self, trainer.iteration, self.last_directory).open()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.files.confirm_close():
            event.ignore()
            return
        self.files.ask_on_close = False  # answered once: a second close (at exit) does not ask again
        if self.settings is not None:
            self.settings.geometry = self.saveGeometry()
            self.settings.last_directory = self.last_directory
            self.settings.sync()
        self.files.closed_cleanly()
        self.session.shutdown()
        self.convolution.shutdown()
        super().closeEvent(event)
