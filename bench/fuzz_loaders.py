"""Long fuzz runs of the loaders for untrusted files (outside the test suite, which runs ~2,000).

Each input is random bytes, a valid file with random byte mutations, a truncated valid file or a
valid file with a spliced-in chunk of another. A loader may accept the input or refuse it with its
own error class; anything else (another exception) or an input taking over ``--hang`` seconds is a
finding, saved under ``--out`` for replay.

Run: ``python -m bench.fuzz_loaders --inputs 100000 [--seed 0] [--loaders csv,session,image]``.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

import numpy as np

from models.points_csv import PointsFileError, format_points_csv, parse_points_csv
from models.session_file import SessionContainer, SessionFileError, parse_session_bytes


def _session_seed() -> bytes:
    import tempfile

    from models.session_file import write_session_file

    container = SessionContainer({"points": {"count": 3}, "model": {"kind": "mlp", "hidden": [4]}},
                                 {"xy": np.arange(6.0).reshape(3, 2), "labels": np.array([0, 1, 1]),
                                  "W1": np.ones((2, 4)), "loss_history": np.linspace(1, 0, 20)})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "seed.descida"
        write_session_file(path, container)
        return path.read_bytes()


def _csv_seed() -> bytes:
    rng = np.random.default_rng(0)
    return format_points_csv(rng.normal(size=(20, 2)), rng.integers(0, 2, 20), class_names=True).encode()


def _image_seed() -> bytes:
    import imageio.v3 as iio

    buffer = io.BytesIO()
    iio.imwrite(buffer, (np.random.default_rng(0).random((16, 16, 3)) * 255).astype(np.uint8), extension=".png")
    return buffer.getvalue()


def loaders() -> dict:
    table = {
        "csv": (_csv_seed, lambda data: parse_points_csv(data.decode("utf-8", errors="replace")), (PointsFileError,)),
        "session": (_session_seed, parse_session_bytes, (SessionFileError,)),
    }
    try:  # the image loader arrives with the Convolution tab
        from models.images import ImageLoadError, load_image_bytes

        table["image"] = (_image_seed, load_image_bytes, (ImageLoadError,))
    except ImportError:
        pass
    return table


def mutate(seed: bytes, rng: random.Random) -> bytes:
    kind = rng.random()
    if kind < 0.1:
        return bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 512)))
    data = bytearray(seed)
    if kind < 0.3:
        return bytes(data[: rng.randrange(0, len(data) + 1)])
    if kind < 0.4 and len(data) > 8:
        start = rng.randrange(0, len(data))
        chunk = bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 64)))
        return bytes(data[:start] + chunk + data[start:])
    for _ in range(rng.randrange(1, 16)):
        if data:
            data[rng.randrange(0, len(data))] = rng.getrandbits(8)
    return bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=20_000, help="inputs per loader")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--loaders", default="csv,session,image")
    parser.add_argument("--hang", type=float, default=2.0, help="seconds after which an input counts as a hang")
    parser.add_argument("--out", default="fuzz-findings")
    args = parser.parse_args(argv)
    available = loaders()
    status = 0
    for name in args.loaders.split(","):
        if name not in available:
            print(f"{name}: loader not available here, skipped")
            continue
        make_seed, load, expected = available[name]
        seed, rng = make_seed(), random.Random(args.seed)
        outcomes, slowest, findings = Counter(), 0.0, []
        started = time.perf_counter()
        for i in range(args.inputs):
            data = mutate(seed, rng)
            t0 = time.perf_counter()
            try:
                load(data)
                outcomes["accepted"] += 1
            except expected:
                outcomes["refused"] += 1
            except Exception:
                outcomes["crash"] += 1
                findings.append((i, data, traceback.format_exc()))
            elapsed = time.perf_counter() - t0
            slowest = max(slowest, elapsed)
            if elapsed > args.hang:
                outcomes["hang"] += 1
                findings.append((i, data, f"took {elapsed:.1f} s"))
        total = time.perf_counter() - started
        print(f"{name}: {args.inputs:,} inputs in {total:.0f} s — {dict(outcomes)}; slowest {slowest * 1000:.0f} ms")
        if findings:
            status = 1
            folder = Path(args.out) / name
            folder.mkdir(parents=True, exist_ok=True)
            for i, data, why in findings[:50]:
                (folder / f"{i}.bin").write_bytes(data)
                (folder / f"{i}.txt").write_text(why)
            print(f"  {len(findings)} findings saved under {folder}; first:\n{findings[0][2]}")
    return status


if __name__ == "__main__":
    sys.exit(main())
