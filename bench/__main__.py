"""``python -m bench``: run every ``bench/bench_*.py`` module's ``main()`` in turn."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def main() -> int:
    status = 0
    for module in sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")):
        print(f"\n===== bench.{module} =====", flush=True)
        status |= importlib.import_module(f"bench.{module}").main([]) or 0
    return status


if __name__ == "__main__":
    sys.exit(main())
