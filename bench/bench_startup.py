"""Start-up latency of the real app, in new processes, offscreen (issue: first launch in seconds).

Cold = empty PyTensor, Numba and JAX caches, and with ``--fresh-venv`` a new virtual environment
installed from requirements.txt for each run; warm = the same environment and caches a second
time.
For each back end: window shown, first gradient step applied and drawn, every playground model
warm, the longest event-loop stall, and a model switch after warming; median of N runs with
the spread (min–max).

Run: ``python -m bench.bench_startup [--runs 5] [--backends jax,numba]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.timing import table

ROOT = Path(__file__).resolve().parents[1]
MILESTONES = ("window_shown", "model_ready", "first_step_drawn", "all_families_ready", "all_models_ready")


def cache_environment(folder: Path) -> dict[str, str]:
    return {
        "PYTENSOR_FLAGS": f"base_compiledir={folder / 'pytensor'}",  # Numba's cache lives there too
        "NUMBA_CACHE_DIR": str(folder / "numba"),
        "DESCIDA_CACHE_DIR": str(folder / "descida"),
        "XDG_CACHE_HOME": str(folder / "xdg-cache"),
    }


def fresh_venv(folder: Path) -> str:
    """A new virtual environment with the pinned requirements, as ``make run`` creates it."""
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r",
                    str(ROOT / "requirements.txt")], check=True, capture_output=True)
    return python


def launch(backend: str, caches: Path, timeout: float, python: str = sys.executable) -> dict:
    """Start ``main.py`` once; return seconds from launch to each milestone, and the stall figures."""
    log = caches / f"probe-{time.time_ns()}.json"
    env = {**os.environ, **cache_environment(caches), "QT_QPA_PLATFORM": "offscreen",
           "DESCIDA_BACKEND": backend, "DESCIDA_STARTUP_PROBE": str(log)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's Python writes bytecode; the second start uses it
    env.pop("PYTHONPYCACHEPREFIX", None)
    started = time.time()
    result = subprocess.run([python, str(ROOT / "main.py")], env=env, cwd=ROOT, timeout=timeout,
                            capture_output=True, text=True)
    if result.returncode != 0 or not log.exists():
        raise RuntimeError(f"app exited with {result.returncode}: {result.stderr[-400:]}")
    record = json.loads(log.read_text())
    events = record["events"]
    times = {name: events[name] - started for name in MILESTONES if name in events}
    if "switch_first_step_drawn" in events:
        times["switch"] = events["switch_first_step_drawn"] - events["switch_requested"]
    times["stall_ms"] = record["worst_stall_ms"]
    times["stalls_over_100ms"] = record["stalls_over_100ms"]
    return times


def summary(values: list[float], unit: str = "s") -> str:
    if not values:
        return "—"
    fmt = (lambda v: f"{v:.2f}") if unit == "s" else (lambda v: f"{v:.0f}")
    return f"{fmt(statistics.median(values))} {unit} ({fmt(min(values))}–{fmt(max(values))})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", default="jax", help="comma-separated; numba cold starts take minutes each")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--fresh-venv", action="store_true", help="install a new .venv for every cold run")
    args = parser.parse_args(argv)
    rows = []
    for backend in args.backends.split(","):
        runs = {"cold": [], "warm": []}
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="descida-startup-") as folder:
                python = fresh_venv(Path(folder)) if args.fresh_venv else sys.executable
                try:
                    runs["cold"].append(launch(backend, Path(folder), args.timeout, python))
                    runs["warm"].append(launch(backend, Path(folder), args.timeout, python))
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    print(f"{backend}: {error}", file=sys.stderr)
                    break
        for kind, records in runs.items():
            column = lambda key: [r[key] for r in records if key in r]  # noqa: E731
            rows.append((backend, kind, summary(column("window_shown")), summary(column("first_step_drawn")),
                         summary(column("all_families_ready")), summary(column("all_models_ready")),
                         summary(column("switch")), summary(column("stall_ms"), "ms"),
                         str(sum(column("stalls_over_100ms")))))
    venv = "a fresh .venv per run" if args.fresh_venv else "the current .venv"
    print(f"# Start-up, {args.runs} runs each (median, min–max), {venv}, {os.cpu_count()} CPUs\n")
    print(table(rows, ("back end", "caches", "window shown", "first step drawn", "every graph compiled",
                       "every prewarm shape", "model switch → step", "longest stall", "stalls > 100 ms")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
