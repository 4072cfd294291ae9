"""Waiting on the GUI thread for background work, in a real event loop (headless commands, tests, benches)."""

from __future__ import annotations

from typing import Callable

from PyQt5 import QtCore

#: How often the condition is looked at while the event loop runs.
POLL_MS = 10


def run_events_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    """Run an event loop until ``condition()`` holds or ``timeout_s`` passes; return ``condition()``.

    The GUI thread sleeps between events, as in the app. Calling ``processEvents`` in a Python loop
    instead spins: it takes the GIL from the worker every millisecond, slowing the very work being
    waited for and making measured stalls unlike the app's.
    """
    if condition():
        return True
    clock = QtCore.QElapsedTimer()
    clock.start()
    loop = QtCore.QEventLoop()
    poll = QtCore.QTimer()
    poll.timeout.connect(lambda: loop.quit() if condition() or clock.elapsed() > timeout_s * 1000 else None)
    poll.start(POLL_MS)
    loop.exec_()
    poll.stop()
    return condition()
