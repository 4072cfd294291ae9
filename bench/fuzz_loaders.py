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
from models.session_file import SessionFileError, parse_session_bytes
from models.session_state import SessionStateError, parse_state


def _session_seed() -> bytes:
    """A complete, valid session file (points, an MLP's descent with Adam state, a split)."""
    import tempfile

    from models.classifiers import ModelSpec
    from models.descent_history import TrainerSnapshot
    from models.points import PointsSnapshot
    from models.session_file import write_session_file
    from models.session_state import SessionState, to_container
    from models.training import TrainingConfig

    spec = ModelSpec("mlp", hidden=(3,))
    rng = np.random.default_rng(0)
    n = spec.n_params()
    state_arrays = (np.ones((2, 3)), np.ones(3), np.ones(3), np.ones(())) * 2
    vectors = tuple(rng.normal(size=n) for _ in range(3))
    descent = TrainerSnapshot(2, None, (0.7, 0.6, 0.5), (0, 1, 2), vectors, (None,) * 3, vectors[-1], "adam", state_arrays)
    state = SessionState(PointsSnapshot(rng.normal(size=(5, 2)), np.array([0, 1, 0, 1, 1]), np.arange(5)), spec,
                         TrainingConfig(optimizer="adam"), descent=descent)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "seed.descida"
        write_session_file(path, to_container(state))
        return path.read_bytes()


def _csv_seed() -> bytes:
    rng = np.random.default_rng(0)
    return format_points_csv(rng.normal(size=(20, 2)), rng.integers(0, 2, 20), class_names=True).encode()


def _image_seed() -> list[bytes]:
    """The same small picture as PNG, JPEG, BMP and TIFF, colour and grey."""
    import imageio.v3 as iio

    rng = np.random.default_rng(0)
    seeds = []
    for pixels in ((rng.random((16, 16, 3)) * 255).astype(np.uint8), (rng.random((12, 9)) * 255).astype(np.uint8)):
        for extension in (".png", ".jpg", ".bmp", ".tif"):
            buffer = io.BytesIO()
            iio.imwrite(buffer, pixels, extension=extension)
            seeds.append(buffer.getvalue())
    return seeds


def loaders() -> dict:
    table = {
        "csv": (_csv_seed, lambda data: parse_points_csv(data.decode("utf-8", errors="replace")), (PointsFileError,)),
        "session": (_session_seed, lambda data: parse_state(parse_session_bytes(data)),
                    (SessionFileError, SessionStateError)),
    }
    from models.images import ImageLoadError, load_image_bytes

    table["image"] = (_image_seed, load_image_bytes, (ImageLoadError,))
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
    parser.add_argument("--hang", type=float, default=5.0,
                        help="seconds after which an input counts as a hang (a legal 50-megapixel decode takes ~2 s)")
    parser.add_argument("--out", default="fuzz-findings")
    args = parser.parse_args(argv)
    available = loaders()
    status = 0
    for name in args.loaders.split(","):
        if name not in available:
            print(f"{name}: loader not available here, skipped")
            continue
        make_seed, load, expected = available[name]
        seeds, rng = make_seed(), random.Random(args.seed)
        seeds = seeds if isinstance(seeds, list) else [seeds]
        outcomes, slowest, findings = Counter(), 0.0, []
        started = time.perf_counter()
        for i in range(args.inputs):
            data = mutate(rng.choice(seeds), rng)
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
