"""The runner: time limits from any thread, in this process or in workers,
and a crashed worker reported without stopping the rest.

Work functions are module-level so that worker processes (forked, or
spawned when this process has other threads) can find them."""

from __future__ import annotations

import os
import threading
import time

import pytest

from briefgen.build import runner
from briefgen.build.runner import Limits, Overtime, deadline

LIMIT = 0.3  # seconds: every busy loop below would otherwise run for BUSY
BUSY = 10.0


def busy(seconds: float = BUSY) -> int:
    """Pure-Python work (an asynchronous exception lands between bytecodes)."""
    n, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        n += 1
    return n


def work(task):
    if task == "busy":
        busy()
        return ("done", task)
    if task == "die":
        time.sleep(0.05)
        os._exit(7)
    if isinstance(task, float):  # a task that takes a while, finishing in time
        time.sleep(task)
    return ("ok", task)


def broad_work(task):
    try:
        busy()
    except Exception:  # noqa: BLE001 - what a careless template filter does
        return ("swallowed", task)
    return ("done", task)


def looping_broad_work(task):
    """A broad except inside the loop: Overtime must still end the loop."""
    end = time.monotonic() + BUSY
    while time.monotonic() < end:
        try:
            busy(0.01)
        except Exception:  # noqa: BLE001, S110 - the point of the test
            pass
    return ("done", task)


def on_fail(task, why, code):
    return ("fail", task, why, code)


def results(tasks, fn=work, **kw):
    kw.setdefault("limits", Limits(LIMIT))
    started = time.monotonic()
    out = list(runner.run(tasks, fn, on_fail, **kw))
    return out, time.monotonic() - started


# -- deadline ----------------------------------------------------------------

def test_overtime_is_not_an_exception():
    assert issubclass(Overtime, BaseException)
    assert not issubclass(Overtime, Exception)


def test_deadline_stops_a_busy_loop_in_the_main_thread():
    started = time.monotonic()
    with pytest.raises(Overtime), deadline(LIMIT):
        busy()
    assert time.monotonic() - started < LIMIT + 2


def test_deadline_stops_a_busy_loop_in_another_thread():
    outcome = {}

    def target():
        started = time.monotonic()
        try:
            with deadline(LIMIT):
                busy()
            outcome["result"] = "ran to the end"
        except Overtime:
            outcome["result"] = "stopped"
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(BUSY + 5)
    assert outcome["result"] == "stopped"
    assert outcome["seconds"] < LIMIT + 2


def test_deadline_does_not_fire_after_its_block():
    with deadline(LIMIT):
        pass
    busy(LIMIT * 2)  # past the limit, outside the block: nothing raised


def test_deadline_none_is_no_limit():
    with deadline(None):
        busy(0.05)


# -- in this process -----------------------------------------------------------

def test_run_in_process_fails_the_slow_task_and_goes_on():
    out, seconds = results([1, "busy", 2], processes=False)
    assert out == [("ok", 1), ("fail", "busy", f"took longer than {LIMIT:g} s to render and was stopped",
                                "time_limit"), ("ok", 2)]
    assert seconds < LIMIT + 3


def test_run_in_process_from_a_worker_thread():
    box = {}
    thread = threading.Thread(target=lambda: box.update(out=results(["busy", 3], processes=False)[0]))
    thread.start()
    thread.join(BUSY + 5)
    assert [r[0] for r in box["out"]] == ["fail", "ok"]


def test_run_in_process_broad_except_does_not_swallow_overtime():
    out, seconds = results(["a", "b"], fn=broad_work, processes=False)
    assert [r[:2] for r in out] == [("fail", "a"), ("fail", "b")]
    assert [r[3] for r in out] == ["time_limit", "time_limit"]
    assert seconds < 2 * LIMIT + 3


def test_run_in_process_broad_except_in_a_loop_is_still_stopped():
    out, seconds = results(["a"], fn=looping_broad_work, processes=False)
    assert out[0][:2] == ("fail", "a") and out[0][3] == "time_limit"
    assert seconds < LIMIT + 3


def test_run_in_process_no_limit():
    out, _ = results([1, 2], processes=False, limits=Limits())
    assert out == [("ok", 1), ("ok", 2)]


# -- in worker processes -------------------------------------------------------

def test_run_in_two_processes_keeps_task_order():
    tasks = [0.3, 0.0, 0.2, 0.0, 0.1, 0.0]  # the later ones finish first
    out, _ = results(tasks, processes=True, workers=2, limits=Limits(5.0))
    assert out == [("ok", t) for t in tasks]


def test_run_in_processes_gives_the_same_as_in_process():
    tasks = [1, "busy", 2, 3]
    assert results(tasks, processes=True, workers=2)[0] == results(tasks, processes=False)[0]


def test_run_in_processes_broad_except_does_not_swallow_overtime():
    out, _ = results(["a"], fn=broad_work, processes=True, workers=1)
    assert out[0][:2] == ("fail", "a") and out[0][3] == "time_limit"


def test_run_in_processes_a_dead_worker_fails_its_task_only_and_the_rest_run():
    out, _ = results([1, "die", 2, 3], processes=True, workers=1)
    assert out[0] == ("ok", 1)
    assert out[1][:2] == ("fail", "die") and out[1][3] == ""
    assert "stopped abruptly" in out[1][2]
    assert out[2:] == [("ok", 2), ("ok", 3)]


def test_run_in_two_processes_a_dead_worker_and_the_rest_run():
    out, _ = results(["die", 1, 2, "die", 3], processes=True, workers=2)
    assert [r[1] for r in out] == ["die", 1, 2, "die", 3]
    assert out[0][0] == "fail" and out[3][0] == "fail"
    assert out[4] == ("ok", 3)


def test_run_in_two_processes_a_dead_worker_does_not_fail_its_neighbour():
    out, _ = results([0.5, "die", 2], processes=True, workers=2, limits=Limits(5.0))
    assert out[0] == ("ok", 0.5)
    assert out[1][:2] == ("fail", "die")
    assert out[2] == ("ok", 2)


def test_run_in_processes_when_this_process_has_threads():
    """With another thread alive the workers are spawned, not forked; the results are the same."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert threading.active_count() > 1
        limited, _ = results([1, "busy", 2], processes=True, workers=2)
        crashed, _ = results([3, "die", 4], processes=True, workers=1)
    finally:
        stop.set()
        other.join()
    assert [r[:2] for r in limited] == [("ok", 1), ("fail", "busy"), ("ok", 2)]
    assert limited[1][3] == "time_limit"
    assert [r[:2] for r in crashed] == [("ok", 3), ("fail", "die"), ("ok", 4)]
    assert crashed[1][3] == ""


def test_prepare_runs_before_forked_workers():
    calls = []
    list(runner.run([1], work, on_fail, limits=Limits(), processes=True, prepare=lambda: calls.append(1)))
    if threading.active_count() == 1:  # forked: prepare ran in this process first
        assert calls == [1]


def test_run_leaves_no_thread_behind():
    before = set(threading.enumerate())
    list(runner.run([1, 2], work, on_fail, limits=Limits(LIMIT), processes=False))
    with deadline(LIMIT):
        pass
    time.sleep(0.1)
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert left == []
