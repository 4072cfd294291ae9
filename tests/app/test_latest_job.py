"""One job at a time, newest request wins, a build outranks an evaluation, and fast jobs are not lost."""

from __future__ import annotations

import threading

from app.latest_job import LatestJobQueue
from app.workers import TaskRunner


def test_requests_coalesce_while_a_job_runs(qtbot):
    runner = TaskRunner(max_threads=1)
    release = threading.Event()
    made, results = [], []
    counter = iter(range(100))

    def make_job(level):
        number = next(counter)
        made.append((number, level))

        def fn(ctx):
            if number == 0:
                release.wait(5)
            return number, level

        return f"job {number}", fn, "Building…" if level == "build" else ""

    queue = LatestJobQueue(runner, make_job)
    queue.result.connect(results.append)
    queue.request("evaluate")
    for level in ("evaluate", "build", "evaluate", "evaluate"):  # while job 0 runs
        queue.request(level)
    assert not queue.idle and made == [(0, "evaluate")]
    release.set()
    qtbot.waitUntil(lambda: queue.idle, timeout=5000)
    assert results == [(0, "evaluate"), (1, "build")]
    runner.wait()


def test_a_hundred_instant_jobs_all_report(qtbot):
    runner = TaskRunner(max_threads=1)
    results = []
    queue = LatestJobQueue(runner, lambda level: ("instant", lambda ctx: level, ""))
    queue.result.connect(results.append)
    for _ in range(100):
        queue.request("evaluate")
        qtbot.waitUntil(lambda: queue.idle, timeout=2000)
    assert len(results) == 100
    runner.wait()
