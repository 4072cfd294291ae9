"""The Qt adapter around the image and the filter banks: loads images and computes feature maps in a
worker, always keeping the newest request only, and refuses bad input without losing the current image."""

from __future__ import annotations

import numpy as np
from PyQt5 import QtCore

from app.workers import TaskContext, TaskRunner
from models.backend import Backend
from models.cnn_cache import cnn_backend, shared_mapper
from models.feature_maps import FeatureMaps
from models.filter_banks import BANKS, SHARPEN, FilterBank, custom_bank, learned_bank
from models.images import LoadedImage, load_image, load_sample, working_copy


class FeatureMapsController(QtCore.QObject):
    """Image + bank + stride/padding → feature maps.

    Signals
    -------
    image_changed(object, object)
        The new :class:`LoadedImage` and the grey working copy the maps are computed on.
    bank_changed(object)
        The :class:`FilterBank` now applied (``None``: the learned bank before any training).
    maps_ready(object, object)
        :class:`FeatureMaps` and the bank they came from.
    busy_changed(bool, str)
        Work started (with a description) or everything finished.
    failed(str, str)
        Title and one-paragraph message for the user; nothing was changed.
    """

    image_changed = QtCore.pyqtSignal(object, object)
    bank_changed = QtCore.pyqtSignal(object)
    maps_ready = QtCore.pyqtSignal(object, object)
    busy_changed = QtCore.pyqtSignal(bool, str)
    failed = QtCore.pyqtSignal(str, str)

    def __init__(self, backend: Backend, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.runner = TaskRunner(max_threads=1, parent=self)
        self.mapper = shared_mapper(cnn_backend(backend), "float32")
        self.image: LoadedImage | None = None
        self.working: np.ndarray | None = None
        self.bank_key = "sobel"
        self.custom_kernel = SHARPEN.copy()
        self.learned_filters: np.ndarray | None = None
        self.stride, self.padding = 1, 0
        self.maps: FeatureMaps | None = None
        self.maps_bank: FilterBank | None = None
        self._loading = None
        self.image_requested = False  # a load was asked for (the default sample must not override it)
        self._job = None
        self._pending = False

    # ------------------------------------------------------------------ the bank
    def bank(self, key: str | None = None) -> FilterBank | None:
        key = key or self.bank_key
        if key == "custom":
            return custom_bank(self.custom_kernel)
        if key == "learned":
            return None if self.learned_filters is None else learned_bank(self.learned_filters)
        return BANKS[key]

    def set_bank(self, key: str) -> bool:
        """Use another bank; refused (returns False, emits ``failed``) when the image is smaller than its filters."""
        problem = self._size_problem(self.working, self.bank(key), self.padding)
        if problem:
            self.failed.emit("Filter larger than the image", f"{problem} The previous filter bank stays.")
            return False
        self.bank_key = key
        self.bank_changed.emit(self.bank())
        self.request_maps()
        return True

    def set_custom_kernel(self, kernel) -> None:
        self.custom_kernel = np.asarray(kernel, dtype=float).copy()
        if self.bank_key == "custom":
            self.bank_changed.emit(self.bank())
            self.request_maps()

    def set_learned_filters(self, filters) -> None:
        self.learned_filters = None if filters is None else np.asarray(filters, dtype=float).copy()
        if self.bank_key == "learned":
            self.bank_changed.emit(self.bank())
            self.request_maps()

    def set_stride(self, stride: int) -> None:
        self.stride = int(stride)
        self.request_maps()

    def set_padding(self, padding: int) -> None:
        self.padding = int(padding)
        self.request_maps()

    # ------------------------------------------------------------------ images
    def open_path(self, path: str) -> None:
        """Load in the worker; on failure the current image stays and ``failed`` says why."""
        self._load(f"Loading {path}…", lambda: load_image(path))

    def open_sample(self, name: str) -> None:
        self._load(f"Loading sample {name}…", lambda: load_sample(name))

    def _load(self, text: str, loader) -> None:
        def task(ctx: TaskContext):
            ctx.progress(-1, text)
            loaded = loader()
            ctx.check()
            return loaded, working_copy(loaded.grey)

        def connect(handle) -> None:
            handle.finished.connect(self._on_loaded)
            handle.failed.connect(self._on_load_failed)
            handle.done.connect(self._on_idle)

        self.image_requested = True
        self.busy_changed.emit(True, text)
        self._loading = self.runner.submit("load image", task, before_start=connect)

    def _on_loaded(self, result) -> None:
        loaded, working = result
        problem = self._size_problem(working, self.bank(), self.padding)
        if problem:
            self.failed.emit("Image too small", f"{loaded.name}: {problem} The previous image stays.")
            return
        self.image, self.working = loaded, working
        self.image_changed.emit(loaded, working)
        self.request_maps()

    def _on_load_failed(self, message: str) -> None:
        text = message.split(": ", 1)[1] if message.startswith(("ImageLoadError", "ValueError")) else message
        self.failed.emit("Cannot open the image", f"{text}\n\nThe previous image stays.")

    @staticmethod
    def _size_problem(working, bank: FilterBank | None, padding: int) -> str:
        if working is None or bank is None:
            return ""
        (h, w), (kh, kw) = working.shape, bank.kernel_shape
        if h + 2 * padding < kh or w + 2 * padding < kw:
            return f"The image ({w}×{h} pixels) is smaller than the {kw}×{kh} filters of “{bank.title}”."
        return ""

    # ------------------------------------------------------------------ maps
    def request_maps(self) -> None:
        """Compute the maps for the current state; while a computation runs, only the newest request waits."""
        if self.working is None or self.bank() is None:
            return
        self._pending = True
        if self._job is None:
            self._start_maps()

    def _start_maps(self) -> None:
        self._pending = False
        image, bank, stride, padding = self.working, self.bank(), self.stride, self.padding
        mapper = self.mapper
        first = not mapper.is_compiled(image.shape, bank.filters.shape, stride, padding)
        text = f"Compiling the filter graph for {image.shape[1]}×{image.shape[0]}…" if first else "Computing maps…"

        def task(ctx: TaskContext):
            ctx.progress(-1, text)
            return bank, mapper.compute(image, bank.filters, stride, padding)

        def connect(handle) -> None:
            self._job = handle
            handle.finished.connect(self._on_maps)
            handle.failed.connect(lambda message: self.failed.emit("Cannot compute the feature maps", message))
            handle.done.connect(self._on_maps_done)

        self.busy_changed.emit(True, text)
        self.runner.submit("feature maps", task, before_start=connect)

    def _on_maps(self, result) -> None:
        bank, maps = result
        self.maps, self.maps_bank = maps, bank
        self.maps_ready.emit(maps, bank)

    def _on_maps_done(self) -> None:
        self._job = None
        if self._pending:
            self._start_maps()
        else:
            self._on_idle()

    def _on_idle(self) -> None:
        if not self.runner.active():
            self.busy_changed.emit(False, "")

    def is_idle(self) -> bool:
        return self._job is None and not self._pending and not self.runner.active()

    def shutdown(self) -> None:
        self.runner.cancel_all()
        self.runner.wait()
