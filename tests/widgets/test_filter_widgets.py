"""The Convolution tab's widgets on their own: grid clicks, the filter editor, the sketch pad."""

from __future__ import annotations

import numpy as np
from PyQt5 import QtCore, QtWidgets

from models.filter_banks import LAPLACIAN_4, SHARPEN
from widgets.feature_map_view import FeatureMapView
from widgets.filter_editor import FilterEditor
from widgets.image_grid import ImageGrid
from widgets.sketch_pad import SketchPad

Qt = QtCore.Qt


def test_grid_updates_in_place_and_reports_clicks(qtbot):
    grid = ImageGrid(title="Filters", values=True)
    qtbot.addWidget(grid)
    grid.resize(500, 300)
    grid.show()
    filters = np.random.default_rng(0).normal(size=(6, 3, 3))
    grid.set_images(filters, [f"f{i}" for i in range(6)])
    items = list(grid.images)
    grid.set_images(filters * 2, [f"f{i}" for i in range(6)])
    assert grid.images == items  # same ImageItems, new data
    assert np.array_equal(grid.images[3].image, filters[3] * 2)
    qtbot.wait(20)
    with qtbot.waitSignal(grid.clicked) as clicked:
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=grid.cell_center(4))
    assert clicked.args == [4] and grid.selected == 4
    levels = grid.images[0].getLevels()
    assert levels[0] == -levels[1]  # signed data: symmetric around 0, white at 0


def test_filter_editor_emits_the_edited_kernel(qtbot):
    editor = FilterEditor()
    qtbot.addWidget(editor)
    editor.show()
    assert np.array_equal(editor.kernel(), SHARPEN)
    cell = editor.cells[0]
    cell.setFocus()
    with qtbot.waitSignal(editor.kernel_changed) as changed:
        qtbot.keyClick(cell, Qt.Key.Key_Up)  # −0 → 0.25
    expected = SHARPEN.copy()
    expected[0, 0] = 0.25
    assert np.array_equal(changed.args[0], expected)
    button = next(b for b in editor.findChildren(QtWidgets.QPushButton) if b.text() == "Laplacian")
    with qtbot.waitSignal(editor.kernel_changed) as changed:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert np.array_equal(changed.args[0], LAPLACIAN_4)
    assert np.array_equal(editor.kernel(), LAPLACIAN_4)


def test_sketch_pad_draws_erases_and_clears(qtbot):
    pad = SketchPad(size=32)
    qtbot.addWidget(pad)
    pad.resize(200, 200)
    pad.show()
    qtbot.waitExposed(pad)
    with qtbot.waitSignal(pad.sketch_changed) as changed:
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QtCore.QPoint(100, 100))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QtCore.QPoint(100, 100))
    ink = changed.args[0]
    assert ink[16, 16] == 1.0 and ink[0, 0] == 0.0  # the centre cell is inked, the corner is not
    with qtbot.waitSignal(pad.sketch_changed) as changed:
        qtbot.mousePress(pad, Qt.MouseButton.RightButton, pos=QtCore.QPoint(100, 100))
        qtbot.mouseRelease(pad, Qt.MouseButton.RightButton, pos=QtCore.QPoint(100, 100))
    assert changed.args[0][16, 16] == 0.0
    pad.set_ink(np.ones((32, 32)))
    pad.setFocus()
    with qtbot.waitSignal(pad.sketch_changed) as changed:
        qtbot.keyClick(pad, Qt.Key.Key_Delete)
    assert not changed.args[0].any()


def test_feature_map_view_reports_the_true_range(qtbot):
    view = FeatureMapView()
    qtbot.addWidget(view)
    values = np.linspace(-3, 1, 200).reshape(10, 20)
    view.set_map(values, "Sobel x · convolution", signed=True)
    assert "min -3 · max 1" in view.caption.text() and "20×10" in view.caption.text()
    assert view.levels[0] == -view.levels[1]
    view.set_map(np.abs(values), "Sobel x · ReLU", signed=False)
    assert view.levels[0] == np.abs(values).min() and view.levels[1] <= 3
