"""Shared test set-up: headless Qt, and compiled models shared per session so the suite stays fast."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_runtime = Path(tempfile.gettempdir()) / f"descida-test-runtime-{os.getuid()}"
_runtime.mkdir(mode=0o700, exist_ok=True)
os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest  # noqa: E402

from models.backend import resolve_backend  # noqa: E402
from models.model_cache import ClassifierCache  # noqa: E402


@pytest.fixture(scope="session")
def backend():
    """The default back end (what the app uses when the user does not choose)."""
    return resolve_backend()


@pytest.fixture(scope="session")
def classifier_cache():
    """Compiled classifiers shared by every test of the session (compiling costs ~1 s per family)."""
    return ClassifierCache()
