"""Build, then build again whenever a book's inputs change (`bookmaker watch`).

One long-lived process rebuilds with everything a new `bookmaker build` pays
for each time already done: starting Python, importing Click, Jinja2 and the
model (for a small edit, most of a one-shot rebuild). What is rebuilt, and
how, is what `build` decides: the same state, cache and outputs.

The folders watched are those the books are made from (each spec's folder,
its articles' and front matter's folders, its templates and its theme),
never the output folder or the cache. A change made while the watcher
starts is caught by a look at the plan in the first quiet second after each
build. A file system that sends no notifications (some network and container
mounts) needs watchfiles' polling: WATCHFILES_FORCE_POLLING=1.

Ctrl-C stops a watch at any moment, a build in progress too. Python can lose
a KeyboardInterrupt (one raised in a finaliser during a collection is only
printed), so in the main thread the watch takes SIGINT itself: it notes the
request, which the watch's waits and loop check, and raises KeyboardInterrupt;
should the watch still run a quarter of a second later, it raises it again.
"""

from __future__ import annotations

import _thread
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from .plan import _select, code_files, plan
from .run import build
from .state import CACHE_DIR
from .targets import Outcome, Reporter
from ..errors import BookmakerError

__all__ = ["watch", "watched_folders"]

log = logging.getLogger("bookmaker")


def watched_folders(project: str | Path = ".", books: Sequence[str] = ()) -> list[Path]:
    """The folders whose files the books are made from, outermost only."""
    from ..theme import load_theme

    project = Path(project).resolve()
    found: set[Path] = set()
    content = project / "content"
    if content.is_dir():
        found.add(content)  # a new spec appears here
    for spec in _select(project, books):  # the books `build` would build
        found.update(p.parent for p in spec.inputs())
        if spec.templates:
            found.add(Path(spec.templates).resolve())
        theme = load_theme(spec.theme)
        found.add(theme.path.resolve())
        # the default theme's folder too, when the theme lacks some of its files
        found.update(p.parent.resolve() for p in theme.files().values()
                     if not p.is_relative_to(theme.path))
    folders = sorted(p for p in found if p.is_dir())
    # a folder inside another is watched with it
    return [p for p in folders if not any(q != p and q in p.parents for q in folders)]


def _code_stamp() -> tuple[tuple[str, int, int], ...]:
    """Size and time of bookmaker's own modules: this process runs the code it loaded."""
    stamp = []
    for path in code_files():
        try:
            st = path.stat()
        except OSError:
            continue
        stamp.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(stamp)


def watch(project: str | Path = ".", books: Sequence[str] = (), *,
          out: str | Path | None = None, jobs: int = 1,
          reporter: Callable[[], Reporter] | None = None,
          report: Callable[[Outcome], None] | None = None,
          on_error: Callable[[BookmakerError], None] | None = None,
          on_wait: Callable[[list[Path]], None] | None = None,
          stop: threading.Event | None = None, step_ms: int = 20) -> None:
    """Build what is out of date, then again after every change, until `stop` is set
    (or Ctrl-C).

    Each build is `build(project, books, out=out, jobs=jobs, reporter=reporter(),
    report=report)`, with a new reporter each time (closed after, if it has
    `close()`). An error that stops a whole build (a broken spec) goes to
    `on_error`, and the watch goes on; without `on_error` it is raised.
    `on_wait(folders)` is called each time the watch starts waiting.
    `step_ms`: how long the files must stay quiet before a build starts (an
    editor's save is often several writes).
    Raises BookmakerError when bookmaker's own code changes on disk: this
    process would go on running the old code.
    """
    from watchfiles import DefaultFilter
    from watchfiles import watch as changes_of

    project = Path(project).resolve()
    dist = Path(out).resolve() if out else project / "dist"
    code = _code_stamp()
    halt = _Halt(stop, sys._getframe())

    def run() -> None:
        shown = reporter() if reporter else None
        try:
            build(project, books, out=out, jobs=jobs, reporter=shown, report=report)
        except BookmakerError as exc:
            if on_error is None:
                raise
            on_error(exc)
        finally:
            close = getattr(shown, "close", None)
            if callable(close):
                close()

    last: list[Path] = []

    def folders() -> list[Path]:
        try:
            last[:] = watched_folders(project, books)
        except BookmakerError:
            # a broken spec: what was watched still is, and the folders of the
            # specs named, where its repair will be made
            named = [Path(b).resolve().parent for b in books if Path(b).suffix == ".toml"]
            found = {*last, *(p for p in (project / "content", *named) if p.is_dir())}
            return sorted(found) or [project]
        return list(last)

    def stale() -> bool:
        try:
            return any(step.reason for step in plan(project, books, out=out))
        except BookmakerError:
            return False  # reported by the build that failed on it
        except OSError:
            return True  # a file went while it was looked at: the build will say

    with halt:
        run()
        while not halt.is_set():
            watched = folders()
            if on_wait:
                on_wait(watched)
            flt = DefaultFilter(ignore_paths=[dist, project / CACHE_DIR])
            checked = False  # after a build: one look at the plan on the first quiet second
            moved = False
            batches = changes_of(*watched, watch_filter=lambda c, p: flt(c, p) and
                                 not _is_temporary(p),
                                 step=step_ms, stop_event=halt, rust_timeout=1000,
                                 yield_on_timeout=True, raise_interrupt=False)
            for changes in _or_error(batches, watched):
                if changes:
                    log.info("changed: %s", ", ".join(sorted({p for _, p in changes})))
                else:
                    if checked or not stale():
                        checked = True
                        continue
                if _code_stamp() != code:
                    raise BookmakerError("bookmaker's code changed on disk; start the watch "
                                         "again to build with it")
                run()
                if halt.is_set():
                    return
                checked = False
                if folders() != watched:  # a spec now reads from other folders
                    moved = True
                    break
                if on_wait:
                    on_wait(watched)
            if not moved:
                return  # stopped (or Ctrl-C while waiting)


class _Halt:
    """What stops a watch: the caller's `stop` event, or Ctrl-C (see the module's
    notes). An event to watchfiles, which asks it every step."""

    def __init__(self, stop: threading.Event | None, frame: FrameType) -> None:
        self.stop = stop
        self.frame: FrameType | None = frame  # the watch's: Ctrl-C is its only while it runs
        self.asked = threading.Event()
        self.ended = threading.Event()
        self.previous: Any = None

    def is_set(self) -> bool:
        return self.asked.is_set() or (self.stop is not None and self.stop.is_set())

    def __enter__(self) -> _Halt:
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self.previous = signal.signal(signal.SIGINT, self._interrupt)
        return self

    def __exit__(self, *exc: object) -> None:
        self.ended.set()
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        self.frame = None

    def _where(self, frame: FrameType | None) -> str:
        """Whether `frame` is the watch's (or one it called), its end's, or past it."""
        while frame is not None:
            if frame.f_code is _Halt.__exit__.__code__:
                return "ending"
            if frame is self.frame:
                return "watch"
            frame = frame.f_back
        return "past"

    def _interrupt(self, signum: int, frame: FrameType | None) -> None:
        where = "past" if self.ended.is_set() else self._where(frame)
        if where == "ending":
            return  # it stops anyway
        if where == "past":  # Ctrl-C is the caller's again
            signal.signal(signal.SIGINT, self.previous)
            self.previous(signum, frame)
            return
        if not self.asked.is_set():
            self.asked.set()
            threading.Thread(target=self._again, name="bookmaker-ctrl-c", daemon=True).start()
        raise KeyboardInterrupt

    def _again(self) -> None:
        """Ctrl-C again while the watch still runs: a lost KeyboardInterrupt is
        raised anew, so a build in progress stops too."""
        main = threading.main_thread().ident
        while not self.ended.wait(0.25):
            frame = sys._current_frames().get(main or 0)
            if self.ended.is_set() or self._where(frame) != "watch":
                return
            if hasattr(signal, "pthread_kill") and main is not None:
                signal.pthread_kill(main, signal.SIGINT)  # a real one: it ends a wait too
            else:
                _thread.interrupt_main()


def _or_error(batches: Iterator[set[Any]], folders: list[Path]) -> Iterator[set[Any]]:
    """The batches of changes; a folder that cannot be watched (gone, or the
    system's limit of watches reached) is a clear error."""
    try:
        yield from batches
    except OSError as exc:
        shown = ", ".join(str(f) for f in folders)
        raise BookmakerError(f"cannot watch {shown}: {exc}") from None


def _is_temporary(path: str) -> bool:
    """A temporary of a build in progress (never an input)."""
    name = os.path.basename(path)
    return name.startswith(".") and name.endswith(".tmp")

