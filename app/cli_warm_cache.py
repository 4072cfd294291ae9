"""``descida warm-cache``: compile every playground architecture once, headless, so that the
first launch finds the back end's on-disk cache warm (``make run`` does this after installing)."""

from __future__ import annotations

import sys
import time


def add_parser(sub) -> None:
    p = sub.add_parser("warm-cache", help="compile the playground's models into the on-disk cache")
    p.add_argument("--backend", default=None)
    p.add_argument("--rows", type=int, default=128, help="padded row count to specialise for")
    p.set_defaults(handler=run)


def run(args) -> int:
    from app.session import GRID_SIZE, PREWARM_SPECS
    from models.backend import resolve_backend
    from models.model_cache import ClassifierCache

    backend = resolve_backend(args.backend)
    cache = ClassifierCache()
    started = time.perf_counter()
    for index, spec in enumerate(PREWARM_SPECS, start=1):
        cache.get(spec, backend).warm(args.rows, GRID_SIZE * GRID_SIZE)
        print(f"\r[{index}/{len(PREWARM_SPECS)}] {spec.label():60s}", end="", file=sys.stderr, flush=True)
    print(f"\nwarmed {len(PREWARM_SPECS)} models with {backend.mode_name} in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return 0
