"""The main window: tabs, menus with shortcuts, the status bar, and file commands."""

from __future__ import annotations

from pathlib import Path

from PyQt5 import QtCore, QtGui, QtWidgets

from app.conv_tab import ConvolutionTab
from app.graph_tab import GraphTab
from app.persistence import export_widget_png
from app.playground_tab import PlaygroundTab
from app.session import Frame, PlaygroundSession
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

    def __init__(self, session: PlaygroundSession, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.last_error = ""
        self.last_directory = str(Path.cwd())
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
        self._build_menus()
        session.frame_ready.connect(self._on_frame)
        session.compile_started.connect(self._on_compile_started)
        session.busy_changed.connect(self._on_busy_changed)
        session.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.playground.history.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        session.diverged.connect(lambda text: self.statusBar().showMessage("Diverged: playback paused", 8000))
        session.failed.connect(lambda text: self.show_error("Compile failed", text))
        self.resize(1280, 800)

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
        self.open_action = self._action(file_menu, "&Open points (CSV)…", lambda: self.open_points(),
                                        [QtGui.QKeySequence.StandardKey.Open], "Replace the points with a CSV file (undoable)")
        self.save_action = self._action(file_menu, "&Save points (CSV)…", lambda: self.save_points(),
                                        [QtGui.QKeySequence.StandardKey.Save], "Write the points as x1,x2,label")
        self.open_image_action = self._action(file_menu, "Open &image…", lambda: (self.tabs.setCurrentWidget(
            self.convolution), self.convolution.open_image_dialog()), ["Ctrl+Shift+O"], "Open a picture (Convolution tab)")
        export = file_menu.addMenu("Export view as PNG")
        for name in self.exportable_views():
            self._action(export, name.capitalize() + "…", lambda _=False, n=name: self.export_view(n))
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, [QtGui.QKeySequence.StandardKey.Quit])

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
        self._action(train, "&Reset", lambda: s.reset(), ["R"], "New w(0) from the seed")
        self._action(train, "Reset with a &new seed", self._reset_new_seed, ["Shift+R"])

        view = self.menuBar().addMenu("&View")
        self._action(view, "&Frame all points", tab.fit_view, ["F"])
        self._action(view, "Gradient &arrow on the landscape", tab.landscape_panel.arrow.toggle, ["G"])
        self._action(view, "Fit the landscape to the paths", tab.landscape.fit, [])

        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&Mouse and keyboard", self._show_shortcuts, ["F1"])
        self._action(help_menu, "&About Descida", self._show_about)

    def _reset_new_seed(self) -> None:
        seed_box = self.playground.training_controls.seed
        seed_box.setValue(seed_box.value() + 1)  # emits seed_changed → session.set_seed
        self.session.reset()

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
        dialog = QtWidgets.QFileDialog.getSaveFileName if save else QtWidgets.QFileDialog.getOpenFileName
        path, _ = dialog(self, caption, self.last_directory, filters)
        if not path:
            return None
        if save and not Path(path).suffix:
            path += suffix
        self.last_directory = str(Path(path).parent)
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
                "landscape": self.playground.landscape_panel.view, "window": self}

    def export_view(self, name: str, path: str | None = None) -> bool:
        path = path or self._ask_path(True, f"Export {name} as PNG", "PNG images (*.png)", ".png")
        if not path:
            return False
        try:
            export_widget_png(self.exportable_views()[name], path)
        except OSError as error:
            self.show_error("Cannot export", str(error))
            return False
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.session.shutdown()
        self.convolution.shutdown()
        super().closeEvent(event)
