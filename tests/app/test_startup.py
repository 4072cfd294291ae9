"""The real app in a new process with empty compile caches: the window shows and steps while the
first model compiles in the worker, and the event loop never stalls meanwhile."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cold_start_compiles_in_the_background_and_never_freezes(tmp_path):
    log = tmp_path / "probe.json"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "DESCIDA_STARTUP_PROBE": str(log),
        "DESCIDA_PREWARM": "0",  # only the first model and the probe's model switch compile
        "DESCIDA_CACHE_DIR": str(tmp_path / "descida-cache"),
        "PYTENSOR_FLAGS": f"base_compiledir={tmp_path / 'pytensor'}",
        "NUMBA_CACHE_DIR": str(tmp_path / "numba"),
    }
    started = time.time()
    result = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads(log.read_text())
    events = {name: stamp - started for name, stamp in record["events"].items()}
    assert events["window_shown"] < events["model_ready"] < events["first_step_drawn"]
    assert "switch_first_step_drawn" in events  # a second architecture compiled while the window ran
    assert (tmp_path / "descida-cache").exists()  # compiled code is kept for the next launch
    # A compile on the GUI thread would stall it for 0.5–2 s; background work with the GIL shared
    # stays far below. The 100 ms target is measured by bench/bench_startup.py on a quiet machine.
    assert record["worst_stall_ms"] < 250, record
