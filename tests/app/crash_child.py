"""A real Descida window in a child process, for the crash-recovery test.

``python -m tests.app.crash_child work FOLDER N``: add N known points, let the autosave run, print
READY and keep running until killed. ``... recover FOLDER``: start again, accept the offer to
restore, print the recovered points as JSON and exit.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def known_points(n: int) -> list[tuple[float, float, int]]:
    return [(30.0 + 0.5 * i, 2.0 + 0.07 * i, i % 2) for i in range(n)]


def main() -> int:
    mode, folder = sys.argv[1], sys.argv[2]
    from PyQt5 import QtCore, QtWidgets

    from app.application import create_window, wait_until_ready
    from app.render import ensure_application
    from models.backend import resolve_backend

    app = ensure_application(headless=True)
    window = create_window(resolve_backend(), autosave_folder=folder)
    window.show()
    session = window.session
    if mode == "work":
        session.start()
        wait_until_ready(session)
        for x, y, label in known_points(int(sys.argv[3])):
            session.add_point(x, y, label)
        deadline = time.monotonic() + 1.5  # the autosave promises one second
        while time.monotonic() < deadline:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
        print("READY", flush=True)
        while True:  # until SIGKILL
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
    recovery = window.files.offer_recovery()
    if recovery is None:
        print(json.dumps({"offered": False}), flush=True)
        return 0
    box = window.files.recovery_box
    text = box.text()
    restore = next(b for b in box.buttons() if b.text() == "Restore")
    restore.click()
    app.processEvents()
    points = session.points
    print(json.dumps({"offered": True, "text": text, "xy": points.xy.tolist(), "labels": points.labels.tolist()}),
          flush=True)
    QtWidgets.QApplication.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
