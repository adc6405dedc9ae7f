"""The server's moving parts: a thread that watches the workspace, a thread
that builds, and the open pages that are told when a build ends.

The watcher (watchfiles) hands the builder the paths that changed; the
builder asks the preview whether any of them can change a document, and if
so builds (HTML first, then the PDFs), telling every open page after each
pass.  Nothing a workspace holds can stop the builder: a problem in the
sources, a template fault, a renderer crash or a time limit is a round with
problems, shown on the pages; the next save is tried again.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from pathlib import Path

from briefgen.build.preview import FULL, QUICK, Preview, Round
from briefgen.build.runner import raise_in
from briefgen.errors import Problem

log = logging.getLogger("briefgen.serve")

class Stopped(BaseException):
    """Raised in the builder's thread when the server stops (not an Exception:
    nothing in a build catches it)."""


FORCE = "force"  # a request to rebuild everything (not a path)
WANT = "want"  # a request to lay out the PDFs of the documents just opened


class Listeners:
    """The open pages' event streams: each has a queue on the server's event loop."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self.closed = False

    def attach(self) -> asyncio.Queue:
        q: asyncio.Queue = asyncio.Queue()
        with self._lock:
            self._loop = asyncio.get_running_loop()
            self._queues.add(q)
        return q

    def detach(self, q: asyncio.Queue) -> None:
        with self._lock:
            self._queues.discard(q)

    def publish(self, event: dict | None) -> None:
        """Tell every open page (from any thread); None ends their streams."""
        with self._lock:
            loop, queues = self._loop, list(self._queues)
            if event is None:
                self.closed = True
        if loop is None or loop.is_closed():
            return
        for q in queues:
            try:
                loop.call_soon_threadsafe(q.put_nowait, event)
            except RuntimeError:  # the loop has just closed
                return


def event_of(done: Round) -> dict:
    return {"event": "round", "number": done.number, "stage": done.stage, "ok": done.ok, "built": list(done.built),
            "problems": len(done.problems), "failures": len(done.failures), "seconds": round(done.seconds, 3)}


class Builder:
    """Builds the preview whenever the watcher (or a page) asks, in a thread of its own."""

    def __init__(self, preview: Preview, listeners: Listeners):
        self.preview, self.listeners = preview, listeners
        self.asked: queue.Queue = queue.Queue()
        self.stopping = threading.Event()
        self.after: list = []  # called with each Round, in the builder's thread
        self.thread = threading.Thread(target=self._loop, name="briefgen-builder", daemon=True)

    def start(self) -> None:
        self.asked.put({FORCE})
        self.thread.start()

    def ask(self, paths: set[str]) -> None:
        self.asked.put(paths)

    def stop(self) -> None:
        """Stop building now: a build under way is interrupted where it is
        (its files are whole, being written atomically), and the thread ends."""
        self.stopping.set()
        self.asked.put(set())
        if self.thread.is_alive() and self.thread.ident is not None:
            raise_in(self.thread.ident, Stopped)
        self.thread.join(1)

    def _loop(self) -> None:
        try:
            self._serve()
        except Stopped:
            pass

    def _serve(self) -> None:
        while not self.stopping.is_set():
            changed = self.asked.get()
            while not self.asked.empty():  # a burst of saves is one rebuild
                changed |= self.asked.get_nowait()
            if self.stopping.is_set():
                break
            if FORCE in changed or self.preview.affected(changed - {FORCE, WANT}):
                self._build()
            elif WANT in changed:
                self._build(stages=(FULL,))

    def _build(self, stages: tuple[str, ...] = (QUICK, FULL)) -> None:
        self.listeners.publish({"event": "building"})
        try:
            for done in self.preview.update(stages):
                for call in self.after:
                    call(done)
                self.listeners.publish(event_of(done))
                if not self.asked.empty():
                    break  # saved again meanwhile: start over (what is left is made then, by its digests)
                if self.stopping.is_set():
                    break
        except Stopped:
            return
        except Exception as exc:  # noqa: BLE001 - a fault of briefgen itself must not end the preview
            if self.stopping.is_set():
                return  # the server is stopping, and took the build's folder and workers with it
            log.exception("the build failed")
            self.preview.problems = (Problem("", 0, f"briefgen could not build the preview ({type(exc).__name__}: "
                                             f"{exc}); it will try again on the next save", "internal-error"),)
            self.listeners.publish({"event": "round", "number": self.preview.number, "stage": "error", "ok": False, "built": [],
                                    "problems": 1, "failures": 0, "seconds": 0})


class Watcher:
    """Watches, with watchfiles, the folders a workspace reads from (sources/,
    templates/, and every top-level folder holding a file the last build
    read: snapshots, styles, a logo), with all they hold, and the workspace
    folder itself for its top-level files (briefgen.yaml); every change goes
    to the builder.  When a build reads from a new folder, it is watched too."""

    def __init__(self, root: Path, builder: Builder):
        self.root, self.builder = root, builder
        self.folders: frozenset[str] = frozenset()
        self._deep: tuple[threading.Thread, threading.Event] | None = None
        self._top: tuple[threading.Thread, threading.Event] | None = None

    def start(self) -> None:
        self._top = self._spawn([self.root], recursive=False)
        self.refresh(self.builder.preview.read)
        self.builder.after.append(lambda done: self.refresh(self.builder.preview.read))

    def refresh(self, read) -> None:
        """Watch the folders holding the files in `read` (workspace-relative), if not yet."""
        folders = frozenset(name for name in {*_ALWAYS, *(r.split("/", 1)[0] for r in read if "/" in r)}
                            if (self.root / name).is_dir())
        if folders <= self.folders:
            return
        self.folders |= folders
        old, self._deep = self._deep, self._spawn([self.root / f for f in sorted(self.folders)], recursive=True)
        _end(old)

    def _spawn(self, paths: list[Path], recursive: bool) -> tuple[threading.Thread, threading.Event]:
        stop = threading.Event()
        thread = threading.Thread(target=self._watch, args=(paths, recursive, stop), daemon=True,
                                  name="briefgen-watch")
        thread.start()
        return thread, stop

    def _watch(self, paths: list[Path], recursive: bool, stop: threading.Event) -> None:
        import watchfiles

        try:
            for changes in watchfiles.watch(*paths, stop_event=stop, recursive=recursive, debounce=400, step=30,
                                            rust_timeout=100, raise_interrupt=False):
                self.builder.ask({path for _, path in changes})
        except Exception:  # noqa: BLE001 - a watcher that fails leaves the preview as it is, said on the console
            log.exception("watching %s stopped", ", ".join(str(p) for p in paths))

    def stop(self) -> None:
        for watch in (self._deep, self._top):
            _end(watch)


def _end(watch: tuple[threading.Thread, threading.Event] | None) -> None:
    if watch is not None:
        watch[1].set()
        watch[0].join(0.5)


_ALWAYS = ("sources", "templates")  # watched even before a build has read from them
