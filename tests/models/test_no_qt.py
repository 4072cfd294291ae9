"""models/ must stay usable without Qt: from a notebook, a script, a machine with no display."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

MODELS = Path(__file__).resolve().parents[2] / "models"


def test_no_module_in_models_imports_qt():
    pattern = re.compile(r"^\s*(from|import)\s+(PyQt5|PyQt6|PySide\d?|pyqtgraph|qtpy|widgets|app)\b", re.M)
    offenders = [p.name for p in MODELS.glob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


def test_importing_every_model_module_loads_no_qt():
    names = [p.stem for p in MODELS.glob("*.py") if p.stem != "__init__"]
    code = (
        "import sys, importlib\n"
        f"for n in {names!r}: importlib.import_module('models.' + n)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PyQt5', 'pyqtgraph', 'PySide2', 'PySide6')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=MODELS.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
