"""Offscreen rendering of the app's own widgets to PNG, for the command line and screenshots."""

from __future__ import annotations

import os
from pathlib import Path

from PyQt5 import QtCore, QtWidgets

_APPLICATION: QtWidgets.QApplication | None = None  # kept alive for the whole process


def ensure_application(headless: bool = True) -> QtWidgets.QApplication:
    """The process's QApplication; created offscreen (no display needed) when ``headless``."""
    global _APPLICATION
    app = QtWidgets.QApplication.instance()
    if app is None:
        if headless:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        os.environ.setdefault("XDG_RUNTIME_DIR", _runtime_dir())
        app = _APPLICATION = QtWidgets.QApplication(["descida"])
    import widgets  # noqa: F401 - sets pyqtgraph's global options before any item exists

    return app


def _runtime_dir() -> str:
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"descida-runtime-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    return str(path)


def render_png(widget: QtWidgets.QWidget, path: str | Path, size: tuple[int, int] = (800, 600)) -> Path:
    """Lay ``widget`` out at ``size`` without showing it on a screen and save it as PNG."""
    app = ensure_application()
    widget.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.resize(*size)
    widget.show()
    for _ in range(3):  # layouts and pyqtgraph's deferred range updates settle over a few passes
        app.processEvents()
    path = Path(path)
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path
