"""The model-switch stall measured in a process of its own, as the app runs: one window.

In the suite's process, hundreds of views left by earlier tests (pyqtgraph keeps each plot's
context menus alive) made the same repaint several times slower; the app never has them.
``python -m tests.app.stall_child`` prints the measurement as JSON.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    from PyQt5 import QtCore

    from app.application import create_window, wait_until_ready
    from app.render import ensure_application
    from models.backend import resolve_backend

    ensure_application(headless=True)
    window = create_window(resolve_backend())
    window.resize(1200, 800)
    window.show()
    session, tab = window.session, window.playground
    session.start()
    if not wait_until_ready(session) or not tab.landscape.wait_until_drawn(120):
        print(json.dumps({"error": "the first model or its landscape did not compile"}))
        return 1
    gaps, clock = [], QtCore.QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]
    submitted = []  # (ms, job name): what the workers were given, and when
    submit = session.runner.submit

    def logged_submit(name, *args, **kwargs):
        submitted.append((clock.elapsed(), name))
        return submit(name, *args, **kwargs)

    session.runner.submit = logged_submit
    landscape_submit = tab.landscape.runner.submit
    tab.landscape.runner.submit = lambda name, *a, **k: (submitted.append((clock.elapsed(), name)),
                                                         landscape_submit(name, *a, **k))[1]
    drawn_at = []
    session.frame_ready.connect(lambda frame: drawn_at.append(clock.elapsed()) if frame.spec.hidden[:1] == (23,) else None)

    def tick():
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QtCore.QTimer()
    timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    timer.start(5)
    tab.model_controls.kind.setCurrentIndex(tab.model_controls.kind.findData("mlp"))
    tab.model_controls.units[0].setValue(23)  # a shape compiled nowhere else: real work in the worker
    busy_at_once = session.busy and window.busy_progress.isVisible()
    label = window.busy_label.text()
    ready = wait_until_ready(session)
    progress_hidden = not window.busy_progress.isVisible()
    # the switch goes on until the cost landscape of the new model is compiled and drawn
    landscape_drawn = tab.landscape.wait_until_drawn(120)
    timer.stop()
    print(json.dumps({"busy_at_once": busy_at_once, "label": label, "ready": ready,
                      "hidden": list(session.trainer.spec.hidden), "progress_hidden": progress_hidden,
                      "landscape_drawn": landscape_drawn, "gaps": gaps, "first_frame_ms": drawn_at[:1],
                      "submitted": submitted}))
    session.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
