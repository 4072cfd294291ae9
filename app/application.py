"""Building the application: the QApplication, a session with its first points, the window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PyQt5 import QtCore, QtWidgets

from app.autosave import data_folder
from app.event_wait import run_events_until
from app.heap_trim import ensure_heap_trimmer
from app.main_window import MainWindow
from app.render import ensure_application
from app.session import PlaygroundSession
from app.settings import Settings
from app.startup_probe import attach_if_requested
from app.workers import keep_out_of_full_collections
from models.backend import ENV_VARIABLE, Backend, BackendError, resolve_backend
from models.datasets import make_preset
from models.model_cache import ClassifierCache


#: How long a thread may hold the GIL while another waits for it (CPython's default is 5 ms). Workers
#: compile in Python; the GUI thread paints with many short Python calls (pyqtgraph items), and each
#: waited up to 5 ms for the GIL, so a repaint during a compile took over 100 ms. 1 ms keeps it short.
GIL_SWITCH_INTERVAL_S = 0.001


def create_window(backend: Backend, points_path: str | None = None, cache: ClassifierCache | None = None,
                  prewarm: bool = False, autosave_folder: Path | None = None, settings: Settings | None = None
                  ) -> MainWindow:
    """A window over a new session holding the trout/salmon preset (or the given CSV).

    ``prewarm`` compiles the other playground architectures in the background once the first
    model is ready, so that switching model later is instant. ``autosave_folder`` turns on the
    autosave (the app's data folder in normal use); ``settings`` persists preferences.
    """
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    ensure_heap_trimmer()
    session = PlaygroundSession(backend, cache=cache, prewarm=prewarm)
    window = MainWindow(session, autosave_folder=autosave_folder, settings=settings)
    xy, labels = make_preset("trout_salmon")
    session.load_initial_points(xy, labels)
    if points_path:
        window.open_points(points_path)
    return window


def run_gui(args) -> int:
    """Start the window; the first model compiles in the background while it is already usable."""
    app = ensure_application(headless=False)
    app.setApplicationName("Descida")
    app.setOrganizationName("Descida")
    settings = Settings()
    try:
        backend = resolve_backend(args.backend or os.environ.get(ENV_VARIABLE) or settings.backend or None)
    except BackendError as error:
        if args.backend or os.environ.get(ENV_VARIABLE):
            print(f"descida: error: {error}", file=sys.stderr)
            return 2
        backend = resolve_backend()  # a remembered back end that is gone: use the default
    prewarm = os.environ.get("DESCIDA_PREWARM", "1") != "0"
    window = create_window(backend, args.points, prewarm=prewarm, autosave_folder=data_folder(), settings=settings)
    window.files.ask_on_close = True
    keep_out_of_full_collections()
    attach_if_requested(window)
    window.show()
    QtCore.QTimer.singleShot(0, window.session.start)
    if getattr(args, "session", None):
        QtCore.QTimer.singleShot(0, lambda: window.files.open(args.session))
    else:
        QtCore.QTimer.singleShot(0, window.files.offer_recovery)
    return app.exec_()


def wait_until_ready(session: PlaygroundSession, timeout_s: float = 120.0) -> bool:
    """Run the event loop until the session's model is compiled (headless commands and tests)."""
    if not run_events_until(lambda: session.ready and not session.busy, timeout_s):
        return False
    QtWidgets.QApplication.instance().processEvents()
    return True
