"""The Convolution tab: an image, filter banks and their feature maps, a CNN trained on digits,
a sketch pad it reads, and transfer learning. Views only show what the two controllers emit."""

from __future__ import annotations

from pathlib import Path

from PyQt5 import QtCore, QtGui, QtWidgets

from app.cnn_controller import CNNController
from app.conv_files import ConvFileActions
from app.conv_maps import FeatureMapsController
from app.workers import TaskRunner
from models.backend import Backend
from models.feature_maps import STAGE_TITLES
from widgets.cnn_controls import CNNControls
from widgets.conv_controls import FilterControls, ImageControls
from widgets.digit_prediction import DigitPrediction
from widgets.feature_map_view import FeatureMapView
from widgets.filter_editor import FilterEditor
from widgets.image_grid import ImageGrid
from widgets.image_panel import ImagePanel
from widgets.side_panel import scrolling_column
from widgets.sketch_pad import SketchPad
from widgets.training_curves import TrainingCurves
from widgets.transfer_panel import TransferControls, TransferPlot

DEFAULT_SAMPLE = "camera"


class ConvolutionTab(ConvFileActions, QtWidgets.QWidget):
    """Signals
    -------
    error_occurred(str, str)
        Title and text of a problem already shown to the user (non-blocking).
    """

    error_occurred = QtCore.pyqtSignal(str, str)

    def __init__(self, backend: Backend, runner: TaskRunner | None = None, parent=None) -> None:
        super().__init__(parent)
        self.maps_controller = FeatureMapsController(backend, self)
        self.cnn = CNNController(backend, runner, self)
        self.last_error = ""
        self.last_directory = str(Path.cwd())
        self.selected_map = 0
        self._build_views()
        self._build_panel()
        self._layout()
        self._connect()
        self._shortcuts()
        self._started = False
        app = QtWidgets.QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        """The first time the tab is shown, open the default sample (nothing runs before that)."""
        super().showEvent(event)
        if not self._started:
            self._started = True
            QtCore.QTimer.singleShot(0, self._open_default_sample)

    def _open_default_sample(self) -> None:
        if not self.maps_controller.image_requested:
            self.maps_controller.open_sample(DEFAULT_SAMPLE)

    # ------------------------------------------------------------------ construction
    def _build_views(self) -> None:
        self.image_panel = ImagePanel()
        self.filter_grid = ImageGrid(title="Filters", values=True)
        self.filter_grid.setToolTip("The bank's filters (blue < 0 < red); numbers are the weights of small filters")
        self.map_grid = ImageGrid(title="Feature maps (click one to see it large)")
        self.map_view = FeatureMapView()
        self.curves = TrainingCurves()
        self.sketch = SketchPad()
        self.prediction = DigitPrediction()
        self.transfer_plot = TransferPlot()
        self.busy = QtWidgets.QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(10)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        self.busy_label = QtWidgets.QLabel()
        self._busy_timer = QtCore.QTimer(self, singleShot=True, interval=300)  # no flicker for quick maps
        self._busy_timer.timeout.connect(lambda: self.busy.setVisible(True))

    def _build_panel(self) -> None:
        self.image_controls = ImageControls()
        self.filter_controls = FilterControls()
        self.editor = FilterEditor()
        self.editor.setVisible(False)
        self.cnn_controls = CNNControls()
        self.transfer_controls = TransferControls()
        self.export_button = QtWidgets.QPushButton("Export filters and maps as PNG…")
        self.export_button.setToolTip("Save the filter grid and the feature maps as two PNG files")

    def _layout(self) -> None:
        scroll = scrolling_column([self.image_controls, self.filter_controls, self.editor, self.export_button,
                                   self.cnn_controls, self.transfer_controls], width=370)
        top = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        for widget in (self.image_panel, self.filter_grid, self.map_view):
            top.addWidget(widget)
        top.setSizes([290, 320, 340])
        sketch_page = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        sketch_page.addWidget(self.sketch)
        sketch_page.addWidget(self.prediction)
        sketch_page.setSizes([220, 480])
        self.bottom = QtWidgets.QTabWidget()
        self.bottom.addTab(self.curves, "Training")
        self.bottom.addTab(sketch_page, "Draw a digit")
        self.bottom.addTab(self.transfer_plot, "Transfer learning")
        views = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        for widget in (top, self.map_grid, self.bottom):
            views.addWidget(widget)
        views.setSizes([380, 230, 200])
        right = QtWidgets.QWidget()
        right_layout = QtWidgets.QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(views, 1)
        status = QtWidgets.QHBoxLayout()
        status.addWidget(self.busy_label, 1)
        status.addWidget(self.busy)
        right_layout.addLayout(status)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(right, 1)

    def _connect(self) -> None:
        mc, cnn = self.maps_controller, self.cnn
        self.image_controls.sample_requested.connect(mc.open_sample)
        self.image_controls.open_requested.connect(self.open_image_dialog)
        self.image_panel.file_dropped.connect(mc.open_path)
        self.filter_controls.bank_changed.connect(self._on_bank_requested)
        self.filter_controls.stage_changed.connect(lambda _: self._show_maps())
        self.filter_controls.stride_changed.connect(mc.set_stride)
        self.filter_controls.padding_changed.connect(mc.set_padding)
        self.editor.kernel_changed.connect(mc.set_custom_kernel)
        self.map_grid.clicked.connect(self._on_map_clicked)
        self.export_button.clicked.connect(lambda: self.export_pngs())
        mc.image_changed.connect(self._on_image_changed)
        mc.bank_changed.connect(self._on_bank_changed)
        mc.maps_ready.connect(lambda maps, bank: self._show_maps())
        mc.busy_changed.connect(self._on_busy)
        mc.failed.connect(self.report_error)
        controls = self.cnn_controls
        controls.train_requested.connect(self._on_train_requested)
        controls.stop_requested.connect(cnn.stop)
        controls.save_requested.connect(lambda: self.save_weights_dialog())
        controls.load_requested.connect(lambda: self.load_weights_dialog())
        cnn.running_changed.connect(controls.set_running)
        cnn.progress.connect(self._on_cnn_progress)
        cnn.reported.connect(lambda report: self.curves.set_history(report.losses, report.accuracies))
        cnn.trained.connect(self._on_trained)
        cnn.filters_changed.connect(mc.set_learned_filters)
        cnn.weights_loaded.connect(self._on_weights_loaded)
        cnn.failed.connect(self.report_error)
        self.sketch.sketch_changed.connect(cnn.classify)
        cnn.predicted.connect(self._on_predicted)
        self.transfer_controls.run_requested.connect(lambda shots: cnn.run_transfer(controls.spec(), shots))
        cnn.transfer_progress.connect(self._on_transfer_progress)
        cnn.transfer_running.connect(self.transfer_controls.set_running)
        cnn.transfer_finished.connect(self._on_transfer_finished)

    def _shortcuts(self) -> None:
        context = QtCore.Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (("Ctrl+T", self.cnn_controls.train_button.click), ("Esc", self.cnn.stop)):
            shortcut = QtWidgets.QShortcut(QtGui.QKeySequence(keys), self, context=context)
            shortcut.activated.connect(slot)

    # ------------------------------------------------------------------ images and maps
    def _on_image_changed(self, loaded, working) -> None:
        shown = "" if working.shape == loaded.grey.shape else f"; maps on a {working.shape[1]}×{working.shape[0]} copy"
        self.image_panel.set_image(loaded.pixels, f"{loaded.name} · {loaded.size_text}")
        self.image_controls.info.setText(f"{loaded.name}: {loaded.size_text}{shown}")
        self.image_controls.show_sample(loaded.name if loaded.source.startswith("skimage") else None)
        if self.filter_grid.data is None:
            self._on_bank_changed(self.maps_controller.bank())

    def _on_bank_requested(self, key: str) -> None:
        previous = self.maps_controller.bank_key
        if not self.maps_controller.set_bank(key):
            self.filter_controls.show_bank(previous)
            return
        self.editor.setVisible(key == "custom")

    def _on_bank_changed(self, bank) -> None:
        if bank is None:
            self.filter_grid.clear_images()
            self.map_grid.clear_images()
            self.map_view.clear_map("Train the CNN (or load weights) to see its learned filters")
            return
        self.filter_grid.set_images(bank.filters, bank.names, signed=True)

    def _show_maps(self) -> None:
        mc = self.maps_controller
        if mc.maps is None or mc.maps_bank is None:
            return
        stage = self.filter_controls.stage.currentData()
        maps, names = mc.maps.stage(stage), mc.maps_bank.names
        signed = stage == "conv"
        self.map_grid.set_images(maps, names, signed=signed)
        self.selected_map = min(self.selected_map, len(maps) - 1)
        self.map_grid.set_selected(self.selected_map)
        self.filter_grid.set_selected(self.selected_map)
        title = f"{names[self.selected_map]} · {STAGE_TITLES[stage]}"
        self.map_view.set_map(maps[self.selected_map], title, signed=signed)

    def _on_map_clicked(self, index: int) -> None:
        self.selected_map = index
        self._show_maps()

    def _on_busy(self, busy: bool, text: str) -> None:
        self.busy_label.setText(text)
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy.setVisible(False)

    # ------------------------------------------------------------------ the CNN
    def _on_train_requested(self, spec, config, slow: bool) -> None:
        self.curves.clear_history()
        self.cnn.train(spec, config, slow)
        if self.maps_controller.bank_key != "learned":
            self.filter_controls.show_bank("learned")
            self._on_bank_requested("learned")
        self.bottom.setCurrentWidget(self.curves)

    def _on_cnn_progress(self, fraction: float, text: str) -> None:
        controls = self.cnn_controls
        controls.progress.setRange(0, 0 if fraction < 0 else 100)
        if fraction >= 0:
            controls.show_progress(fraction, text)
        else:
            controls.status.setText(text)

    def _on_trained(self, report, stopped: bool) -> None:
        self.cnn_controls.progress.setRange(0, 100)
        if report is None:
            self.cnn_controls.status.setText("Stopped before the first update" if stopped else "Done")
            return
        verb = "Stopped" if stopped else "Trained"
        self.cnn_controls.status.setText(f"{verb} after {report.epoch:.1f} epochs ({report.seconds:.1f} s): "
                                         f"test accuracy {report.test_accuracy:.1%}")

    def _on_weights_loaded(self, spec) -> None:
        self.cnn_controls.show_spec(spec)
        self.curves.clear_history()

    def _on_predicted(self, digit, probabilities) -> None:
        self.prediction.set_prediction(digit, probabilities)
        if probabilities is None:
            self.prediction.set_message("Train the CNN (or load weights) first" if digit.any() else "Draw a digit")

    def _on_transfer_progress(self, fraction: float, text: str) -> None:
        self.transfer_controls.progress.setValue(round(100 * max(0.0, fraction)))
        self.transfer_controls.result.setText(text)
        self.bottom.setCurrentWidget(self.transfer_plot)

    def _on_transfer_finished(self, result) -> None:
        self.transfer_controls.progress.setValue(100)
        self.transfer_controls.result.setText(
            f"{result.shots} per digit, mean of 3 draws: transfer {result.transfer_accuracy:.1%}, "
            f"from scratch {result.scratch_accuracy:.1%} (features pre-trained on 0–4: "
            f"{result.pretrain_accuracy:.1%} on their test digits)")
        self.transfer_plot.set_result(result.steps, result.transfer_curve, result.scratch_curve, result.shots)

    def shutdown(self) -> None:
        self.cnn.shutdown()
        self.maps_controller.shutdown()
