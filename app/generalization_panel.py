"""The Playground's generalization view: split controls and model selection in the side panel, a
Metrics / Model-selection pane beside the loss plot, split markers and a pin menu on the canvas.

:func:`attach_generalization` adds it all to an existing :class:`~app.playground_tab.PlaygroundTab`
(its only hook there is one line), so the tab's own layout and wiring stay as they are. With the
split switched off (the default) the playground behaves exactly as before.
"""

from __future__ import annotations

import math

from PyQt5 import QtCore, QtGui, QtWidgets

from app.split_controller import SplitController
from app.split_monitor import SplitMonitor
from app.sweep_controller import SweepController
from models.metrics import SplitMetrics
from models.splits import SPLIT_NAMES, TEST, TRAIN, VALIDATION, split_problems
from models.sweep import PARAMS
from widgets.metrics_panel import MetricsPanel
from widgets.split_controls import SplitControls
from widgets.split_style import SPLIT_COLORS, split_icon
from widgets.sweep_controls import SweepControls
from widgets.sweep_plot import SweepPlot

#: Share of the views' height the metrics / sweep row gets once the split is on.
BOTTOM_SHARE = 0.48
#: After the split is switched on: lay out the hidden page, then compile the sweep graph in the worker.
LAYOUT_DELAY_MS = 150
WARM_UP_DELAY_MS = 400


def _place_beside(widget: QtWidgets.QWidget, extra: QtWidgets.QWidget) -> QtWidgets.QSplitter:
    """Put ``widget`` and ``extra`` side by side in a new splitter, where ``widget`` was."""
    parent = widget.parentWidget()
    splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
    splitter.setSizePolicy(widget.sizePolicy())  # keeps the stretch factor the parent splitter gave it
    if isinstance(parent, QtWidgets.QSplitter):
        sizes = parent.sizes()
        parent.insertWidget(parent.indexOf(widget), splitter)
        splitter.addWidget(widget)
        if any(sizes):  # before the first show every size is 0, and restoring that would collapse them
            parent.setSizes(sizes)
    elif parent is not None and parent.layout() is not None:
        parent.layout().replaceWidget(widget, splitter)
        splitter.addWidget(widget)
    else:
        splitter.addWidget(widget)
    splitter.addWidget(extra)
    splitter.setChildrenCollapsible(False)
    return splitter


class GeneralizationPanel(QtCore.QObject):
    """Owns the split, its monitor and the sweep controller of one tab, and the widgets showing them."""

    def __init__(self, tab) -> None:
        super().__init__(tab)
        self.tab, self.session, self.canvas = tab, tab.session, tab.canvas
        self.split = SplitController(self.session, self)
        self.monitor = SplitMonitor(self.session, self.split, self)
        self.sweeper = SweepController(self.session, self.split, self)
        self.split_controls = SplitControls()
        self.sweep_controls = SweepControls()
        self.metrics = MetricsPanel()
        self.sweep_plot = SweepPlot()
        self.selection_page = QtWidgets.QWidget()
        page = QtWidgets.QVBoxLayout(self.selection_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addWidget(self.sweep_controls)
        page.addWidget(self.sweep_plot, 1)
        self.pane = QtWidgets.QTabWidget()
        self.pane.addTab(self.metrics, "Metrics")
        self.pane.addTab(self.selection_page, "Model selection")
        self.point_menu: QtWidgets.QMenu | None = None
        self.early_stopping = False
        self._pages_laid_out = False
        self._install()
        self._connect()
        self._on_split_changed()
        self._on_test_record()

    # ------------------------------------------------------------------ layout
    def _install(self) -> None:
        panel = self.tab.training_controls.parentWidget().layout()
        index = panel.indexOf(self.tab.training_controls)
        panel.insertWidget(index + 1, self.split_controls)
        self.bottom = _place_beside(self.tab.loss_plot, self.pane)
        self.bottom.setStretchFactor(0, 1)
        self.bottom.setStretchFactor(1, 1)
        self.pane.setMinimumWidth(440)
        self.pane.setVisible(False)
        self.warm_timer = QtCore.QTimer(self)
        self.warm_timer.setSingleShot(True)
        self.warm_timer.setInterval(WARM_UP_DELAY_MS)
        self.warm_timer.timeout.connect(self._warm_up)
        self.layout_timer = QtCore.QTimer(self)
        self.layout_timer.setSingleShot(True)
        self.layout_timer.setInterval(LAYOUT_DELAY_MS)
        self.layout_timer.timeout.connect(self._lay_out_pages)
        shortcut = QtWidgets.QShortcut(QtGui.QKeySequence("Ctrl+E"), self.tab)
        shortcut.activated.connect(self.start_sweep)

    @staticmethod
    def _reveal_in_panel(widget: QtWidgets.QWidget) -> None:
        """Scroll the side panel so that ``widget`` is in view."""
        parent = widget.parentWidget()
        while parent is not None and not isinstance(parent, QtWidgets.QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            QtCore.QTimer.singleShot(0, lambda: parent.ensureWidgetVisible(widget, 0, 0))

    def _grow_bottom(self) -> None:
        """Give the metrics / sweep row enough height to read (the canvas keeps the rest)."""
        outer = self.bottom.parentWidget()
        if not isinstance(outer, QtWidgets.QSplitter):
            return
        sizes, i = outer.sizes(), outer.indexOf(self.bottom)
        total = sum(sizes)
        if total <= 0 or sizes[i] >= BOTTOM_SHARE * total:
            return
        rest = total - int(BOTTOM_SHARE * total)
        others = sum(s for j, s in enumerate(sizes) if j != i) or 1
        outer.setSizes([int(BOTTOM_SHARE * total) if j == i else int(s * rest / others) for j, s in enumerate(sizes)])

    # ------------------------------------------------------------------ wiring
    def _connect(self) -> None:
        sc, split, sweeper, controls = self.split_controls, self.split, self.sweeper, self.sweep_controls
        sc.enabled_toggled.connect(self._on_enabled)
        sc.percentages_changed.connect(split.request_percentages)
        sc.redraw_requested.connect(split.request_redraw)
        sc.seed_changed.connect(split.request_seed)
        sc.visibility_changed.connect(split.set_visible)
        sc.early_stopping_toggled.connect(self._on_early_stopping)
        split.changed.connect(self._on_split_changed)
        split.view_changed.connect(self._show_markers)
        split.test_record_changed.connect(self._on_test_record)
        split.message.connect(self.tab.notice.show_message)
        self.monitor.updated.connect(self._on_metrics)
        self.canvas.point_menu_requested.connect(self._show_point_menu)
        controls.sweep_requested.connect(self.start_sweep)
        controls.param.currentIndexChanged.connect(lambda _i: self.split.enabled and self.warm_timer.start())
        controls.stop_requested.connect(sweeper.stop)
        controls.test_requested.connect(sweeper.evaluate_test)
        sweeper.started.connect(self._on_sweep_started)
        sweeper.point_added.connect(self._on_sweep_point)
        sweeper.finished.connect(self._on_sweep_finished)
        sweeper.test_scored.connect(self._on_test_scored)
        sweeper.failed.connect(lambda text: controls.show_status(text, error=True))
        sweeper.progress.connect(lambda text: controls.show_status(text))

    # ------------------------------------------------------------------ split
    def _on_enabled(self, on: bool) -> None:
        self.pane.setVisible(on)
        if on:
            self._grow_bottom()
            if not self._pages_laid_out:
                self.layout_timer.start()
            self.warm_timer.start()  # compile the sweep graph once the new pane is drawn: they never compete
            width = sum(self.bottom.sizes())
            if width > 0:
                self.bottom.setSizes([int(0.45 * width), width - int(0.45 * width)])
            self._reveal_in_panel(self.split_controls)
        else:
            for name in ("validation", "test"):
                self.tab.loss_plot.remove_series(name)
            self.tab.loss_plot.set_annotation("early stopping", None)
        self.split.set_enabled(on)

    def _lay_out_pages(self) -> None:
        """Lay out and paint the hidden Model-selection page once, soon after the pane appears and before
        the sweep graph compiles: its first layout and paint (pyqtgraph's resize and auto-range) costs
        ~40 ms of GUI time, which a compiling worker would stretch past 100 ms."""
        if self._pages_laid_out or not self.pane.isVisible():
            return
        self._pages_laid_out = True
        current = self.pane.currentIndex()
        self.pane.setCurrentWidget(self.selection_page)
        QtCore.QCoreApplication.sendPostedEvents()
        self.selection_page.repaint()
        self.pane.setCurrentIndex(current)

    def _warm_up(self, *_args) -> None:
        if self.split.enabled:
            self.sweeper.warm_up(self.sweep_controls.param_name())

    def _on_split_changed(self) -> None:
        plan = self.split.plan
        self.split_controls.show_plan(plan.train, plan.validation, plan.seed)
        self.split_controls.show_counts(*self.split.counts(), self.split.pinned_count())
        self._show_markers()
        self._warn_about_the_split()

    def _warn_about_the_split(self) -> None:
        """A notice (never a dialog) while the training split cannot teach both classes."""
        notice = self.tab.notice
        problems = []
        if self.split.enabled and len(self.session.points):
            problems = split_problems(self.split.codes(), self.session.points.labels, need_validation=False)
        if problems:
            notice.show_message(" ".join(problems))
        elif notice.isVisible() and notice.label.text().startswith("The training split"):
            notice.hide()

    def _show_markers(self) -> None:
        if not self.split.enabled:
            self.canvas.set_splits(None)
            return
        rings = {TRAIN, VALIDATION} | ({TEST} if self.split.test_revealed else set())
        self.canvas.set_splits(self.split.codes(), self.split.hidden, rings)

    def _on_test_record(self) -> None:
        split = self.split
        self.split_controls.show_test_status(len(split.test_uses), split.test_revealed, split.last_test_use())
        self._show_markers()
        if not split.test_revealed:
            self.tab.loss_plot.remove_series("test")
        if self.monitor.metrics:
            self._on_metrics(self.monitor.metrics)

    # ------------------------------------------------------------------ per frame
    def _on_metrics(self, metrics: list[SplitMetrics]) -> None:
        revealed = self.split.test_revealed
        self.metrics.show_metrics(metrics, revealed)
        curves, plot = self.monitor.curves, self.tab.loss_plot
        plot.set_series("validation", curves.validation, SPLIT_COLORS[VALIDATION], curves.iterations)
        if revealed:
            plot.set_series("test", curves.test, SPLIT_COLORS[TEST], curves.iterations)
        best = curves.best_validation()
        note = "" if best is None else f"Lowest validation loss so far: {best[1]:.3f} at iteration {best[0]}."
        self.metrics.show_note(note)
        shown = best if self.early_stopping and best is not None else None
        plot.set_annotation("early stopping", None if shown is None else shown[0], SPLIT_COLORS[VALIDATION],
                            "" if shown is None else f"early stop: {shown[0]}")

    def _on_early_stopping(self, on: bool) -> None:
        self.early_stopping = on
        if self.monitor.metrics:
            self._on_metrics(self.monitor.metrics)

    # ------------------------------------------------------------------ pins
    def _show_point_menu(self, index: int, where: QtCore.QPoint) -> None:
        if not self.split.enabled:
            return
        selection = self.canvas.selection
        indices = list(selection) if index in selection else [index]
        ids = [int(self.session.points.ids[i]) for i in indices]
        pins = {self.split.plan.pin_of(i) for i in ids}
        code = int(self.split.codes()[index])
        menu = QtWidgets.QMenu(self.canvas)
        what = f"{len(ids)} selected points" if len(ids) > 1 else f"This point: {SPLIT_NAMES[code]}"
        menu.addSection(what + (" (pinned)" if pins != {None} and len(ids) == 1 else ""))
        for split, name in enumerate(SPLIT_NAMES):
            action = menu.addAction(split_icon(split), f"Pin to {name}")
            action.setCheckable(True)
            action.setChecked(pins == {split})
            action.triggered.connect(lambda _=False, s=split: self.split.request_pin(indices, s))
        menu.addSeparator()
        unpin = menu.addAction("Unpin (back to the random draw)")
        unpin.setEnabled(pins != {None})
        unpin.triggered.connect(lambda: self.split.request_pin(indices, None))
        menu.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.point_menu = menu
        menu.popup(where)

    # ------------------------------------------------------------------ sweep
    def start_sweep(self) -> None:
        if not self.split.enabled:
            self.split_controls.enabled.setChecked(True)
        controls = self.sweep_controls
        controls.show_status("")
        self.sweeper.start(controls.param_name(), controls.values.text(), controls.steps.value())

    def _on_sweep_started(self, request) -> None:
        info = PARAMS[request.param]
        self.sweep_plot.set_axis(info.title, info.log_axis, request.model_label())
        self.sweep_controls.show_running(True)
        self.sweep_controls.test.setEnabled(False)
        self.sweep_controls.show_progress(0, len(request.values))
        self.sweep_controls.show_status("Waiting for the compile thread…" if self.session.busy else "")
        self.pane.setCurrentWidget(self.selection_page)
        QtCore.QCoreApplication.sendPostedEvents()  # lay the page out now, before the worker competes

    def _on_sweep_point(self, _point) -> None:
        sweeper = self.sweeper
        points = sweeper.points
        self.sweep_plot.set_points([p.value for p in points], [p.train_error for p in points],
                                   [p.val_error for p in points])
        choice = sweeper.choice
        value = lambda i: None if i is None else points[i].value  # noqa: E731
        self.sweep_plot.set_choice(value(choice.by_validation), value(choice.by_training))
        self.sweep_controls.show_progress(len(points), len(sweeper.request.values))

    def _on_sweep_finished(self, outcome: str) -> None:
        controls, sweeper = self.sweep_controls, self.sweeper
        controls.show_running(False)
        controls.test.setEnabled(sweeper.chosen() is not None)
        n, total = len(sweeper.points), len(sweeper.request.values) if sweeper.request else 0
        diverged = [p.value for p in sweeper.points if p.diverged]
        if sweeper.dropped:
            skipped = ", ".join(f"{v:g}" for v in sweeper.dropped)
            diverged_note = f" (k = {skipped} skipped: > {sweeper.data.counts[TRAIN]} training points.)"
        else:
            diverged_note = ""
        if outcome == "stopped":
            controls.show_status(f"Stopped after {n} of {total} values; they stay on the plot.")
        elif outcome == "done":
            chosen = sweeper.chosen()
            text = (f"Best by validation: {chosen.value:g}." if chosen is not None
                    else "No value could be trained.")
            if diverged:
                text += (f" Diverged (NaN/inf) at {', '.join(f'{v:g}' for v in diverged)}: "
                         "try a smaller learning rate.")
            controls.show_status(text + diverged_note + " Evaluate it on test once, at the end.",
                                 error=chosen is None)

    def _on_test_scored(self, score) -> None:
        self.sweep_plot.set_test(score.value, score.error)
        self.sweep_controls.test.setEnabled(False)  # once per sweep: the number would not change
        error = "—" if math.isnan(score.error) else f"{100 * score.error:.1f}%"
        self.sweep_controls.show_status(f"Test error at {score.value:g}: {error} ({score.n} points). "
                                        "The test set is now used.")


def attach_generalization(tab) -> GeneralizationPanel:
    """Add the generalization view to a Playground tab."""
    return GeneralizationPanel(tab)
