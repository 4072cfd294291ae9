"""User preferences kept between runs with ``QSettings``: last folder, window geometry, back end,
theme, recent files. Values are read defensively: a settings file edited by hand, or written by
another version, never stops the app."""

from __future__ import annotations

from pathlib import Path

from PyQt5 import QtCore

MAX_RECENT = 8
THEMES = ("light", "dark")


class Settings:
    """Typed access to the app's ``QSettings`` (organisation and application name set at start-up)."""

    def __init__(self, store: QtCore.QSettings | None = None) -> None:
        self.store = store or QtCore.QSettings()

    def _text(self, key: str, default: str) -> str:
        value = self.store.value(key, default)
        return value if isinstance(value, str) else default

    @property
    def last_directory(self) -> str:
        folder = self._text("files/last_directory", str(Path.home()))
        return folder if Path(folder).is_dir() else str(Path.home())

    @last_directory.setter
    def last_directory(self, folder: str) -> None:
        self.store.setValue("files/last_directory", str(folder))

    @property
    def backend(self) -> str:
        return self._text("compute/backend", "")

    @backend.setter
    def backend(self, name: str) -> None:
        self.store.setValue("compute/backend", name)

    @property
    def theme(self) -> str:
        theme = self._text("view/theme", "light")
        return theme if theme in THEMES else "light"

    @theme.setter
    def theme(self, theme: str) -> None:
        self.store.setValue("view/theme", theme if theme in THEMES else "light")

    @property
    def geometry(self) -> QtCore.QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QtCore.QByteArray) else None

    @geometry.setter
    def geometry(self, value: QtCore.QByteArray) -> None:
        self.store.setValue("window/geometry", value)

    @property
    def recent_files(self) -> list[str]:
        value = self.store.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return []
        return [v for v in value if isinstance(v, str)][:MAX_RECENT]

    def add_recent(self, path: str) -> list[str]:
        path = str(Path(path).resolve())
        recent = [path] + [p for p in self.recent_files if p != path]
        self.store.setValue("files/recent", recent[:MAX_RECENT])
        return recent[:MAX_RECENT]

    def sync(self) -> None:
        self.store.sync()
