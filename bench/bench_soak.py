"""Soak: the real window animating for a long time with an edit every second; memory start vs end.

Offscreen, the default model (MLP 2-16-16-1 tanh on the trout/salmon points), playing at the
normal frame rate, autosaving as the app does (into a temporary folder); every second one edit
cycles through add a point, move it, delete it, undo, redo, a preset noise change. Resident memory is sampled after a warm-up minute (so compile
caches and the bounded parameter history are in place) and every minute after; the goal is
< 5 % growth from the first sample to the last.

Run: ``python -m bench.bench_soak [--minutes 30]``  (``make bench`` runs a 2-minute version).
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time

import numpy as np


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds before the first memory sample")
    parser.add_argument("--no-edits", action="store_true", help="animate only (to attribute growth)")
    parser.add_argument("--no-play", action="store_true", help="edit only (to attribute growth)")
    args = parser.parse_args(argv)

    from PyQt5 import QtCore

    from app.application import create_window, wait_until_ready
    from app.render import ensure_application
    from models.backend import resolve_backend
    from models.classifiers import ModelSpec

    app = ensure_application(headless=True)
    autosave_folder = tempfile.TemporaryDirectory(prefix="descida-soak-")
    window = create_window(resolve_backend(), autosave_folder=autosave_folder.name)
    window.resize(1280, 800)
    window.show()
    session = window.session
    session.set_spec(ModelSpec("mlp", hidden=(16, 16), activation="tanh"))
    session.start()
    assert wait_until_ready(session)
    session.set_steps_per_frame(5)
    if not args.no_play:
        session.play()
    rng = np.random.default_rng(0)
    started = time.monotonic()
    samples: list[tuple[float, float, int]] = []
    edits = [0]

    def edit() -> None:
        kind = edits[0] % 6
        xy = session.points.xy
        if kind == 0:
            lo, hi = xy.min(axis=0), xy.max(axis=0)
            session.add_point(*rng.uniform(lo, hi), int(rng.integers(0, 2)))
        elif kind == 1 and len(xy):
            i = len(xy) - 1
            session.finish_move([i], xy[[i]].copy(), xy[[i]] + rng.normal(0, 0.5, size=(1, 2)))
        elif kind == 2 and len(xy):
            session.delete_points([len(xy) - 1])
        elif kind == 3:
            session.undo_stack.undo()
        elif kind == 4:
            session.undo_stack.redo()
        else:
            session.apply_preset("trout_salmon", noise=float(rng.uniform(0.2, 0.8)))
        edits[0] += 1

    def sample() -> None:
        gc.collect()
        samples.append((time.monotonic() - started, rss_mb(), session.trainer.iteration if session.trainer else 0))
        print(f"{samples[-1][0]:7.0f} s  RSS {samples[-1][1]:7.1f} MB  iteration {samples[-1][2]:,}", flush=True)

    editor = QtCore.QTimer()
    editor.timeout.connect(edit)
    if not args.no_edits:
        editor.start(1000)
    QtCore.QTimer.singleShot(int(args.warmup * 1000), sample)
    sampler = QtCore.QTimer()
    sampler.timeout.connect(sample)
    QtCore.QTimer.singleShot(int(args.warmup * 1000), lambda: sampler.start(60_000))
    QtCore.QTimer.singleShot(int((args.warmup + args.minutes * 60) * 1000), app.quit)
    app.exec_()
    sample()
    session.shutdown()
    window.files.autosaver.flush()
    autosave_folder.cleanup()
    first, last = samples[0], samples[-1]
    growth = 100 * (last[1] - first[1]) / first[1]
    print(f"\nSoak: {args.minutes:g} min after a {args.warmup:g} s warm-up, {edits[0]} edits, "
          f"{last[2]:,} iterations; RSS {first[1]:.1f} → {last[1]:.1f} MB ({growth:+.1f} %; goal < 5 %)")
    return 0 if growth < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
