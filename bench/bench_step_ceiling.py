"""How fast can this stack take the playground's gradient step? Evidence for the ≤ 0.5× NumPy target.

The issue asks for one full-batch step of the MLP 2-32-32-1 tanh on 1,000 points in at most half the
time of a hand-written NumPy step. This script times, in one process against that NumPy step:

- the app's PyTensor JAX step (the default back end);
- the same step written directly in ``jax.jit`` (no PyTensor in between), whole and with the
  batch split in two halves (XLA may then run them on both cores);
- PyTensor's C back end linked to the OpenBLAS that SciPy's wheel bundles (pip gives PyTensor no
  BLAS, so its C mode normally multiplies matrices without one: 8 ms a step). SciPy's copy prefixes
  its symbols (``scipy_dgemm_``), so PyTensor's calls are renamed with ``-D`` flags. An experiment:
  the app does not use it.

Run: ``python -m bench.bench_step_ceiling [--repeat 300]``.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import tempfile

import numpy as np

from bench.numpy_mlp import init, numpy_step
from bench.timing import measure, table

N_POINTS, ROWS = 1000, 1024
BLAS_SYMBOLS = ("daxpy dcopy ddot dgemm dgemv dger dscal dswap dsymv dsyrk dtrmm dtrsm "
                "saxpy scopy sdot sgemm sgemv sger sscal sswap ssymv ssyrk strmm strsm").split()


def data(seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N_POINTS, 2))
    return x, (x[:, 0] * x[:, 1] > 0).astype(float)


def padded(x: np.ndarray, y: np.ndarray):
    px, py, pm = np.zeros((ROWS, 2)), np.zeros(ROWS), np.zeros(ROWS)
    px[:N_POINTS], py[:N_POINTS], pm[:N_POINTS] = x, y, 1.0
    return px, py, pm


def scipy_openblas_flags() -> str | None:
    """``blas__ldflags`` that link SciPy's bundled OpenBLAS under the names PyTensor calls, or None."""
    import scipy

    folder = os.path.join(os.path.dirname(os.path.dirname(scipy.__file__)), "scipy.libs")
    found = sorted(glob.glob(os.path.join(folder, "libscipy_openblas-*.so")))
    if not found:
        return None
    link = tempfile.mkdtemp(prefix="descida-blas-")
    os.symlink(found[0], os.path.join(link, "libdescidablas.so"))
    renames = " ".join(f"-D{name}_=scipy_{name}_" for name in BLAS_SYMBOLS)
    return f"-L{link} -ldescidablas -Wl,-rpath,{folder} {renames}"


def pytensor_step(backend_name: str):
    from models.backend import resolve_backend
    from models.classifiers import Classifier, ModelSpec

    classifier = Classifier(ModelSpec("mlp", hidden=(32, 32), activation="tanh"), resolve_backend(backend_name))
    classifier.compile()
    classifier.warm(ROWS)
    px, py, pm = padded(*data())
    return lambda: classifier.step(px, py, pm, 0.1)


def jax_steps():
    """(whole batch, two halves) closures of the same step written in JAX directly."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def part_loss(w, x, y, m):
        h = jnp.tanh(x @ w[0] + w[1])
        h = jnp.tanh(h @ w[2] + w[3])
        z = h @ w[4] + w[5]
        return ((jnp.logaddexp(0.0, z) - y * z) * m).sum()

    def make(parts: int):
        def loss(w, x, y, m):
            n = x.shape[0] // parts
            total = sum(part_loss(w, x[i * n:(i + 1) * n], y[i * n:(i + 1) * n], m[i * n:(i + 1) * n])
                        for i in range(parts))
            return total / m.sum()

        @jax.jit
        def step(w, x, y, m, lr):
            value, grads = jax.value_and_grad(loss)(w, x, y, m)
            return [p - lr * g for p, g in zip(w, grads)], value
        return step

    params = [jnp.asarray(p) for p in init()]
    px, py, pm = (jnp.asarray(a) for a in padded(*data()))
    closures = []
    for parts in (1, 2):
        step = make(parts)
        closures.append(lambda step=step: float(step(params, px, py, pm, 0.1)[1]))
    return closures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args(argv)
    import pytensor

    flags, saved_flags = scipy_openblas_flags(), pytensor.config.blas__ldflags
    if flags:
        pytensor.config.blas__ldflags = flags  # before the first C function is compiled
    try:
        return _compare(args.repeat, flags is not None)
    finally:  # `make bench` runs every bench in one process
        pytensor.config.blas__ldflags = saved_flags


def _compare(repeat: int, with_blas: bool) -> int:
    x, y = data()
    params = init()
    reference = measure(lambda: numpy_step(params, x, y, 0.1), repeat)
    whole, halves = jax_steps()
    candidates = [("PyTensor JAX (the app's step)", lambda: pytensor_step("jax")),
                  ("jax.jit, written directly", lambda: whole),
                  ("jax.jit, batch in two halves", lambda: halves)]
    if with_blas:
        candidates.append(("PyTensor C + SciPy's OpenBLAS", lambda: pytensor_step("c")))
    rows = [("NumPy, hand-written", str(reference), "1.00×")]
    for name, build in candidates:
        try:
            timing = measure(build(), repeat)
        except Exception as error:  # an experiment that fails here is reported, not fatal
            rows.append((name, f"failed: {type(error).__name__}: {str(error)[:60]}", ""))
            continue
        rows.append((name, str(timing), f"{timing.median_ms / reference.median_ms:.2f}×"))
    print(f"# The playground's gradient step (MLP 2-32-32-1 tanh, N={N_POINTS}, float64), {os.cpu_count()} CPUs\n")
    print(table(rows, ("implementation", "step", "÷ NumPy")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
