from __future__ import annotations

import pytest

from app.application import create_window, wait_until_ready


@pytest.fixture
def window(qtbot, backend, classifier_cache):
    """The real main window over a new session (compiled models shared across tests), ready to step."""
    win = create_window(backend, cache=classifier_cache)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    win.session.start()
    assert wait_until_ready(win.session, timeout_s=120)
    yield win
    win.session.shutdown()


def wait_ready(session, timeout_s: float = 120) -> None:
    assert wait_until_ready(session, timeout_s=timeout_s), "the model did not compile in time"
