"""Start-up timeline for ``bench/bench_startup.py``: when the window showed, when the first step was
drawn, when every playground model was warm, and the longest event-loop stall meanwhile.

Enabled by ``DESCIDA_STARTUP_PROBE=/path/log.json``: the app then presses Step as soon as it can,
waits for background warming to finish, writes the timeline (absolute ``time.time()`` stamps, so
the launching process can subtract its own start time) and quits.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from PyQt5 import QtCore, QtWidgets

from models.classifiers import ModelSpec

ENV_VARIABLE = "DESCIDA_STARTUP_PROBE"
#: After warming, the probe switches to this model and times its first drawn step.
SWITCH_TO = ModelSpec("mlp", hidden=(16, 16), activation="tanh")
STALL_TIMER_MS = 5
GIVE_UP_S = 300


class StartupProbe(QtCore.QObject):
    """Watches a :class:`~app.main_window.MainWindow` from the first event loop turn."""

    def __init__(self, window, path: str) -> None:
        super().__init__(window)
        self.window, self.session, self.path = window, window.session, Path(path)
        self.events: dict[str, float] = {}
        self.worst_stall_ms = 0.0
        self.stalls_over_100ms = 0
        self._last = time.perf_counter()
        self._stepped = False
        self.timer = QtCore.QTimer(self)
        self.timer.timeout.connect(self._on_tick)
        self.timer.start(STALL_TIMER_MS)
        self.session.frame_ready.connect(self._on_frame)
        QtCore.QTimer.singleShot(GIVE_UP_S * 1000, self._finish)

    def mark(self, name: str) -> None:
        self.events.setdefault(name, time.time())

    def _on_tick(self) -> None:
        now = time.perf_counter()
        gap_ms = (now - self._last) * 1000
        self._last = now
        if "window_shown" in self.events:  # stalls before the first paint are start-up, not freezes
            self.worst_stall_ms = max(self.worst_stall_ms, gap_ms)
            self.stalls_over_100ms += gap_ms > 100
        else:
            self.mark("window_shown")
        if self.session.ready and not self._stepped:
            self._stepped = True
            self.mark("model_ready")
            self.session.step(1)
        if self._stepped and "all_families_ready" not in self.events and self.session.families_warm():
            self.mark("all_families_ready")
        if self._stepped and "first_step_drawn" in self.events and self.session.warm_complete():
            self.mark("all_models_ready")
            if "switch_requested" not in self.events:
                self.mark("switch_requested")
                self.session.set_spec(SWITCH_TO)
            elif self.session.ready and self.session.trainer.spec == SWITCH_TO:
                self.session.step(1)
                self.window.playground.canvas.viewport().repaint()
                self.mark("switch_first_step_drawn")
                self._finish()

    def _on_frame(self, frame) -> None:
        if self._stepped and frame.iteration >= 1 and "first_step_drawn" not in self.events:
            self.window.playground.canvas.viewport().repaint()
            self.mark("first_step_drawn")

    def _finish(self) -> None:
        self.timer.stop()
        record = {
            "events": self.events,
            "worst_stall_ms": self.worst_stall_ms,
            "stalls_over_100ms": self.stalls_over_100ms,
            "backend": self.session.backend.name,
            "warmed": self.session.warm_report(),
        }
        self.path.write_text(json.dumps(record, indent=2))
        QtWidgets.QApplication.instance().quit()


def attach_if_requested(window) -> StartupProbe | None:
    path = os.environ.get(ENV_VARIABLE)
    return StartupProbe(window, path) if path else None
