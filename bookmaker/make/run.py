"""Make-style builds: a target is rebuilt only when something it depends on changed.

`build` plans (`plan.py`: what each target depends on, and which are stale),
holds the project's lock (`lock.py`), builds the stale targets and records
each one built in the state file (`state.py`); a book is put in place in
`dist/` as `dist.py` does it, and now and then the cache's unused entries are
swept (`sweep.py`). A cache folder that cannot be written (read-only, full)
is not used at all: the build warns once and builds every target without
caching. `force` rebuilds from scratch: nothing is read from the cache, which
keeps what is made.

Targets are independent: they run on a `concurrent.futures.Executor`, a
process pool of `jobs` workers by default, or any executor the caller passes
(a Dask `Client.get_executor()` works). A target's errors come back from its
worker as data; a failed target leaves its previous output in place.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import (BookmakerError, LicenceError, SourceError, SpecError, TemplateError,
                     WriterError, EXIT_INTERNAL)
from ..files import sha256_file
from .spec import BookSpec, check_source_date_epoch, load_spec
from .scheduler import build_environment, chapters_executor, environment
from .dist import (SUMS_FILE, _dist, _place, _remove_stale_temporaries, _remove_temporaries_of,
                   _rewrite_sums, _write_sums, _write_temporary)
from .load import load_book, write_options
from .lock import _locked
from .plan import _label, _plan
from .state import _Hasher, _cache_dir, _empty_state, _load_state, _save_state
from .store import ArticleStore
from .sweep import _sweep, ledger_name
from .targets import Outcome, Reporter, Step, Target
from ..cache.blobs import key_of
from ..cache.ledger import recording, write_ledger
from ..lifeline import hold, lifeline
from ..logs import log_to_stderr, worker_log_level
from ..writers import Runtime, get_writer

if TYPE_CHECKING:  # imported when a pool is used: a one-target build starts without it
    from concurrent.futures import Executor, Future

__all__ = ["build"]


class _InternalError(BookmakerError):
    category = "internal"
    exit_code = EXIT_INTERNAL


# --- running targets ---------------------------------------------------------------------

Sink = Callable[[Target, str, int, int], None]
_WORKER_SINK: Any = None  # in a worker of our own pool: a queue of stage events


def _init_worker(queue: Any, line: Any = None, log_level: int | None = None) -> None:
    global _WORKER_SINK
    _WORKER_SINK = queue
    if line is not None:
        hold(line)  # a build killed with -9 takes its workers with it
    if log_level is not None:
        log_to_stderr(log_level)  # warnings shown as the build's own


class _Result(NamedTuple):
    warnings: list[str]
    error: tuple[str, str, str | None, int | None, str | None] | None  # class, message, path, line, key
    traceback: str | None
    seconds: float
    made: int = 0  # cache entries made (see `_sweep`)
    temporary: str | None = None  # the book written, for the build to rename into place


_ERRORS: dict[str, type[BookmakerError]] = {
    c.__name__: c for c in (BookmakerError, SpecError, SourceError, LicenceError, WriterError,
                            TemplateError, _InternalError)}


def _run_target(target: Target, sink: Sink | None = None,
                spec: BookSpec | None = None, digests: dict[str, str] | None = None,
                scheduler: str | None = None,
                environ: dict[str, str | None] | None = None) -> _Result:
    """Build one target; never raises (errors travel back as data, across processes)."""
    if sink is None and _WORKER_SINK is not None:
        queue = _WORKER_SINK

        def sink(t: Target, stage: str, done: int, total: int) -> None:
            queue.put((t, stage, done, total))
    emit = sink or (lambda *_: None)
    # on a Dask worker: the build's SOURCE_DATE_EPOCH, not the worker's
    with recording() as used, environment(environ):
        result = _build_target(target, emit, spec, digests, scheduler)
    if result.error is None and target.cache is not None:
        write_ledger(target.cache, ledger_name(target.output), target.spec_path, used)
    return result._replace(made=used.made)


def _build_target(target: Target, emit: Sink, spec: BookSpec | None,
                  digests: dict[str, str] | None, scheduler: str | None = None) -> _Result:
    started = time.perf_counter()
    try:
        emit(target, "reading", 0, 0)
        if spec is None:
            spec = load_spec(target.spec_path)
        # the sources' digests from the plan: unchanged sources are not read again
        store = ArticleStore(target.cache and target.cache / "parsed", target.code, digests,
                             pack=key_of("target", target.output), fresh=target.fresh)
        book = load_book(spec, progress=lambda d, n: emit(target, "reading", d, n), store=store)
        options = write_options(spec, target.format)
        runtime = Runtime(cache_dir=target.cache, salt=target.salt, fresh=target.fresh)
        if getattr(get_writer(target.format), "takes_shells", False):
            # the writer asks the store for the text of the chapters it makes again
            runtime = replace(runtime, articles=store)
        else:
            book = store.complete(book)
        emit(target, f"writing {target.format}", 0, 0)
        with chapters_executor(scheduler) as executor:
            tmp = _write_temporary(target, book, options, replace(runtime, executor=executor))
        try:
            store.close()
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return _Result(list(book.warnings), None, None, time.perf_counter() - started,
                       temporary=str(tmp))
    except BookmakerError as exc:
        return _Result([], (type(exc).__name__, exc.message, exc.path, exc.line, exc.key),
                       traceback.format_exc(), time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - a bug: reported as an internal error
        return _Result([], ("_InternalError", f"internal error: {type(exc).__name__}: {exc}",
                            None, None, None),
                       traceback.format_exc(), time.perf_counter() - started)


def _error(record: tuple[str, str, str | None, int | None, str | None]) -> BookmakerError:
    name, message, path, line, key = record
    return _ERRORS.get(name, _InternalError)(message, path=path, line=line, key=key)


def _cost(step: Step) -> tuple[int, int]:
    """Longest first, so that workers finish together: PDFs, then big books."""
    return (0 if step.target.format == "pdf" else 1, -len(step.deps))


def _drain(queue: Any, reporter: Reporter) -> None:
    while True:
        item = queue.get()
        if item is None:
            return
        with contextlib.suppress(Exception):
            reporter.stage(*item)


def _execute(todo: list[Step], jobs: int, executor: Executor | None, reporter: Reporter,
             done: Callable[[Step, _Result], None],
             specs: dict[str, BookSpec] | None = None,
             digests: dict[str, str] | None = None, scheduler: str | None = None) -> None:
    if executor is None and (jobs <= 1 or len(todo) <= 1):
        for step in todo:  # in this process: the specs planned are the specs built
            spec = (specs or {}).get(str(step.target.spec_path))
            done(step, _run_target(step.target, reporter.stage, spec, digests))
        return
    import multiprocessing  # only for a pool: a one-target build starts without it
    from concurrent.futures import (FIRST_COMPLETED, BrokenExecutor, ProcessPoolExecutor,
                                    ThreadPoolExecutor, wait)

    queue = listener = None
    own = executor is None
    if own:
        context = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
        queue = context.Queue()
        listener = threading.Thread(target=_drain, args=(queue, reporter), daemon=True)
        listener.start()
        executor = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context,
                                       initializer=_init_worker,
                                       initargs=(queue, lifeline(), worker_log_level()))
    assert executor is not None
    sink = reporter.stage if isinstance(executor, ThreadPoolExecutor) else None
    try:
        pending: dict[Future[_Result], Step] = {
            executor.submit(_run_target, step.target, sink, None, digests, scheduler,
                            build_environment() if scheduler else None): step
            for step in todo}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                step = pending.pop(future)
                try:
                    result = future.result()
                except BrokenExecutor:
                    result = _Result([], ("WriterError", "a worker process of the build died "
                                          "(killed, or out of memory) before this book was "
                                          "written; nothing was replaced",
                                          str(step.target.output), None, None), None, 0.0)
                except Exception as exc:  # noqa: BLE001 - the executor itself failed
                    result = _Result([], ("_InternalError", f"internal error: the executor "
                                          f"failed: {type(exc).__name__}: {exc}", None, None, None),
                                     traceback.format_exc(), 0.0)
                done(step, result)
    finally:
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
            if queue is not None and listener is not None:
                queue.put(None)
                listener.join(timeout=5)


# --- build -------------------------------------------------------------------------------

class _Callback(Reporter):
    def __init__(self, inner: Reporter | None, report: Callable[[Outcome], None] | None) -> None:
        self.inner = inner or Reporter()
        self.report = report

    def planned(self, steps: Sequence[Step]) -> None:
        self.inner.planned(steps)

    def stage(self, target: Target, stage: str, done: int = 0, total: int = 0) -> None:
        self.inner.stage(target, stage, done, total)

    def finished(self, outcome: Outcome) -> None:
        self.inner.finished(outcome)
        if self.report:
            self.report(outcome)

    def note(self, message: str) -> None:
        self.inner.note(message)


def build(project: str | Path = ".", books: Sequence[str] = (), *, out: str | Path | None = None,
          force: bool = False, dry_run: bool = False, jobs: int = 1,
          executor: Executor | None = None, reporter: Reporter | None = None,
          report: Callable[[Outcome], None] | None = None,
          scheduler: str | None = None) -> list[Outcome]:
    """Build what is out of date; return one outcome per target, in plan order.

    `books` are slugs, spec names or spec paths (default: every content/*.toml).
    `jobs` > 1 builds targets in a process pool; `executor` replaces it with any
    concurrent.futures executor; `scheduler`, the address of a running Dask
    scheduler, is given the targets and the PDFs' chapters (see
    `bookmaker.make.scheduler`). A failed target does not stop the others: its
    outcome carries the error, and its previous output stays in place.
    A dry run reads, hashes and reports, and writes nothing.
    """
    project = Path(project).resolve()
    check_source_date_epoch()  # before anything is planned: every book's date comes from it
    dist = _dist(project, out)
    tell = _Callback(reporter, report)
    if dry_run:
        state = _load_state(project)
        steps, _ = _plan(project, books, dist, force, state, _Hasher(state["files"]))
        tell.planned(steps)
        outcomes = [Outcome(s.target, "would build" if s.reason else "up to date", s.reason or "")
                    for s in steps]
        for outcome in outcomes:
            tell.finished(outcome)
        return outcomes

    with _locked(project) as unwritable:
        cached = unwritable is None
        # without a cache nothing is trusted; with force, no file's digest
        state = _load_state(project) if cached else _empty_state()
        if force:
            state["files"] = {}
        hasher = _Hasher(state["files"])
        if not cached:
            tell.note(f"warning: cache {_label(_cache_dir(project), project)} is not writable "
                      f"({unwritable}): building without caching")
        steps, specs = _plan(project, books, dist, force, state, hasher, keep=True, cached=cached)
        tell.planned(steps)
        _remove_stale_temporaries(dist)
        if cached:
            _remove_stale_temporaries(_cache_dir(project))
        results: dict[Target, Outcome] = {}
        for step in steps:
            if not step.reason:
                results[step.target] = Outcome(step.target, "up to date")
                tell.finished(results[step.target])
        last_save = [time.monotonic()]
        started = time.time()
        made = [0]

        def done(step: Step, result: _Result) -> None:
            made[0] += result.made
            key = str(step.target.output)
            if result.error is None and result.temporary:
                try:
                    _place(Path(result.temporary), step.target.output)
                except WriterError as exc:
                    result = result._replace(error=(type(exc).__name__, exc.message, exc.path,
                                                    exc.line, exc.key))
            if result.error is None:
                try:
                    sig = hasher.signature(step.target.output)
                    digest = sha256_file(step.target.output)
                    hasher.known(step.target.output, sig, digest)  # for SHA256SUMS
                    state["targets"][key] = {"deps": step.deps, "output": [*sig, digest],
                                             "spec": str(step.target.spec_path)}
                except OSError:
                    state["targets"].pop(key, None)
                outcome = Outcome(step.target, "built", step.reason or "", result.warnings,
                                  seconds=result.seconds)
            else:
                state["targets"].pop(key, None)
                outcome = Outcome(step.target, "failed", step.reason or "", result.warnings,
                                  _error(result.error), result.traceback, result.seconds)
            results[step.target] = outcome
            if result.temporary:
                _rewrite_sums(dist, hasher)  # removed as the book was put in place
            else:
                _remove_temporaries_of(step.target.output)
            if cached and time.monotonic() - last_save[0] > 0.5:  # a killed build keeps what it finished
                _save_state(project, state)
                last_save[0] = time.monotonic()
            tell.finished(outcome)

        todo = sorted((s for s in steps if s.reason), key=_cost)
        client = None
        try:
            if scheduler and todo:
                from .scheduler import connect, executor_of

                client = connect(scheduler)
                executor = executor_of(client)
            _execute(todo, jobs, executor, tell, done, specs, hasher.seen,
                     scheduler if client is not None else None)
            rewrote = _write_sums(dist, hasher)
            if made[0] and cached:
                _sweep(project, state, made[0], started, specs)
        finally:
            if client is not None:
                client.close()
            if cached and (todo or hasher.changed):  # once: the sums' hashes with the targets'
                _save_state(project, state)
        if rewrote and not todo:
            tell.note(f"{_label(dist / SUMS_FILE, project)} did not match dist/; rewrote it")
    return [results[s.target] for s in steps]
