"""Background work with progress and cancel: compiling graphs, training a CNN, loading images.

A task is a plain function ``fn(ctx)``; it reports through ``ctx.progress(...)`` and
``ctx.partial(...)``, and checks ``ctx.cancelled`` (or calls ``ctx.check()``) between pieces of
work. A generator function works too: each value it yields becomes a ``partial`` signal
(superqt's ``GeneratorWorker`` idea). Results reach the GUI thread only through queued
signals; a task never touches a widget.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PyQt5 import QtCore


class Cancelled(Exception):
    """Raised by :meth:`TaskContext.check` once the task has been asked to stop."""


class TaskHandle(QtCore.QObject):
    """The GUI side of a task.

    Signals
    -------
    progress(float, str)
        Fraction done in [0, 1] (or −1 when unknown) and what is happening.
    partial(object)
        An intermediate result (a generator task's yielded value).
    finished(object)
        The function's return value.
    failed(str)
        A one-line message; the traceback goes to ``error_details``.
    cancelled()
        The task stopped because :meth:`cancel` was called.
    done()
        Emitted last, whatever happened.
    """

    progress = QtCore.pyqtSignal(float, str)
    partial = QtCore.pyqtSignal(object)
    finished = QtCore.pyqtSignal(object)
    failed = QtCore.pyqtSignal(str)
    cancelled = QtCore.pyqtSignal()
    done = QtCore.pyqtSignal()

    def __init__(self, name: str, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._cancel = threading.Event()
        self.running = True
        self.error_details = ""
        self.done.connect(self._on_done)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _on_done(self) -> None:
        self.running = False


class TaskContext:
    """What the task function sees: progress reporting and the cancel flag."""

    def __init__(self, handle: TaskHandle) -> None:
        self._handle = handle

    @property
    def cancelled(self) -> bool:
        return self._handle.is_cancelled

    def check(self) -> None:
        if self._handle.is_cancelled:
            raise Cancelled()

    def progress(self, fraction: float, text: str = "") -> None:
        self._handle.progress.emit(float(fraction), text)

    def partial(self, value: Any) -> None:
        self._handle.partial.emit(value)


class _Runnable(QtCore.QRunnable):
    def __init__(self, fn: Callable[[TaskContext], Any], handle: TaskHandle) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._handle = handle

    def run(self) -> None:
        handle, ctx = self._handle, TaskContext(self._handle)
        try:
            if handle.is_cancelled:
                raise Cancelled()
            result = self._fn(ctx)
            if inspect.isgenerator(result):
                value = None
                for value in result:
                    handle.partial.emit(value)
                    ctx.check()
                result = value
            if handle.is_cancelled:
                raise Cancelled()
            handle.finished.emit(result)
        except Cancelled:
            handle.cancelled.emit()
        except Exception as error:  # reported to the GUI, never raised into Qt's thread pool
            handle.error_details = traceback.format_exc()
            handle.failed.emit(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
        finally:
            handle.done.emit()


class TaskRunner(QtCore.QObject):
    """Runs tasks on its own thread pool; ``max_threads=1`` makes them run one after another."""

    def __init__(self, max_threads: int = 1, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QtCore.QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._live: set[TaskHandle] = set()

    def submit(self, name: str, fn: Callable[[TaskContext], Any],
               before_start: Callable[[TaskHandle], None] | None = None, **slots: Callable) -> TaskHandle:
        """Queue ``fn`` and return its handle.

        Pass the slots as keywords named after the handle's signals (``finished=…``,
        ``failed=…``, ``done=…``…), or connect them in ``before_start(handle)``: either way they
        are connected *before* the task starts, so a task that ends within a millisecond still
        reaches them. Signals connected after ``submit`` returns may miss a fast task.
        """
        handle = TaskHandle(name)  # no Qt parent: freed once done and unreferenced (a parent kept every one)
        for signal_name, slot in slots.items():
            getattr(handle, signal_name).connect(slot)
        if before_start is not None:
            before_start(handle)
        self._live.add(handle)
        handle.done.connect(lambda: self._live.discard(handle))
        self.pool.start(_Runnable(fn, handle))
        return handle

    def active(self) -> list[TaskHandle]:
        return [h for h in self._live if h.running]

    def cancel_all(self) -> None:
        for handle in list(self._live):
            handle.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until every task has finished (for shutdown and tests)."""
        return self.pool.waitForDone(msecs)


def keep_out_of_full_collections() -> None:
    """Move every object alive now (imported modules, compiled graphs) out of the garbage
    collector's way. A full collection stops every thread, the GUI's too: after compiling
    PyTensor graphs one took up to 130 ms; with the long-lived objects frozen, far less."""
    gc.freeze()


@contextlib.contextmanager
def collection_paused():
    """No garbage collection while importing the compute stack (thousands of long-lived objects:
    a full collection in the middle stalled the GUI thread ~100 ms); they are frozen afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
