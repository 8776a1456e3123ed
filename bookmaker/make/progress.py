"""What a build shows as it goes.

On a terminal, a live display (rich): one line per book being built, with its
stage and how far it got, above an overall bar. Elsewhere (CI, a pipe, a
file), one plain line per finished target. `quiet` keeps only errors;
`verbose` adds up-to-date targets, stages, timings and tracebacks.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import IO, Any

from .targets import Outcome, Reporter, Step, Target
from ..logs import shorten

__all__ = ["PlainReporter", "LiveReporter", "make_reporter"]

def _where(outcome: Outcome) -> str:
    return str(outcome.target.output)


class PlainReporter(Reporter):
    """One line per event worth telling, to a stream (stderr by default)."""

    def __init__(self, stream: IO[str] | None = None, *, quiet: bool = False,
                 verbose: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.verbose = verbose
        self._lock = threading.Lock()
        self._warned: set[str] = set()
        self._stages: dict[Target, str] = {}
        self._done: set[Target] = set()  # stage events may arrive late from worker processes

    def line(self, text: str) -> None:
        with self._lock:
            print(text, file=self.stream, flush=True)

    def planned(self, steps: Sequence[Step]) -> None:
        todo = sum(1 for s in steps if s.reason)
        if self.verbose and steps:
            self.line(f"{len(steps)} target(s), {todo} to build")

    def stage(self, target: Target, stage: str, done: int = 0, total: int = 0) -> None:
        if not self.verbose:
            return
        with self._lock:  # one line per stage, not per article
            if target in self._done or self._stages.get(target) == stage:
                return
            self._stages[target] = stage
        self.line(f"{target.name}: {stage}")

    def error(self, outcome: Outcome) -> None:
        if self.verbose and outcome.traceback:
            self.line(outcome.traceback.rstrip())
        hint = "" if self.verbose or outcome.exit_code != 1 else " (run with -v for the traceback)"
        self.line(f"bookmaker: error: {outcome.target.name}: {shorten(str(outcome.error))}{hint}")

    def warnings(self, outcome: Outcome) -> None:
        if self.quiet:
            return
        for warning in outcome.warnings:
            with self._lock:
                if warning in self._warned:
                    continue
                self._warned.add(warning)
            self.line(f"warning: {shorten(warning)}")

    def finished(self, outcome: Outcome) -> None:
        with self._lock:
            self._done.add(outcome.target)
        if outcome.status == "failed":
            self.error(outcome)
        elif outcome.status == "built":
            self.warnings(outcome)
            if not self.quiet:
                took = f" in {outcome.seconds:.1f} s" if self.verbose else ""
                self.line(f"built {_where(outcome)} ({outcome.reason}){took}")
        elif outcome.status == "up to date" and self.verbose:
            self.line(f"{outcome.target.name} is up to date")

    def note(self, message: str) -> None:
        if not self.quiet:
            self.line(message)

    def close(self) -> None:
        """Stop any live display (plain lines need nothing)."""


class LiveReporter(PlainReporter):
    """A live display on a terminal: a row per target being built, an overall bar."""

    def __init__(self, console: Any = None, *, quiet: bool = False, verbose: bool = False) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                                   TextColumn, TimeElapsedColumn)

        self.console = console or Console(stderr=True)
        super().__init__(self.console.file, quiet=quiet, verbose=verbose)
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(),
                                 console=self.console, transient=True)
        self._rows: dict[Target, tuple[Any, str]] = {}  # target -> (row, stage)
        self._overall: Any = None
        self._started = False

    def line(self, text: str) -> None:
        from rich.markup import escape
        self.console.print(escape(text), highlight=False, soft_wrap=True)

    def planned(self, steps: Sequence[Step]) -> None:
        super().planned(steps)
        todo = sum(1 for s in steps if s.reason)
        if todo and not self.quiet:
            self.progress.start()
            self._started = True
            self._overall = self.progress.add_task(f"building {todo} target(s)", total=todo)

    def stage(self, target: Target, stage: str, done: int = 0, total: int = 0) -> None:
        if not self._started:
            return
        label = f"{target.name}: {stage}"
        with self._lock:
            if target in self._done:  # a late event from a worker process
                return
            row, shown = self._rows.get(target, (None, ""))
            if row is None or shown != stage:  # a new stage: a new row (no total: a pulse)
                if row is not None:
                    self.progress.remove_task(row)
                row = self.progress.add_task(label, total=total or None)
                self._rows[target] = (row, stage)
        if total:
            self.progress.update(row, completed=done, total=total)

    def finished(self, outcome: Outcome) -> None:
        with self._lock:
            self._done.add(outcome.target)
            row, _ = self._rows.pop(outcome.target, (None, ""))
        if self._started and row is not None:
            self.progress.remove_task(row)
        if self._started and outcome.status in ("built", "failed"):
            self.progress.advance(self._overall)
        super().finished(outcome)

    def close(self) -> None:
        if self._started:
            self.progress.stop()
            self._started = False


def make_reporter(*, quiet: bool = False, verbose: bool = False,
                  stream: IO[str] | None = None) -> PlainReporter:
    """A live display when stderr is a terminal (and not quiet), else plain lines."""
    if stream is None and not quiet and sys.stderr.isatty():
        from rich.console import Console
        console = Console(stderr=True)
        if console.is_terminal and not console.is_dumb_terminal:
            return LiveReporter(console, quiet=quiet, verbose=verbose)
    return PlainReporter(stream, quiet=quiet, verbose=verbose)
