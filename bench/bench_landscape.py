"""The cost landscape's performance targets, measured in one process against NumPy.

1. Logistic landscape, 150×150 grid, 1,000 points (padded to 1,024 rows as the app does): ≤ 33 ms
   median to a drawable grid (a coarse pass is acceptable if the full grid follows within
   200 ms). Formulations compared: NumPy (the naive outer product, and the same row-by-row
   stable softplus in float32), PyTensor naive (a (G², N) matrix through ``pt.softplus``), a
   matmul of the (G², 3) weight grid against the (3, N) data, and the app's row-scanned outer
   sum (models/landscape.py), in float32 and float64, on each back end that runs it.
2. A race of 6 optimizers with an MLP 2-16-16-1 on 1,000 points animates at ≥ 30 frames/s in the
   real window (offscreen; the event loop paints the boundary, the landscape and the loss plot
   between frames), with the landscape updating. The GUI thread's CPU time per frame is reported
   too: on a machine shared with other work it tells what the animation itself costs.

Run: ``python -m bench.bench_landscape [--backends jax,numba,c,pytorch] [--seconds 6]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from bench.timing import measure, table

N_POINTS, ROWS, G, COARSE = 1000, 1024, 150, 50


def data(seed: int = 0):
    rng = np.random.default_rng(seed)
    x = np.zeros((ROWS, 2))
    x[:N_POINTS] = rng.normal(size=(N_POINTS, 2))
    y = np.zeros(ROWS)
    y[:N_POINTS] = (x[:N_POINTS, 0] - 0.5 * x[:N_POINTS, 1] + 0.5 * rng.normal(size=N_POINTS) > 0)
    m = np.r_[np.ones(N_POINTS), np.zeros(ROWS - N_POINTS)]
    return x, y, m, np.linspace(-4, 4, G), np.linspace(-3, 3, G), 0.3


def numpy_naive(x, y, m, a, b, bias):
    """The textbook computation: every (w1, w2) against every point at once, float64."""
    w1, w2 = np.meshgrid(a, b)
    z = w1.reshape(-1, 1) * x[:, 0] + w2.reshape(-1, 1) * x[:, 1] + bias
    return ((np.logaddexp(0, z) - y * z) @ m / m.sum()).reshape(len(b), len(a))


def numpy_rows(x, y, m, a, b, bias):
    """The app's formulation in NumPy: float32, row by row, one stable softplus per element."""
    x, y, m, a = (np.asarray(v, np.float32) for v in (x, y, m, a))
    out = np.empty((len(b), len(a)), np.float32)
    linear = (m * y) @ x
    for r, bv in enumerate(np.asarray(b, np.float32)):
        z = a[:, None] * x[:, 0] + (bv * x[:, 1] + np.float32(bias))
        out[r] = (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) @ m
        out[r] -= a * linear[0] + bv * linear[1] + bias * (m * y).sum()
    return out / m.sum()


def pytensor_variant(kind: str, backend_name: str, dtype: str):
    """A compiled function f(x, y, m, a, b, bias) -> (G, G) for one formulation."""
    import pytensor
    import pytensor.tensor as pt

    from models.backend import resolve_backend
    from models.landscape import EXCLUDED_REWRITES

    mode = resolve_backend(backend_name).mode()
    x, y, m = pt.matrix("x", dtype=dtype), pt.vector("y", dtype=dtype), pt.vector("m", dtype=dtype)
    a, b, bias = pt.vector("a", dtype=dtype), pt.vector("b", dtype=dtype), pt.scalar("bias", dtype=dtype)
    if kind == "naive":
        w = pt.stack([pt.repeat(a[None, :], b.shape[0], 0).ravel(), pt.repeat(b[:, None], a.shape[0], 1).ravel()], 1)
        z = w @ x.T + bias
        out = ((pt.softplus(z) - y * z) @ m / pt.sum(m)).reshape((b.shape[0], a.shape[0]))
    elif kind == "matmul":
        s = 1 - 2 * y  # softplus(z) − y·z = softplus((1 − 2y)·z) for labels in {0, 1}
        data = pt.stack([s * x[:, 0], s * x[:, 1], s * bias])
        w = pt.stack([pt.repeat(a[None, :], b.shape[0], 0).ravel(), pt.repeat(b[:, None], a.shape[0], 1).ravel(),
                      pt.ones(a.shape[0] * b.shape[0], dtype=dtype)], 1)
        z = w @ data
        out = ((pt.maximum(z, 0) + pt.log1p(pt.exp(-abs(z)))) @ m / pt.sum(m)).reshape((b.shape[0], a.shape[0]))
        mode = mode.excluding(*EXCLUDED_REWRITES)
    else:
        raise ValueError(kind)
    return pytensor.function([x, y, m, a, b, bias], out, mode=mode)


def bench_grids(backends: list[str], repeat: int) -> tuple[list[tuple], dict]:
    from models.backend import resolve_backend
    from models.classifiers import ModelSpec
    from models.landscape import Landscape, SliceRequest

    x, y, m, a, b, bias = data()
    reference = numpy_naive(x, y, m, a, b, bias)
    rows, figures = [], {}

    def record(name, fn, result_fn=None, n=repeat):
        try:
            t0 = time.perf_counter()
            got = np.asarray(fn())  # the first call compiles / specialises
            first = time.perf_counter() - t0
            error = float(np.max(np.abs(got - reference) / np.abs(reference)))
            timing = measure(lambda: np.asarray(fn()), n, warmup=2)
        except Exception as exc:  # a back end that cannot run a formulation is reported, not fatal
            rows.append((name, "failed", f"{type(exc).__name__}: {str(exc)[:70]}", "", ""))
            return None
        rows.append((name, f"{first:.2f} s", str(timing), f"{error:.1e}", f"{numpy_ms / timing.median_ms:.1f}×"))
        figures[name] = timing.median_ms
        return timing

    numpy_ms = measure(lambda: numpy_naive(x, y, m, a, b, bias), max(3, repeat // 10), warmup=1).median_ms
    figures["NumPy naive float64"] = numpy_ms
    rows.append(("NumPy naive float64 (outer product + logaddexp)", "—", f"{numpy_ms:8.3f} ms", "0", "1.0×"))
    record("NumPy float32, row by row, stable softplus", lambda: numpy_rows(x, y, m, a, b, bias), n=max(3, repeat // 5))
    spec = ModelSpec("logistic")
    theta = np.array([0.0, 0.0, bias])
    for name in backends:
        for dtype in ("float32", "float64"):
            args = [np.asarray(v, dtype) for v in (x, y, m, a, b, bias)]
            for kind in ("naive", "matmul"):
                try:
                    f = pytensor_variant(kind, name, dtype)
                except Exception as exc:
                    rows.append((f"PyTensor {name.upper()} {dtype} {kind}", "failed", str(exc)[:70], "", ""))
                    continue
                record(f"PyTensor {name.upper()} {dtype} {kind}", lambda f=f, args=args: f(*args),
                       n=max(3, repeat // 5))
            try:
                landscape = Landscape(resolve_backend(name), dtype)
            except Exception as exc:
                rows.append((f"app {name} {dtype}", "failed", str(exc)[:70], "", ""))
                continue
            for size in (G, COARSE):
                request = SliceRequest(theta, (0, 1), np.linspace(a[0], a[-1], size), np.linspace(b[0], b[-1], size))
                if size == COARSE:
                    reference_now = reference
                    reference = numpy_naive(x, y, m, request.a, request.b, bias)
                label = f"app row-scan {name.upper()} {dtype}" + (f", coarse {COARSE}×{COARSE}" if size == COARSE else "")
                record(label, lambda r=request, ls=landscape: ls.cost_grid(spec, r, x, y, m))
                if size == COARSE:
                    reference = reference_now
    return rows, figures


def bench_race(seconds: float, backend_name: str) -> dict:
    """Frames per second of a 6-optimizer race (MLP 2-16-16-1, 1,000 points) in the real window."""
    from PyQt5 import QtCore

    from app.application import create_window, wait_until_ready
    from app.event_wait import run_events_until
    from app.render import ensure_application
    from models.backend import resolve_backend
    from models.classifiers import ModelSpec

    ensure_application(headless=True)
    window = create_window(resolve_backend(backend_name))
    window.resize(1500, 950)
    window.show()
    session, tab = window.session, window.playground
    rng = np.random.default_rng(1)
    xy = rng.normal(size=(N_POINTS, 2))
    labels = (xy[:, 0] * xy[:, 1] > 0).astype(int)
    session.replace_points(xy, labels, "bench points")
    session.set_spec(ModelSpec("mlp", hidden=(16, 16), activation="tanh"))
    session.start()
    assert wait_until_ready(session, 300)
    tab.optimizer_controls.set_racing(["momentum", "nesterov", "adagrad", "rmsprop", "adam"])
    raced = run_events_until(
        lambda: session.can_step() and tab.race.race is not None and len(tab.race.race.racers) == 5, 300)
    assert raced, "the race did not compile"
    session.set_lr(0.05)

    counts = {"frames": 0, "landscapes": 0, "paints": 0}
    for widget in (tab.canvas, tab.landscape_panel.view, tab.loss_plot):  # Qt paints them between frames
        paint_event = widget.paintEvent

        def counted_paint(event, paint_event=paint_event):
            counts["paints"] += 1
            paint_event(event)

        widget.paintEvent = counted_paint
    session.frame_ready.connect(lambda _f: counts.__setitem__("frames", counts["frames"] + 1))
    original = tab.landscape._on_result

    def counted(result):
        counts["landscapes"] += 1
        original(result)

    tab.landscape._on_result = counted
    clock = QtCore.QElapsedTimer()
    last, worst = [0], [0]

    def tick():
        now = clock.elapsed()
        worst[0] = max(worst[0], now - last[0])
        last[0] = now

    probe = QtCore.QTimer()
    probe.timeout.connect(tick)
    warm_until = time.time() + 1.0  # the first frames specialise shapes; then measure
    session.play()
    run_events_until(lambda: time.time() >= warm_until, 2.0)
    counts.update(frames=0, landscapes=0)
    start_iteration = session.trainer.iteration
    clock.start()
    probe.start(5)
    began, cpu = time.perf_counter(), time.thread_time()
    run_events_until(lambda: time.perf_counter() - began >= seconds, seconds + 1.0)
    elapsed, cpu = time.perf_counter() - began, time.thread_time() - cpu
    session.pause()
    probe.stop()
    result = {"fps": counts["frames"] / elapsed, "landscapes_per_s": counts["landscapes"] / elapsed,
              "iterations": session.trainer.iteration - start_iteration, "worst_stall_ms": worst[0],
              "racers": 1 + len(tab.race.race.racers), "gui_cpu_ms": 1000 * cpu / max(counts["frames"], 1),
              "paints_per_frame": counts["paints"] / max(counts["frames"], 1)}
    session.shutdown()
    window.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="jax,numba,c,pytorch", help="comma-separated PyTensor back ends")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=6.0, help="how long the race plays")
    parser.add_argument("--race-backend", default="jax")
    parser.add_argument("--only", choices=("grids", "race"), default=None)
    args = parser.parse_args(argv)
    from models.backend import available_backends

    backends = [b for b in args.backends.split(",") if b in available_backends()]
    print(f"# Cost landscape, logistic regression, {G}×{G} grid × {N_POINTS} points ({ROWS} rows), "
          f"{os.cpu_count()} CPUs\n")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    if args.only != "race":
        rows, figures = bench_grids(backends, args.repeat)
        print(table(rows, ("implementation", "first call", "time (median)", "max rel. error", "vs NumPy naive")))
        coarse = figures.get(f"app row-scan JAX float32, coarse {COARSE}×{COARSE}")
        full = figures.get("app row-scan JAX float32")
        if coarse and full:
            print(f"\nApp (JAX float32): drawable coarse grid after {coarse:.1f} ms (target ≤ 33), "
                  f"full grid after {coarse + full:.1f} ms (target ≤ 200); the full grid alone: {full:.1f} ms.")
    if args.only == "grids":
        return 0
    race = bench_race(args.seconds, args.race_backend)
    print(f"\nRace of {race['racers']} optimizers, MLP 2-16-16-1, {N_POINTS} points, {args.race_backend}, offscreen: {race['fps']:.1f} frames/s (target ≥ 30), "
          f"{race['iterations']} iterations, {race['paints_per_frame']:.1f} view paints per frame, "
          f"landscape redrawn {race['landscapes_per_s']:.1f}×/s, "
          f"longest event-loop stall {race['worst_stall_ms']} ms; GUI-thread CPU {race['gui_cpu_ms']:.1f} ms/frame; "
          f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
