"""Running renders under limits: in this process, or in worker processes.

`run(tasks, work, ...)` yields `work(task)` for every task, in task order,
each under the time limit; a task that runs over, or whose worker process
dies, yields `on_fail(task, why, code)` instead and the others go on.

* The time limit works from any thread: a timer thread raises `Overtime`
  in the thread doing the work (Python's asynchronous exception), so a
  server can build from a worker thread.  `Overtime` is not an `Exception`,
  so no broad ``except Exception`` in a template or a renderer swallows it.
* Worker processes carry the memory limit too (an address-space limit set
  in each worker).  They are forked when this process has no other thread
  (they then inherit the tasks and the loaded renderer instead of being sent
  them), and started fresh otherwise, since forking a threaded process is
  unsafe.  Each worker exits when its parent dies (Linux), and an interrupt
  or a termination request to the parent stops every worker at once.
* Nothing here is global: a pool lives as long as one `run`, unless the
  caller keeps one (`Workers`, a preview server's): those workers are
  started once, fresh, with the renderer loaded, and handed each task.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import contextlib
import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Overtime(BaseException):
    """Raised in a thread whose work ran past its time limit."""


@dataclass(frozen=True)
class Limits:
    seconds: float | None = None  # for one task
    megabytes: int | None = None  # for one worker process


def raise_in(thread: int, exception: type[BaseException] | None) -> None:
    """Raise `exception` in the thread `thread` at its next bytecode (None: cancel a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exception) if exception
                                               else None)


class Watchdog:
    """One thread that stops whichever thread runs past its time: each
    `limit(seconds)` block raises Overtime in the thread running it once the
    time is up.  One watchdog serves a whole batch (starting a timer thread
    per document would cost more than an HTML render)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._due: dict[int, float] = {}  # thread ident -> monotonic deadline
        self._fired: set[int] = set()
        self._thread: threading.Thread | None = None
        self._closed = False

    IDLE = 5.0  # seconds the thread waits with nothing to watch before it ends

    @contextlib.contextmanager
    def limit(self, seconds: float | None):
        if not seconds:
            yield
            return
        me = threading.get_ident()
        with self._cond:
            self._due[me] = time.monotonic() + seconds
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="briefgen-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
        try:
            yield
        finally:
            with self._cond:
                self._due.pop(me, None)
                if me in self._fired:  # raised, or about to be: make sure it does not land after the block
                    self._fired.discard(me)
                    raise_in(me, None)

    def _watch(self) -> None:
        with self._cond:
            while not self._closed:
                now = time.monotonic()
                for thread, due in list(self._due.items()):
                    if due <= now:
                        del self._due[thread]
                        self._fired.add(thread)
                        raise_in(thread, Overtime)
                soonest = min(self._due.values(), default=None)
                if soonest is None and not self._cond.wait(self.IDLE):
                    if not self._due:  # nothing to watch for a while: the thread ends, and starts again if needed
                        break
                elif soonest is not None:
                    self._cond.wait(max(0.0, soonest - now))
            self._thread = None

    def close(self) -> None:
        """End the watchdog's thread (a later `limit` starts it again)."""
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        with self._cond:
            self._closed = False


class deadline:
    """Raise Overtime in the current thread if the block runs longer than `seconds`."""

    def __init__(self, seconds: float | None, watchdog: Watchdog | None = None):
        self.seconds, self.watchdog = seconds, watchdog or Watchdog()

    def __enter__(self) -> deadline:
        self._block = self.watchdog.limit(self.seconds)
        self._block.__enter__()
        return self

    def __exit__(self, *exc_info):
        try:
            return self._block.__exit__(*exc_info)
        finally:
            self.watchdog.close()


class _Failure(Generic[T]):
    def __init__(self, why: str, code: str):
        self.why, self.code = why, code


def _limited(work: Callable[[T], R], task: T, limits: Limits, watchdog: Watchdog) -> R | _Failure:
    try:
        with watchdog.limit(limits.seconds):
            return work(task)
    except Overtime:
        return _Failure(f"took longer than {limits.seconds:g} s to render and was stopped", "time_limit")
    except MemoryError:
        return _Failure(f"needed more than {limits.megabytes} MB to render and was stopped", "memory_limit")


def run(tasks: list[T], work: Callable[[T], R], on_fail: Callable[[T, str, str], R], *, limits: Limits,
        workers: int = 1, processes: bool = False, prepare: Callable[[], None] | None = None,
        kept: Workers | None = None) -> Iterator[R]:
    """`work(task)` for each task, in order.  With `processes`, in up to
    `workers` worker processes (`prepare` runs first, so that forked workers
    inherit what it loads), or in the `kept` ones when given; else in this
    thread.  `on_fail(task, why, hint)` makes the result of a task that
    failed: `hint` names the limit that stopped it ("time_limit",
    "memory_limit"), or is "" for a crash."""
    def result(task: T, outcome) -> R:
        return on_fail(task, outcome.why, outcome.code) if isinstance(outcome, _Failure) else outcome

    if not processes:
        watchdog = Watchdog()
        try:
            for task in tasks:
                yield result(task, _limited(work, task, limits, watchdog))
        finally:
            watchdog.close()
        return
    remaining, alone = list(range(len(tasks))), False
    if kept is not None:
        futures = []
        for n, task in enumerate(tasks):
            try:
                if n == len(futures):
                    futures += [kept.submit(work, t, limits) for t in tasks[n:]]
                outcome = futures[n].result()
            except concurrent.futures.process.BrokenProcessPool:
                if kept.closed:  # stopped on purpose (the server is stopping): no new workers
                    for stopped in tasks[n:]:
                        yield on_fail(stopped, "was stopped before it finished", "")
                    return
                kept.restart()  # and the rest run as below, to find the task that killed it
                remaining = remaining[n:]
                break
            yield result(tasks[n], outcome)
        else:
            return
    # When a worker dies, the pool fails every task it had not finished, and
    # which one killed it is not known.  The rest then run one at a time until
    # the task that dies alone is found; then side by side again.
    while remaining:
        size = 1 if alone else min(workers, len(remaining))
        with _Pool(tasks, work, limits, size, prepare) as pool:
            futures = [pool.submit(i) for i in remaining]
            for n, (i, future) in enumerate(zip(remaining, futures, strict=True)):
                try:
                    outcome = future.result()
                except concurrent.futures.process.BrokenProcessPool:
                    if size == 1:  # one worker runs the tasks in order: this one was running
                        yield on_fail(tasks[i], "the renderer stopped abruptly (out of memory, or a crash)", "")
                        remaining, alone = remaining[n + 1:], False
                    else:
                        remaining, alone = remaining[n:], True
                    break
                yield result(tasks[i], outcome)
            else:
                remaining = []


# What a worker process was handed when it started: its own copy, set by
# `_start_worker` in the worker only (the parent never sets it).
_handed: tuple = ()


def _start_worker(tasks, work, limits: Limits, parent: int) -> None:
    global _handed
    _handed = (tasks, work, limits, Watchdog())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it stops the workers itself
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler: a termination ends a worker outright
    _die_with(parent)
    if limits.megabytes:
        try:
            import resource

            size = limits.megabytes * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (size, size))
        except (ImportError, ValueError, OSError):  # pragma: no cover - platforms without the limit
            pass


def _die_with(parent: int) -> None:
    """Ask the kernel to end this process when its parent ends (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _start_kept_worker(megabytes: int | None, parent: int, prepare: Callable[[], None] | None,
                       tempdir: str | None = None) -> None:
    global _handed
    if tempdir is not None:
        import tempfile

        os.makedirs(tempdir, exist_ok=True)
        tempfile.tempdir = tempdir
    _start_worker((), None, Limits(megabytes=megabytes), parent)
    _handed = ((), None, None, Watchdog())
    if prepare is not None:
        prepare()


def _work_sent(work, task, limits: Limits):
    return _limited(work, task, limits, _handed[3])


def _work_in_worker(number: int):
    tasks, work, limits, watchdog = _handed
    return _limited(work, tasks[number], limits, watchdog)


class _Pool:
    """A process pool for one batch, shut down (its workers stopped) however the batch ends."""

    def __init__(self, tasks, work, limits: Limits, workers: int, prepare):
        forking = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
        if forking and prepare is not None:
            prepare()
        context = multiprocessing.get_context("fork" if forking else "spawn")
        self.executor = concurrent.futures.ProcessPoolExecutor(
            workers, context, initializer=_start_worker, initargs=(tasks, work, limits, os.getpid()))

    def submit(self, number: int):
        return self.executor.submit(_work_in_worker, number)

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.executor.shutdown(wait=True)
            return
        # Interrupted (Ctrl-C, a termination request, a failure): stop the
        # workers now rather than wait for what they were given.
        _stop(self.executor)


def _stop(executor: concurrent.futures.ProcessPoolExecutor) -> None:
    """Shut a pool down and kill its workers, without waiting for their work,
    and the programs they started (pandoc), which would go on writing."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    started = [child for process in processes if process.pid for child in _descendants(process.pid)]
    executor.shutdown(wait=False, cancel_futures=True)
    for pid in started:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(1)


def _descendants(pid: int) -> list[int]:
    """The processes `pid` started, and theirs (Linux; none found elsewhere)."""
    children = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):  # a child belongs to the thread that started it
            with open(f"/proc/{pid}/task/{task}/children") as listed:
                children += [int(c) for c in listed.read().split()]
    except (OSError, ValueError):
        return children
    return [grand for child in children for grand in (child, *_descendants(child))]


class Workers:
    """Worker processes kept from one `run` to the next, for a process that
    builds again and again (a preview server).  They are spawned (never
    forked: such a process has threads), each runs `prepare` (a module-level
    function: loading the renderer) once, and each task is sent to them.
    A worker that dies is replaced on the next run; `close` stops them all."""

    def __init__(self, size: int = 1, prepare: Callable[[], None] | None = None, megabytes: int | None = None,
                 tempdir: Path | None = None):
        self.size, self.prepare, self.megabytes = size, prepare, megabytes
        self.tempdir = str(tempdir) if tempdir is not None else None  # where the workers' temporary files go
        self._lock = threading.Lock()
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        self.closed = False

    def _pool(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self.closed:
                raise concurrent.futures.process.BrokenProcessPool("the workers were stopped")
            if self._executor is None:
                self._executor = concurrent.futures.ProcessPoolExecutor(
                    self.size, multiprocessing.get_context("spawn"), initializer=_start_kept_worker,
                    initargs=(self.megabytes, os.getpid(), self.prepare, self.tempdir))
            return self._executor

    def start(self) -> None:
        """Start the workers now (they start on first use otherwise)."""
        pool = self._pool()
        for future in [pool.submit(os.getpid) for _ in range(self.size)]:
            future.result()

    def submit(self, work, task, limits: Limits):
        return self._pool().submit(_work_sent, work, task, limits)

    def pids(self) -> list[int]:
        with self._lock:
            return [p.pid for p in (getattr(self._executor, "_processes", None) or {}).values()]

    def restart(self) -> None:
        """Stop the workers; new ones start on the next task."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            _stop(executor)

    def close(self) -> None:
        """Stop every worker now, whatever it is doing, for good."""
        with self._lock:
            self.closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            _stop(executor)
