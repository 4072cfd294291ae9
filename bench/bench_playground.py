"""The 2D playground's performance targets, measured in one process against NumPy and PyTorch.

N = 1,000 points, MLP 2-32-32-1 tanh, 200×200 boundary grid:
- one gradient step ≤ 1 ms median and ≤ 0.5× a hand-written NumPy step timed in the same run;
- boundary grid evaluation ≤ 10 ms median;
- one whole animation frame (step + heatmap + contour + loss curve, painted offscreen) ≤ 16 ms;
- switching model never stalls the event loop for more than 100 ms.

Run: ``python -m bench.bench_playground [--backends jax,numba,c] [--repeat 200]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from bench.numpy_mlp import init, numpy_proba, numpy_step, torch_functions
from bench.timing import measure, table

N_POINTS = 1000
GRID = 200


def data(seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N_POINTS, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(float)
    gx, gy = np.meshgrid(np.linspace(-2, 2, GRID), np.linspace(-2, 2, GRID))
    return x, y, np.column_stack([gx.ravel(), gy.ravel()])


def bench_references(repeat: int) -> dict:
    x, y, grid = data()
    params = init()
    results = {"NumPy": (measure(lambda: numpy_step(params, x, y, 0.1), repeat),
                         measure(lambda: numpy_proba(params, grid), max(10, repeat // 10)))}
    torch_fns = torch_functions(init(), x, y)
    if torch_fns is not None:
        import torch

        torch.set_num_threads(os.cpu_count() or 1)
        step, proba = torch_fns
        results["PyTorch CPU"] = (measure(step, repeat), measure(lambda: proba(grid), max(10, repeat // 10)))
    return results


def bench_backend(name: str, repeat: int) -> tuple:
    """Compile latency, step and grid timings, through the app's own Trainer (padded rows and all)."""
    from models.backend import resolve_backend
    from models.classifiers import Classifier, ModelSpec
    from models.training import Trainer, TrainingConfig

    x, y, grid = data()
    spec = ModelSpec("mlp", hidden=(32, 32), activation="tanh")
    t0 = time.perf_counter()
    classifier = Classifier(spec, resolve_backend(name))
    classifier.compile()
    classifier.warm(1024, GRID * GRID)
    compile_s = time.perf_counter() - t0
    trainer = Trainer(classifier, spec, TrainingConfig(lr=0.1, standardize=False))
    trainer.set_points(x, y)
    trainer.reset()
    px, py, pm = trainer.padded_data()
    step = measure(lambda: classifier.step(px, py, pm, 0.1), repeat)  # the compiled update alone
    bookkept = measure(lambda: trainer.step(1), repeat)  # + history, NaN guard, loss at w(t+1)
    proba = measure(lambda: trainer.proba_at(grid), max(10, repeat // 10))
    return compile_s, step, bookkept, proba


def bench_frames(backend_name: str, frames: int = 200) -> tuple:
    """Frame time and model-switch stalls in the real window, offscreen."""
    from PyQt5 import QtCore

    from app.application import create_window, wait_until_ready
    from app.event_wait import run_events_until
    from app.render import ensure_application
    from models.backend import resolve_backend
    from models.classifiers import ModelSpec

    ensure_application(headless=True)
    window = create_window(resolve_backend(backend_name))
    window.resize(1280, 800)
    window.show()
    session, tab = window.session, window.playground
    x, y, _ = data()
    session.replace_points(x * 2, y.astype(int), "bench points")
    session.set_spec(ModelSpec("mlp", hidden=(32, 32), activation="tanh"))
    session.start()
    assert wait_until_ready(session)
    assert tab.landscape.wait_until_drawn(60)  # animation's steady state: nothing left compiling

    def frame():
        session.step(1)  # step, evaluate, boundary grid; views update their items
        tab.canvas.viewport().repaint()  # heatmap + contour + points painted now
        tab.loss_plot.viewport().repaint()

    frame_timing = measure(frame, frames, warmup=10)

    stalls = []
    specs = [ModelSpec("mlp", hidden=(h, h), activation=a) for h, a in ((24, "relu"), (40, "sigmoid"), (12, "tanh"))]
    specs += [ModelSpec("poly", degree=5), ModelSpec("logistic")]
    for spec in specs:
        clock = QtCore.QElapsedTimer()
        clock.start()
        last, worst = [0], [0]

        def tick():
            now = clock.elapsed()
            worst[0] = max(worst[0], now - last[0])
            last[0] = now

        timer = QtCore.QTimer()
        timer.timeout.connect(tick)
        timer.start(5)
        began = clock.elapsed()
        session.set_spec(spec)
        worst[0] = max(worst[0], clock.elapsed() - began)  # the slot itself runs on the GUI thread
        wait_until_ready(session)
        first_step = clock.elapsed()
        session.step(1)
        tab.canvas.viewport().repaint()
        drawn = clock.elapsed()
        last[0] = drawn  # the step the user asked for is timed on its own, not as part of the switch
        # then the cost landscape compiles and draws its first grids for the new model: still the switch
        run_events_until(tab.landscape.is_drawn, 60)
        timer.stop()
        stalls.append((spec.label(), worst[0], first_step - began, drawn - first_step, clock.elapsed() - began))
    session.shutdown()
    window.close()
    return frame_timing, stalls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="jax,numba", help="comma-separated PyTensor back ends")
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--frame-backend", default="jax")
    args = parser.parse_args(argv)

    print(f"# Playground benchmark (N={N_POINTS}, MLP 2-32-32-1 tanh, {GRID}×{GRID} grid), {os.cpu_count()} CPUs\n")
    refs = bench_references(args.repeat)
    numpy_step_ms = refs["NumPy"][0].median_ms
    rows = [(name, "—", str(s), "—", str(g), f"{s.median_ms / numpy_step_ms:.2f}×") for name, (s, g) in refs.items()]
    for name in args.backends.split(","):
        try:
            compile_s, step, bookkept, grid = bench_backend(name.strip(), args.repeat)
        except Exception as error:  # a back end that fails here is reported, not fatal
            rows.append((f"PyTensor {name}", "failed", f"{type(error).__name__}: {str(error)[:60]}", "", "", ""))
            continue
        rows.append((f"PyTensor {name.upper()}", f"{compile_s:.2f} s", str(step), str(bookkept), str(grid),
                     f"{step.median_ms / numpy_step_ms:.2f}×"))
    print(table(rows, ("implementation", "compile+warm", "gradient step", "Trainer.step(1) with loss",
                       "200×200 grid", "step / NumPy")))

    frame_timing, stalls = bench_frames(args.frame_backend)
    print(f"\nWhole animation frame ({args.frame_backend}, offscreen, step + heatmap + contour + loss): {frame_timing}")
    print("\nModel switch (worker compile), longest event-loop stall and time to first step:\n")
    print(table([(label, f"{stall} ms", f"{ready} ms", f"{first} ms", f"{landscape} ms")
                 for label, stall, ready, first, landscape in stalls],
                ("switch to", "longest stall", "until ready", "first step + draw", "until landscape drawn")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
