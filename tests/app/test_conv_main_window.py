"""The Convolution tab sits next to the Playground, and File → Open image… reaches it."""

from __future__ import annotations

from PIL import Image
from PyQt5 import QtWidgets
from skimage.data import coffee

from app.application import create_window
from tests.cnn_support import backend


def test_tab_and_open_image_action(qtbot, tmp_path, monkeypatch):
    window = create_window(backend())
    qtbot.addWidget(window)
    window.show()
    assert [window.tabs.tabText(i) for i in range(2)] == ["Playground", "Convolution"]
    assert window.convolution.maps_controller.image is None  # nothing runs until the tab is shown
    path = tmp_path / "coffee.jpg"
    Image.fromarray(coffee()).save(path)
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    actions = [a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "Open &image…"]
    assert actions and actions[0].shortcut().toString() == "Ctrl+Shift+O"
    tab = window.convolution
    actions[0].trigger()
    assert window.tabs.currentWidget() is tab
    qtbot.waitUntil(lambda: tab.maps_controller.image is not None and tab.maps_controller.image.name == "coffee.jpg"
                    and tab.maps_controller.is_idle(), timeout=60_000)
    assert tab.maps_controller.maps.conv.shape == (2, 398, 598)
    window.close()
