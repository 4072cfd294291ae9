"""Submitting a task only once its signals are connected.

``TaskRunner.submit`` starts the task at once, and a queued signal emitted before a slot is
connected is lost; a task that finishes in a few milliseconds (a cached feature-map graph)
can beat the caller's ``connect`` calls. :func:`submit_connected` holds the task at a gate
until ``connect(handle)`` has run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from app.workers import TaskContext, TaskHandle, TaskRunner


def submit_connected(runner: TaskRunner, name: str, fn: Callable[[TaskContext], Any],
                     connect: Callable[[TaskHandle], None]) -> TaskHandle:
    """``runner.submit(name, fn)``, with ``connect(handle)`` guaranteed to run before ``fn`` starts."""
    gate = threading.Event()

    def gated(ctx: TaskContext):
        gate.wait()
        return fn(ctx)  # a generator is returned as is: the runner iterates it

    handle = runner.submit(name, gated)
    try:
        connect(handle)
    finally:
        gate.set()
    return handle
