"""The Graph tab: symbolic computation made visible.

An expression editor (the tutorial's ``e = a·b + c`` preloaded) or the playground model's own
cost/gradient graph, drawn as a node-link diagram as written or as compiled, with every node's
value and gradient on hover. Building and compiling run in the session's worker (one thread for
all PyTensor compiling, so the tab never races the playground's own compiles); the GUI thread
only lays out and draws. Requests coalesce: while one job runs, only the newest request waits,
and a rebuild request outranks a re-evaluation.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
from PyQt5 import QtCore, QtGui, QtWidgets

from app.graph_jobs import (BuildFailed, Built, build_model_job, build_program_job, evaluate_model_job,
                            evaluate_program_job)
from app.graph_text import diagram_nodes, node_tooltip, outputs_html, value_line
from app.latest_job import LatestJobQueue
from models.expression_parser import ExpressionError
from models.expressions import EXAMPLE_TEXT, EXAMPLE_VALUES, HELP
from models.graph_extract import REWRITE_MODES
from models.model_graph import model_root_values
from widgets.expression_editor import ExpressionEditor
from widgets.graph_controls import GraphToolbar, ModelPanel
from widgets.graph_view import GraphView

FRAME_THROTTLE_MS = 120
INSPECTOR_HELP = ("Hover a node to see its operation, type and shape, its value for the current inputs, and the "
                  "gradient of the output with respect to it. Wheel or +/− zooms, 0 fits, drag to pan.")


def available_modes(backend_mode: str) -> list[str]:
    """Rewrite sets the tab can show (JAX/NUMBA only where installed), the playground's own first."""
    present = [m for m in REWRITE_MODES if m == "FAST_COMPILE" or importlib.util.find_spec(m.lower())]
    return sorted(present, key=lambda m: m != backend_mode)


class GraphTab(QtWidgets.QWidget):
    """The tab. ``session`` is the playground's :class:`~app.session.PlaygroundSession`.

    Signals
    -------
    graph_shown()
        A newly built graph is on screen (with its values when they could be computed).
    values_shown()
        New values are on the graph already shown.
    """

    graph_shown = QtCore.pyqtSignal()
    values_shown = QtCore.pyqtSignal()

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.source, self.view_kind, self.model_kind = "expression", "written", "cost"
        self.mode = available_modes(session.backend.mode_name)[0]
        self.target = ""
        self.inputs: dict[str, np.ndarray] = {k: np.array(v) for k, v in EXAMPLE_VALUES.items()}
        self.bundles: dict[str, object] = {"expression": None, "model": None}
        self.values: dict[str, object] = {"expression": None, "model": None}
        self.text = EXAMPLE_TEXT
        self.last_error = ""
        self._model_stale = True
        self.jobs = LatestJobQueue(session.runner, self._make_job, self)
        self._build_ui()
        self._connect()
        self.editor.set_text(EXAMPLE_TEXT)
        if session.last_frame is not None:
            self.model_panel.show_frame(session.last_frame)

    # ------------------------------------------------------------------ layout
    def _build_ui(self) -> None:
        self.editor = ExpressionEditor(HELP)
        self.model_panel = ModelPanel()
        self.left = QtWidgets.QStackedWidget()
        self.left.addWidget(self.editor)
        self.left.addWidget(self.model_panel)
        self.left.setMinimumWidth(320)
        self.left.setMaximumWidth(420)
        self.toolbar = GraphToolbar(available_modes(self.session.backend.mode_name), self.session.backend.mode_name)
        self.view = GraphView()
        self.inspector = QtWidgets.QLabel(INSPECTOR_HELP)
        self.inspector.setWordWrap(True)
        self.inspector.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.inspector.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop | QtCore.Qt.AlignmentFlag.AlignLeft)
        self.inspector.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.inspector.setStyleSheet("QLabel { background: #fafafa; border: 1px solid #ddd; padding: 6px; }")
        inspector_scroll = QtWidgets.QScrollArea()
        inspector_scroll.setWidget(self.inspector)
        inspector_scroll.setWidgetResizable(True)
        inspector_scroll.setFixedHeight(150)
        right = QtWidgets.QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.toolbar)
        right.addWidget(self.view, 1)
        right.addWidget(inspector_scroll)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(self.left)
        layout.addLayout(right, 1)
        self._shortcut("Ctrl+Shift+E", lambda: self.toolbar.export_button.showMenu())
        self._shortcut("Ctrl+1", lambda: self.toolbar.set_view_kind("written"))
        self._shortcut("Ctrl+2", lambda: self.toolbar.set_view_kind("compiled"))

    def _shortcut(self, keys: str, slot) -> None:
        shortcut = QtWidgets.QShortcut(QtGui.QKeySequence(keys), self)
        shortcut.setContext(QtCore.Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    def _connect(self) -> None:
        self.editor.evaluate_requested.connect(self.set_program_text)
        self.editor.value_edited.connect(self.set_input_text)
        tb = self.toolbar
        tb.source_changed.connect(self.set_source)
        tb.view_kind_changed.connect(self.set_view_kind)
        tb.mode_changed.connect(self.set_mode)
        tb.model_kind_changed.connect(self.set_model_kind)
        tb.target_changed.connect(self.set_target)
        tb.zoom_requested.connect(self._on_zoom)
        tb.export_requested.connect(self._ask_export)
        self.model_panel.step_requested.connect(lambda: self.session.step(1))
        self.view.node_hovered.connect(self._on_node_hovered)
        self.jobs.result.connect(self._on_result)
        self.jobs.failed.connect(self._on_failed)
        self.jobs.busy_changed.connect(self.toolbar.set_busy)
        self.session.frame_ready.connect(self._on_frame)
        self.session.model_changed.connect(self._on_model_changed)
        self._throttle = QtCore.QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(FRAME_THROTTLE_MS)
        self._throttle.timeout.connect(lambda: self._request("evaluate"))

    # ------------------------------------------------------------------ user intents
    def set_program_text(self, text: str) -> None:
        self.text = text
        self._request("build")

    def set_input_text(self, name: str, text: str) -> None:
        """A value typed for input ``name``: checked here, evaluated in the worker."""
        program = self._program()
        if program is None or name not in {s.name for s in program.inputs}:
            return
        try:
            value = program.coerce(name, text)
        except ExpressionError as error:
            self.editor.show_value_error(name, str(error))
            self.last_error = str(error)
            return
        self.editor.show_value_error(name, "")
        self.inputs[name] = value
        self._request("evaluate")

    def set_source(self, source: str) -> None:
        self.source = source
        self.left.setCurrentWidget(self.editor if source == "expression" else self.model_panel)
        if self.bundles[source] is not None and not (source == "model" and self._model_stale):
            self._show_graph()
        else:
            self._request("build")

    def set_view_kind(self, kind: str) -> None:
        self.view_kind = kind
        self._show_graph()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self._model_stale = True
        self._request("build")

    def set_model_kind(self, kind: str) -> None:
        self.model_kind = kind
        self._model_stale = True
        if self.source == "model":
            self._request("build")

    def set_target(self, name: str) -> None:
        if name and name != self.target:
            self.target = name
            self._request("build")

    def ensure_started(self) -> None:
        """Build the current graph if nothing was built yet (the tab builds lazily, on first show)."""
        if self.bundles[self.source] is None and self.jobs.idle:
            self._request("build")

    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.ensure_started()
        if self.source == "model" and self._model_stale:
            self._request("build")

    # ------------------------------------------------------------------ playground model
    def _on_frame(self, frame) -> None:
        self.model_panel.show_frame(frame)
        if self.source == "model" and self.isVisible() and not self._throttle.isActive():
            self._throttle.start()

    def _on_model_changed(self, _spec) -> None:
        self._model_stale = True
        if self.source == "model" and self.isVisible():
            self._request("build")

    # ------------------------------------------------------------------ jobs
    def _request(self, level: str) -> None:
        self.jobs.request(level)

    def _make_job(self, level: str):
        """The job for a request, made when it starts: it sees the newest text, values and model."""
        bundle = self.bundles[self.source]
        busy = "Waiting for the playground's compile…" if self.session.busy else "Building the graph…"
        if self.source == "expression":
            if level == "build" or bundle is None:
                previous = {s.name: s.default for s in bundle.source.inputs} if bundle is not None else None
                job = build_program_job(self.text, dict(self.inputs), self.mode, self.target, previous)
                return "graph: build program", job, busy
            inputs = {s.name: self.inputs.get(s.name, s.default) for s in bundle.source.inputs}
            return "graph: evaluate program", evaluate_program_job(bundle, inputs), ""
        trainer = self.session.trainer
        if trainer is None or not self.session.ready:
            self.model_panel.show_waiting()
            return None
        snapshot = model_root_values(trainer)
        if level == "build" or bundle is None or bundle.source is not trainer.classifier or self._model_stale:
            self._model_stale = False
            job = build_model_job(trainer.classifier, self.model_kind, self.mode, snapshot)
            return "graph: build model", job, busy
        return "graph: evaluate model", evaluate_model_job(bundle, snapshot), ""

    def _on_failed(self, message: str) -> None:
        self.last_error = message
        self.toolbar.show_status(f"Failed: {message}")

    def _on_result(self, result) -> None:
        if isinstance(result, BuildFailed):
            error = result.error
            self.last_error = str(error)
            self.editor.show_error(str(error), error.offset)
            return
        source = result.origin
        new_graph = isinstance(result, Built)
        if not new_graph and result.bundle is not self.bundles[source]:
            return  # values of a graph that has since been replaced
        self.bundles[source] = result.bundle
        self.values[source] = result.values
        if source == "expression":
            self._show_program(result)
        if source != self.source:
            return
        self.last_error = result.error
        self.toolbar.show_status(result.error)
        if new_graph:
            self._show_graph()
            self.graph_shown.emit()
        else:
            self._show_values()
            self.values_shown.emit()

    # ------------------------------------------------------------------ drawing
    def _program(self):
        bundle = self.bundles["expression"]
        return bundle.source if bundle is not None else None

    def _show_program(self, result) -> None:
        program = result.bundle.source
        if isinstance(result, Built):
            self.editor.clear_error()
            self.target = program.outputs[result.bundle.target]
            self.toolbar.set_targets([(n, program.describe_output(n)) for n in program.outputs], self.target)
            self.inputs.update(result.inputs)
            self.editor.set_inputs([(s.name, s.kind, _value_text(result.inputs[s.name])) for s in program.inputs])
        written = result.values.written if result.values else None
        self.editor.show_outputs(outputs_html(program, result.bundle.written, written, result.inputs, result.error))

    def _show_graph(self) -> None:
        bundle = self.bundles[self.source]
        if bundle is None:
            self.view.clear()
            return
        graph = bundle.view(self.view_kind)
        values = self.values[self.source].view(self.view_kind) if self.values[self.source] else None
        self.view.show_graph(diagram_nodes(graph, values), [(e.source, e.target) for e in graph.edges])
        self.toolbar.show_counts(bundle.title, _counts(bundle.written), _counts(bundle.compiled), bundle.mode)
        self.inspector.setText(INSPECTOR_HELP)

    def _show_values(self) -> None:
        bundle, values = self.bundles[self.source], self.values[self.source]
        graph = bundle.view(self.view_kind)
        node_values = values.view(self.view_kind) if values else None
        lines = {n.id: value_line(n, graph, node_values) for n in graph.nodes}
        tips = {n.id: node_tooltip(n, graph, node_values) for n in graph.nodes}
        self.view.set_values(lines, tips)
        if self.view.hovered_id >= 0:
            self._on_node_hovered(self.view.hovered_id)

    def _on_node_hovered(self, node_id: int) -> None:
        bundle = self.bundles[self.source]
        if node_id < 0 or bundle is None:
            return
        graph = bundle.view(self.view_kind)
        values = self.values[self.source].view(self.view_kind) if self.values[self.source] else None
        node = next((n for n in graph.nodes if n.id == node_id), None)
        if node is not None:
            self.inspector.setText(node_tooltip(node, graph, values))

    def _on_zoom(self, what: str) -> None:
        {"in": lambda: self.view.zoom_by(1.25), "out": lambda: self.view.zoom_by(0.8), "fit": self.view.fit}[what]()

    # ------------------------------------------------------------------ export
    def _ask_export(self, suffix: str) -> None:
        name = f"graph.{suffix}"
        filters = "SVG images (*.svg)" if suffix == "svg" else "PNG images (*.png)"
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, f"Export graph as {suffix.upper()}", name, filters)
        if path:
            self.export_graph(path if Path(path).suffix else f"{path}.{suffix}")

    def export_graph(self, path: str) -> bool:
        """Write the diagram as SVG (``.svg``) or PNG (anything else); report problems in the tab."""
        try:
            if Path(path).suffix.lower() == ".svg":
                self.view.export_svg(path, self.toolbar.title_label.text())
            else:
                self.view.export_png(path)
        except OSError as error:
            self.last_error = str(error)
            self.toolbar.show_status(f"Cannot export: {error}")
            return False
        self.toolbar.show_status(f"Saved {path}")
        return True


def _value_text(value) -> str:
    """A value as the user would type it, exactly (re-reading it gives the same floats): ``[0.5, -1, 2]``."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        text = repr(float(array))
        return text[:-2] if text.endswith(".0") else text
    return "[" + ", ".join(_value_text(row) for row in array) + "]"


def _counts(graph) -> tuple[int, int]:
    return graph.n_operations, len(graph.nodes)
