"""The one file-dialog helper every tab uses: ask for a path, add the default suffix, remember the folder."""

from __future__ import annotations

from pathlib import Path

from PyQt5 import QtWidgets


def ask_path(parent: QtWidgets.QWidget, save: bool, caption: str, folder: str, filters: str,
             suffix: str = "") -> str | None:
    """The chosen path (``suffix`` added to a save name without one), or None when cancelled."""
    dialog = QtWidgets.QFileDialog.getSaveFileName if save else QtWidgets.QFileDialog.getOpenFileName
    path, _ = dialog(parent, caption, folder, filters)
    if not path:
        return None
    if save and suffix and not Path(path).suffix:
        path += suffix
    return path
