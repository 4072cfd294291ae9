"""Files the app writes besides points CSVs (handled in ``models.points_csv``): view exports."""

from __future__ import annotations

from pathlib import Path

from PyQt5 import QtWidgets


def export_widget_png(widget: QtWidgets.QWidget, path: str | Path) -> None:
    """Render ``widget`` as it looks now into a PNG; raise ``OSError`` if it cannot be written."""
    path = Path(path)
    if not path.parent.exists():
        raise OSError(f"the folder {path.parent} does not exist")
    pixmap = widget.grab()
    if not pixmap.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
