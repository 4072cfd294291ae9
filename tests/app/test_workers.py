"""Background tasks: results, partial results, failures and cancel reach the GUI thread."""

from __future__ import annotations

import threading
import time

from app.workers import TaskRunner


def test_a_task_that_ends_at_once_still_reaches_its_slots(qtbot):
    runner = TaskRunner()
    for _ in range(20):
        results, done = [], []
        runner.submit("instant", lambda ctx: 42, finished=results.append, done=lambda: done.append(True))
        qtbot.waitUntil(lambda: done == [True], timeout=2000)
        assert results == [42]
    runner.wait()


def test_work_runs_off_the_gui_thread_and_reports_progress(qtbot):
    runner = TaskRunner()
    gui = threading.get_ident()
    seen = {}

    def job(ctx):
        seen["thread"] = threading.get_ident()
        ctx.progress(0.5, "half")
        return "ok"

    progress, done = [], []
    runner.submit("job", job, progress=lambda f, t: progress.append((f, t)), done=lambda: done.append(True))
    qtbot.waitUntil(lambda: done == [True], timeout=2000)
    assert seen["thread"] != gui and progress == [(0.5, "half")]
    runner.wait()


def test_generator_tasks_yield_partials_and_stop_when_cancelled(qtbot):
    runner = TaskRunner()
    partials, cancelled = [], []

    def counting(ctx):
        for i in range(10_000):
            time.sleep(0.002)
            yield i

    handle = runner.submit("count", counting, partial=partials.append, cancelled=lambda: cancelled.append(True))
    qtbot.waitUntil(lambda: len(partials) >= 3, timeout=3000)
    handle.cancel()
    qtbot.waitUntil(lambda: cancelled == [True], timeout=3000)
    assert partials[:3] == [0, 1, 2] and len(partials) < 10_000
    runner.wait()


def test_a_failing_task_gives_a_one_line_message_and_the_traceback_aside(qtbot):
    runner = TaskRunner()
    messages = []

    def broken(ctx):
        raise ValueError("the image is 60 megapixels")

    handle = runner.submit("broken", broken, failed=messages.append)
    qtbot.waitUntil(lambda: bool(messages), timeout=2000)
    assert messages == ["ValueError: the image is 60 megapixels"]
    assert "Traceback" in handle.error_details
    runner.wait()


def test_finished_tasks_are_freed(qtbot):
    """A handle kept alive by a Qt parent leaked ~20 KB per task: 30 MB a minute of landscape jobs."""
    import gc
    import weakref

    runner = TaskRunner()
    refs, done = [], []
    for i in range(20):
        refs.append(weakref.ref(runner.submit("t", lambda ctx: i, done=lambda: done.append(True))))
    qtbot.waitUntil(lambda: len(done) == 20, timeout=3000)
    qtbot.wait(10)
    gc.collect()
    assert all(ref() is None for ref in refs) and runner.active() == []
    runner.wait()
