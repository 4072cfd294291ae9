"""The Convolution tab driven like a user: samples, banks, the custom filter, clicks, training, bad files."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from PIL import Image
from PyQt5 import QtCore, QtGui, QtWidgets
from scipy.signal import correlate2d
from skimage.color import rgb2gray
from skimage.data import astronaut, camera

from app.conv_tab import ConvolutionTab
from models.cnn_training import save_weights
from models.filter_banks import BANKS
from tests.cnn_support import backend, trained_cnn
from tests.models.test_cnn_images import _png_header_only

Qt = QtCore.Qt
F32 = dict(rtol=1e-4, atol=2e-5)  # the window computes maps in float32


@pytest.fixture
def tab(qtbot):
    widget = ConvolutionTab(backend())
    qtbot.addWidget(widget)
    widget.resize(1300, 850)
    widget.show()  # opens the camera sample
    settle(qtbot, widget)
    yield widget
    widget.shutdown()


def settle(qtbot, tab, timeout=60_000):
    qtbot.waitUntil(lambda: tab.maps_controller.is_idle() and tab.maps_controller.maps is not None, timeout=timeout)
    qtbot.wait(10)


def _correlations(image, filters):
    return np.stack([correlate2d(image, f, mode="valid") for f in filters])


def test_starts_on_the_camera_with_sobel_maps(tab):
    mc = tab.maps_controller
    assert mc.image.name == "camera" and tab.image_panel.pixels.shape == (512, 512)
    assert_allclose(tab.filter_grid.data, BANKS["sobel"].filters)
    assert_allclose(mc.maps.conv, _correlations(camera() / 255.0, BANKS["sobel"].filters), **F32)
    assert_allclose(tab.map_grid.data, mc.maps.conv)


def test_open_a_sample_and_switch_banks_with_the_keyboard(qtbot, tab):
    qtbot.keyClicks(tab.image_controls.sample, "astro")
    settle(qtbot, tab)
    mc = tab.maps_controller
    assert mc.image.name == "astronaut" and tab.image_panel.pixels.shape == (512, 512, 3)
    grey = rgb2gray(astronaut())
    assert_allclose(mc.working, grey)
    tab.filter_controls.bank.setFocus()
    qtbot.keyClick(tab.filter_controls.bank, Qt.Key.Key_Down)  # Sobel → Laplacian
    settle(qtbot, tab)
    assert mc.bank_key == "laplacian"
    assert_allclose(tab.filter_grid.data, BANKS["laplacian"].filters)
    assert_allclose(mc.maps.conv, _correlations(grey, BANKS["laplacian"].filters), **F32)
    qtbot.keyClicks(tab.filter_controls.bank, "Gabor")
    settle(qtbot, tab)
    assert mc.maps.conv.shape == (8, 500, 500) and len(tab.map_grid.boxes) == 8


def test_edit_the_custom_filter_cell_by_cell(qtbot, tab):
    qtbot.keyClicks(tab.filter_controls.bank, "Custom")
    settle(qtbot, tab)
    assert tab.editor.isVisible()
    cell = tab.editor.cells[4]  # the centre weight of the sharpen kernel, 5
    cell.setFocus()
    cell.selectAll()
    qtbot.keyClicks(cell, "2")
    qtbot.keyClick(cell, Qt.Key.Key_Return)
    settle(qtbot, tab)
    kernel = np.array([[0, -1, 0], [-1, 2, -1], [0, -1, 0]], dtype=float)
    assert_allclose(tab.maps_controller.custom_kernel, kernel)
    assert_allclose(tab.filter_grid.data[0], kernel)
    assert_allclose(tab.maps_controller.maps.conv[0], correlate2d(camera() / 255.0, kernel, "valid"), **F32)


def test_click_a_map_stages_stride_and_padding(qtbot, tab):
    mc = tab.maps_controller
    qtbot.mouseClick(tab.map_grid.viewport(), Qt.MouseButton.LeftButton, pos=tab.map_grid.cell_center(1))
    assert tab.selected_map == 1 and tab.filter_grid.selected == 1
    assert_allclose(tab.map_view.data, mc.maps.conv[1])
    assert "Sobel y" in tab.map_view.plot.titleLabel.text
    qtbot.keyClick(tab.filter_controls.stage, Qt.Key.Key_Down)
    qtbot.keyClick(tab.filter_controls.stage, Qt.Key.Key_Down)
    assert_allclose(tab.map_view.data, mc.maps.pool[1])
    assert tab.map_grid.data.shape == (2, 255, 255) and tab.map_grid.data.min() >= 0
    tab.filter_controls.stride.setFocus()
    qtbot.keyClick(tab.filter_controls.stride, Qt.Key.Key_Up)
    qtbot.keyClick(tab.filter_controls.padding, Qt.Key.Key_Up)
    settle(qtbot, tab)
    assert (mc.stride, mc.padding) == (2, 1)
    expected = _correlations(np.pad(camera() / 255.0, 1), BANKS["sobel"].filters)[:, ::2, ::2]
    assert_allclose(mc.maps.conv, expected, **F32)


def test_start_and_stop_training_keeps_what_was_learned(qtbot, tab):
    controls = tab.cnn_controls
    assert controls.slow.isChecked()  # slow motion: the run lasts seconds, so Stop lands mid-way
    with qtbot.waitSignal(tab.cnn.reported, timeout=60_000):
        qtbot.mouseClick(controls.train_button, Qt.MouseButton.LeftButton)
    assert controls.stop_button.isEnabled() and not controls.train_button.isEnabled()
    assert tab.filter_controls.bank.currentData() == "learned"
    with qtbot.waitSignal(tab.cnn.trained, timeout=30_000) as stopped:
        qtbot.mouseClick(controls.stop_button, Qt.MouseButton.LeftButton)
    report, was_stopped = stopped.args
    assert was_stopped and report.epoch < report.epochs
    qtbot.waitUntil(lambda: controls.train_button.isEnabled(), timeout=10_000)
    assert "Stopped after" in controls.status.text()
    settle(qtbot, tab)
    learned = tab.cnn.model.filters()
    assert_allclose(tab.filter_grid.data, learned, rtol=1e-6)
    assert_allclose(tab.maps_controller.maps.conv, _correlations(camera() / 255.0, learned), **F32)


def test_loaded_weights_read_a_drawn_one(qtbot, tab, tmp_path, monkeypatch):
    weights = save_weights(tmp_path / "cnn.npz", trained_cnn()[0])
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **k: (str(weights), ""))
    with qtbot.waitSignal(tab.cnn.weights_loaded, timeout=60_000):
        qtbot.mouseClick(tab.cnn_controls.load_button, Qt.MouseButton.LeftButton)
    tab.bottom.setCurrentIndex(1)
    pad = tab.sketch
    qtbot.waitExposed(pad)
    side = min(pad.width(), pad.height())
    x = pad.width() // 2
    top, bottom = (pad.height() - side) // 2 + side // 5, (pad.height() + side) // 2 - side // 5
    with qtbot.waitSignal(tab.cnn.predicted, timeout=20_000) as predicted:
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QtCore.QPoint(x, top))
        for y in range(top, bottom, 4):
            QtWidgets.QApplication.sendEvent(pad, QtGui.QMouseEvent(
                QtCore.QEvent.Type.MouseMove, QtCore.QPointF(x, y), Qt.MouseButton.NoButton,
                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QtCore.QPoint(x, bottom))
    digit, probabilities = predicted.args
    assert digit.shape == (8, 8) and probabilities is not None
    assert probabilities.sum() == pytest.approx(1) and int(np.argmax(probabilities)) == 1
    assert tab.prediction.probabilities[1] == pytest.approx(probabilities[1])
    qtbot.keyClick(pad, Qt.Key.Key_Delete)
    assert not pad.ink.any()


def test_bad_files_leave_the_previous_image(qtbot, tab, tmp_path, monkeypatch):
    (tmp_path / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "tiny.png")
    _png_header_only(tmp_path / "huge.png", 9_000, 6_000)  # 54 MP
    cases = {"corrupt.png": "not an image", "huge.png": "54.0 megapixels", "tiny.png": "smaller than the 13×13"}
    qtbot.keyClicks(tab.filter_controls.bank, "Gabor")
    settle(qtbot, tab)
    for name, message in cases.items():
        path = tmp_path / name
        monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, p=path, **k: (str(p), ""))
        with qtbot.waitSignal(tab.error_occurred, timeout=20_000) as error:
            qtbot.mouseClick(tab.image_controls.open_button, Qt.MouseButton.LeftButton)
        text = error.args[1]
        assert "previous image stays" in text
        assert message in text
        assert tab.maps_controller.image.name == "camera" and tab.image_panel.pixels.shape == (512, 512)
    for box in tab.findChildren(QtWidgets.QMessageBox):
        box.close()


def test_dropping_a_file_opens_it(qtbot, tab, tmp_path):
    path = tmp_path / "dropped.png"
    Image.fromarray(astronaut()[:200, :300]).save(path)
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(path))])
    center = QtCore.QPoint(tab.image_panel.width() // 2, tab.image_panel.height() // 2)
    enter = QtGui.QDragEnterEvent(center, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                  Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(tab.image_panel.viewport(), enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(QtCore.QPointF(center), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(tab.maps_controller.image_changed, timeout=20_000):
        QtWidgets.QApplication.sendEvent(tab.image_panel.viewport(), drop)
    settle(qtbot, tab)
    assert tab.maps_controller.image.name == "dropped.png"
    assert tab.maps_controller.maps.conv.shape == (2, 198, 298)


def test_transfer_learning_compares_with_scratch(qtbot, tab):
    tab.transfer_controls.shots.setFocus()
    qtbot.keyClick(tab.transfer_controls.shots, Qt.Key.Key_End)  # 50 per class
    assert tab.transfer_controls.shots.value() == 50
    with qtbot.waitSignal(tab.cnn.transfer_finished, timeout=120_000) as finished:
        qtbot.mouseClick(tab.transfer_controls.run_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert result.shots == 50 and result.transfer_accuracy > 0.8 and result.scratch_accuracy > 0.8
    x, y = tab.transfer_plot.transfer.getData()
    assert_allclose(y, result.transfer_curve) and len(x) == len(result.steps)
    assert "transfer" in tab.transfer_controls.result.text()


def test_export_writes_the_filter_grid_and_the_maps(tab, tmp_path):
    written = tab.export_pngs(str(tmp_path / "export.png"))
    assert [p.name for p in written] == ["export-filters.png", "export-maps.png"]
    for path in written:
        with Image.open(path) as picture:
            assert picture.width > 50 and picture.height > 50
