"""One background job at a time, where only the newest request matters.

Typing, editing values and stepping the model can ask for new work faster than it finishes.
:class:`LatestJobQueue` runs one job on a :class:`~app.workers.TaskRunner` and keeps at most one
request waiting: a newer request replaces it, and a ``"build"`` outranks an ``"evaluate"`` (a
build evaluates too). The job for a request is made only when it starts, so it sees the
newest state.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt5 import QtCore

from app.workers import TaskRunner

LEVELS = ("evaluate", "build")


class LatestJobQueue(QtCore.QObject):
    """Runs ``make_job(level)`` → ``(name, fn, busy_text)`` (None: nothing to do) on ``runner``.

    ``busy_text`` is announced while the job runs ('' for jobs too quick to announce).

    Signals
    -------
    result(object)
        A job's return value.
    failed(str)
        A job raised; the message is one line.
    busy_changed(str)
        What the running job is doing ('' when idle or not worth announcing).
    """

    result = QtCore.pyqtSignal(object)
    failed = QtCore.pyqtSignal(str)
    busy_changed = QtCore.pyqtSignal(str)

    def __init__(self, runner: TaskRunner, make_job: Callable[[str], tuple[str, Callable, str] | None],
                 parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.make_job = make_job
        self.task = None
        self.wanted: str | None = None

    @property
    def idle(self) -> bool:
        return self.task is None and self.wanted is None

    def request(self, level: str) -> None:
        """Ask for ``level`` work; it starts now, or when the running job is done."""
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}")
        self.wanted = max(level, self.wanted or "evaluate", key=LEVELS.index)
        if self.task is None:
            self._start_next()

    def _start_next(self) -> None:
        level, self.wanted = self.wanted, None
        job = self.make_job(level) if level else None
        if job is None:
            self.busy_changed.emit("")
            return
        name, fn, busy_text = job
        self.busy_changed.emit(busy_text)
        slots = {"finished": self.result.emit, "failed": self.failed.emit, "done": self._on_done}
        if busy_text:
            slots["progress"] = lambda _fraction, text: self.busy_changed.emit(text)
        self.task = self.runner.submit(name, fn, **slots)

    def _on_done(self) -> None:
        self.task = None
        self._start_next()
