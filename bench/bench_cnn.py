"""Convolution and CNN benchmarks: PyTensor (per back end) against PyTorch and NumPy, in one run.

    python -m bench.bench_cnn [--rounds N] [--backends jax,numba,c] [--skip-torch]

1. 16 filters 3×3 over a 512×512 image ('valid' cross-correlation), float32 and float64.
2. One Adam train step of the digits CNN on a 64-image batch (float64), for the one-layer
   reference network (conv 8 → ReLU → pool → dense 10) and the default two-layer one.
3. The default digits CNN trained with the default settings: seconds to ≥ 97 % test accuracy.

Candidates are timed in interleaved rounds (a block of calls each per round) and the median
is reported, so a busy machine slows every candidate alike. Every PyTensor result is checked
against NumPy/SciPy before it is timed. Compile times (first call) are printed separately.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from scipy.signal import correlate2d

from bench.numpy_cnn import NumpyCNN
from models.backend import Backend, is_available
from models.cnn import TRAIN_BATCH, CNNSpec, DigitsCNN
from models.cnn_training import TrainConfig, load_digits_data, train
from models.feature_maps import FeatureMapper

SIZE, K = 512, 16


def interleaved(candidates: dict, rounds: int, block: int = 5) -> dict[str, float]:
    """Median milliseconds per candidate: ``rounds`` rounds, each running every candidate for a block
    of ``block`` timed calls. The first call of each block is not counted: libraries' thread pools
    (XLA, OpenMP, OpenBLAS) still spin for a while after their last call and slow the next library."""
    for fn in candidates.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            fn()
            for _ in range(block):
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
    return {name: 1e3 * float(np.median(t)) for name, t in times.items()}


def best(medians: dict[str, float], *words: str) -> float:
    """The fastest candidate whose name contains every word (a reference for ratios)."""
    return min(ms for name, ms in medians.items() if all(w in name for w in words))


def report(title: str, medians: dict[str, float], columns: dict[str, object]) -> None:
    """One line per candidate: its median and its ratio to each column's reference (a callable of the name)."""
    print(f"\n{title}")
    print(f"  {'candidate':<36}{'median ms':>10}" + "".join(f"{label:>26}" for label in columns))
    for name, ms in medians.items():
        ratios = "".join(f"{ms / reference(name):>26.2f}" for reference in columns.values())
        print(f"  {name:<36}{ms:>10.3f}{ratios}")


def _dtype(name: str) -> str:
    return "float32" if "float32" in name else "float64"


def conv_benchmark(backends: list[str], rounds: int, use_torch: bool) -> None:
    rng = np.random.default_rng(0)
    image64, filters64 = rng.random((SIZE, SIZE)), rng.normal(size=(K, 3, 3))
    expected = np.stack([correlate2d(image64, f, mode="valid") for f in filters64])
    candidates = {}
    for dtype in ("float32", "float64"):
        image, filters = image64.astype(dtype), filters64.astype(dtype)
        if use_torch:
            import torch

            x = torch.from_numpy(image)[None, None]
            w = torch.from_numpy(filters)[:, None]

            def torch_conv(x=x, w=w):
                with torch.no_grad():
                    return torch.nn.functional.conv2d(x, w)[0].numpy()

            candidates[f"PyTorch conv2d {dtype}"] = torch_conv
            candidates[f"PyTorch conv2d {dtype} 1 thread"] = _one_thread(torch_conv)
        for name in backends:
            started = time.perf_counter()
            mapper = FeatureMapper(Backend(name), dtype)
            fn = mapper.conv_function(image.shape, filters.shape)
            out = fn(image, filters)
            tolerance = 1e-10 if dtype == "float64" else 2e-5
            assert np.allclose(out, expected, atol=tolerance, rtol=tolerance), f"{name} {dtype} is wrong"
            print(f"  compile + first call, PyTensor {mapper.method} {name.upper()} {dtype}: "
                  f"{time.perf_counter() - started:.1f} s")
            candidates[f"PyTensor {mapper.method} {name.upper()} {dtype}"] = lambda fn=fn, i=image, f=filters: fn(i, f)
    candidates["SciPy correlate2d × 16 float64"] = lambda: [correlate2d(image64, f, mode="valid") for f in filters64]
    windows = np.lib.stride_tricks.sliding_window_view(image64, (3, 3))
    candidates["NumPy im2col + tensordot float64"] = lambda: np.tensordot(filters64, windows, axes=([1, 2], [2, 3]))
    assert np.allclose(candidates["NumPy im2col + tensordot float64"](), expected)
    medians = interleaved(candidates, rounds)
    numpy_best = min(medians["NumPy im2col + tensordot float64"], medians["SciPy correlate2d × 16 float64"])
    columns = {"÷ best NumPy/SciPy f64": lambda name: numpy_best}
    if use_torch:
        columns["÷ best PyTorch same dtype"] = lambda name: best(medians, "PyTorch", _dtype(name))
    report(f"16 filters 3×3 over {SIZE}×{SIZE} ('valid' cross-correlation); PyTorch with its default "
           f"threads and with 1 thread", medians, columns)


def _one_thread(fn):
    """``fn`` with PyTorch limited to one thread (OpenMP suffers most on a loaded 2-core machine)."""
    import torch

    def run():
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return fn()
        finally:
            torch.set_num_threads(threads)

    return run


def _one_blas_thread(fn):
    from threadpoolctl import threadpool_limits

    def run():
        with threadpool_limits(limits=1, user_api="blas"):
            return fn()

    return run


def torch_step(spec: CNNSpec, values: dict[str, np.ndarray]):
    import torch
    import torch.nn.functional as F

    params = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    optimizer = torch.optim.Adam(params.values(), lr=0.01, eps=1e-7)

    def step(x: np.ndarray, y: np.ndarray) -> float:
        h = torch.from_numpy(x)[:, None]
        h = F.max_pool2d(F.relu(F.conv2d(h, params["W1"], params["b1"], padding=1)), 2)
        if spec.channels2:
            h = F.max_pool2d(F.relu(F.conv2d(h, params["W2"], params["b2"], padding=1)), 2)
        loss = F.cross_entropy(h.flatten(1) @ params["Wd"] + params["bd"], torch.from_numpy(y))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return float(loss.detach())

    return step


def step_benchmark(backends: list[str], rounds: int, use_torch: bool) -> None:
    data = load_digits_data()
    x, y = data.x_train[:TRAIN_BATCH].astype(float), data.y_train[:TRAIN_BATCH]
    for spec in (CNNSpec(8, 0), CNNSpec()):
        candidates = {}
        values = None
        for name in backends:
            started = time.perf_counter()
            model = DigitsCNN(spec, Backend(name))
            model.compile()
            print(f"  compile + warm, PyTensor CNN {name.upper()} ({spec.label()}): {time.perf_counter() - started:.1f} s")
            model.reset(1)
            values = model.get_weights()
            reference = NumpyCNN(spec, values)
            assert abs(model.train_step(x, y, 0.01) - reference.train_step(x, y, 0.01)) < 1e-10
            assert all(np.allclose(model.get_weights()[k], reference.params[k], atol=1e-12) for k in values)
            candidates[f"PyTensor im2col {name.upper()}"] = lambda m=model: m.train_step(x, y, 0.01)
        values = values or DigitsCNN(spec, Backend(backends[0])).get_weights()
        numpy_net, numpy_one = NumpyCNN(spec, values), NumpyCNN(spec, values)
        candidates["NumPy hand-written"] = lambda: numpy_net.train_step(x, y, 0.01)
        candidates["NumPy hand-written 1 BLAS thread"] = _one_blas_thread(lambda: numpy_one.train_step(x, y, 0.01))
        if use_torch:
            step, step_one = torch_step(spec, values), torch_step(spec, values)
            candidates["PyTorch autograd"] = lambda: step(x, y)
            candidates["PyTorch autograd 1 thread"] = _one_thread(lambda: step_one(x, y))
        medians = interleaved(candidates, rounds)
        columns = {"÷ best NumPy": lambda name: best(medians, "NumPy")}
        if use_torch:
            columns["÷ best PyTorch"] = lambda name: best(medians, "PyTorch")
        report(f"Adam train step, 64×8×8 batch, float64: {spec.label()}", medians, columns)


def accuracy_benchmark(backend: str) -> None:
    data = load_digits_data()
    started = time.perf_counter()
    model = DigitsCNN(CNNSpec(), Backend(backend))
    model.compile()
    compiled = time.perf_counter() - started
    model.reset(0)
    reached, last = None, None
    for last in train(model, data.x_train, data.y_train, TrainConfig(reports_per_epoch=1), data.x_test, data.y_test):
        if reached is None and last.test_accuracy >= 0.97:
            reached = last
    print(f"\nDigits CNN ({CNNSpec().label()}), {backend.upper()}, defaults ({last.epochs} epochs, Adam, lr 0.01 cosine)")
    print(f"  compile + warm {compiled:.1f} s (not training)")
    if reached:
        print(f"  ≥ 97 % test accuracy after epoch {reached.epoch:.0f}: {reached.test_accuracy:.2%} at {reached.seconds:.2f} s")
    print(f"  final: {last.test_accuracy:.2%} after {last.seconds:.2f} s of training")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--backends", default="jax,numba,c", help="comma-separated PyTensor back ends")
    parser.add_argument("--skip-torch", action="store_true")
    args = parser.parse_args(argv)
    backends = [b for b in args.backends.split(",") if is_available(b)]
    use_torch = not args.skip_torch
    if use_torch:
        try:
            import torch

            print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
        except ImportError:
            print("torch is not installed (pip install -r requirements-bench.txt): skipping PyTorch")
            use_torch = False
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    conv_benchmark(backends, args.rounds, use_torch)
    step_benchmark(backends, args.rounds * 4, use_torch)
    accuracy_benchmark(backends[0])
    print(f"\nload average after: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
