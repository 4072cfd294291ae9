"""The heap trimmer gives freed memory back on its own thread and stops when asked."""

from __future__ import annotations

import sys
import time

import pytest

from app.heap_trim import HeapTrimmer, ensure_heap_trimmer


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trimming_returns_freed_fragmented_memory_to_the_system():
    trimmer = HeapTrimmer(interval=0.05)
    assert trimmer.available
    blocks = [bytearray(2000) for _ in range(60_000)]  # ~120 MB of small blocks on the heap
    del blocks[:-1:2]  # free every other one: holes the heap cannot give back by itself
    del blocks[:-1]
    before = rss_mb()
    assert trimmer.start()
    deadline = time.monotonic() + 5
    while trimmer.trims < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    trimmer.stop()
    assert trimmer.trims >= 2
    assert rss_mb() < before - 40, f"{before:.0f} MB -> {rss_mb():.0f} MB"
    count = trimmer.trims
    time.sleep(0.2)
    assert trimmer.trims == count  # stopped


def test_the_process_has_one_trimmer():
    assert ensure_heap_trimmer() is ensure_heap_trimmer()
