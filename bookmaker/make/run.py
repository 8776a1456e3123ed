"""Make-style builds: a target is rebuilt only when something it depends on changed.

A target is one book in one format (`dist/<slug>.epub`). It depends on the
spec, its articles and front-matter files, the theme (CSS, templates, fonts),
the spec's own templates, the writer options, `SOURCE_DATE_EPOCH` and
bookmaker itself (its version and its code). The content hash of each is
recorded per target in `.bookmaker-cache/state.json`, beside a stat cache
(size, mtime, inode -> SHA-256) so that an unchanged file is not read again;
a file whose stat changed is hashed, and a file touched in the last two
seconds is never trusted to the stat cache. The state is kept after its own
digest; a state that is missing, damaged, of another version or disagrees
with the outputs is not trusted: the targets concerned are rebuilt. A cache
folder that cannot be written (read-only, full) is not used at all: the
build warns once and builds every target without caching. `force` rebuilds
from scratch: nothing is read from the cache, which keeps what is made.

Targets are independent: they run on a `concurrent.futures.Executor`, a
process pool of `jobs` workers by default, or any executor the caller passes
(a Dask `Client.get_executor()` works). Outputs are written to a hidden
temporary file beside the target and renamed into place, so a build killed at
any moment leaves the previous file or the complete new one; `SHA256SUMS` is
rewritten after every build that changes `dist/`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..assembly import assemble
from ..addresses import address_of, check_url
from ..errors import (BookmakerError, LicenceError, SourceError, SpecError, TemplateError,
                     UsageError, WriterError, EXIT_INTERNAL)
from ..files import sha256_file
from ..licences import check_book_licences, licence_problems
from ..model import Metadata, Person
from .spec import BookSpec, check_source_date_epoch, find_specs, load_spec, slugify
from .scheduler import build_environment, chapters_executor, environment
from .dist import (SUMS_FILE, TEMP_NAME, _dist, _place, _remove_stale_temporaries,
                   _remove_temporaries_of, _rewrite_sums, _write_atomically, _write_sums,
                   _write_temporary)
from .load import _NO_AUTHOR, load_book, write_options
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
from ..writers import Runtime, WriteOptions, get_writer, typed_options

if TYPE_CHECKING:  # imported when a pool is used: a one-target build starts without it
    from concurrent.futures import Executor, Future

__all__ = ["build", "clean", "make_book"]



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


# --- one-off books ----------------------------------------------------------------------

def make_book(articles: Sequence[str | os.PathLike[str]], *, title: str,
              authors: Sequence[str] = (), formats: Sequence[str] = ("epub", "pdf"),
              out: str | Path = "dist", language: str = "en",
              warn: Callable[[str], None] | None = None,
              licence_reason: str | None = None,
              urls: Sequence[tuple[str, str]] = ()) -> list[Path]:
    """Build a one-off book from article files, in the order given, without a spec.

    `urls`: (folder, address) pairs, as a spec's [urls], folders relative to
    the current folder (the command's `--url FOLDER=ADDRESS`).

    Writes `<out>/<slug of title>.<suffix>` for each format; returns the paths.
    The articles' licences must allow one book, unless `licence_reason` says
    why the editor may go ahead (it is printed in the credits).
    """
    from ..readers import read_article

    chosen = [get_writer(f) for f in formats]  # fail early on an unknown writer
    check_source_date_epoch()
    folders = _url_folders(urls)
    read = [read_article(a) for a in articles]
    if folders:
        read = [replace(a, attribution=replace(a.attribution, url=address_of(
            Path(p).resolve(), folders))) for a, p in zip(read, articles)]
    entries = [(a.attribution.origin or a.title, a.attribution.licence) for a in read]
    # The reason goes to the articles that need it (no licence recognised, or one the
    # rules refuse), and is printed for them only.
    needing = {name for name, _ in licence_problems([(n, lic, None) for n, lic in entries])}
    reason = licence_reason if licence_reason and licence_reason.strip() else None
    check_book_licences([(n, lic, reason if n in needing else None) for n, lic in entries])
    if reason:
        read = [replace(a, attribution=replace(a.attribution, licence_reason=reason))
                if n in needing else a for a, (n, _) in zip(read, entries)]
    metadata = Metadata(title=title, language=language,
                        authors=tuple(Person(a) for a in authors))
    book = assemble(read, metadata)
    if warn:
        for article in read:
            for w in article.warnings:
                if not (_NO_AUTHOR.match(w) and (article.authors or metadata.authors)):
                    warn(f"{article.attribution.origin}: {w}")
        for w in book.warnings:
            warn(w)
    base = Path(articles[0]).resolve().parent if articles else None
    written = []
    for writer in chosen:
        target = Path(out) / f"{slugify(title)}{writer.suffix}"
        tmp_target = Target(Path(), slugify(title), writer.name, target)
        _write_atomically(tmp_target, book,
                          typed_options(writer, WriteOptions(base_dir=base)))
        written.append(target)
    return written


def _url_folders(urls: Sequence[tuple[str, str]]) -> list[tuple[Path, str]]:
    """`--url` pairs checked: an existing folder, an absolute http(s) address."""
    out: list[tuple[Path, str]] = []
    for folder, address in urls:
        def fail(message: str, pair: str = f"{folder}={address}") -> UsageError:
            return UsageError(f"{pair}: {message}", key="--url")

        url = check_url(address, fail)
        path = Path(folder).resolve()
        if not path.is_dir():
            raise UsageError(f"{folder}={address}: no such folder: {folder}", key="--url")
        out.append((path, url))
    return out


# --- clean -----------------------------------------------------------------------------

def _clean_folder(project: Path, dist: Path) -> list[Path]:
    """Remove the books the project's builds made in `dist` (and only there),
    its SHA256SUMS and stale temporaries; `dist` itself if it is left empty."""
    removed: list[Path] = []
    state = _load_state(project)
    outputs = {Path(key) for key in state["targets"] if Path(key).parent == dist}
    suffixes: set[str] = set()
    for name in ("epub", "pdf", "html"):
        with contextlib.suppress(BookmakerError):
            suffixes.add(get_writer(name).suffix)
    for spec_path in find_specs(project):
        try:
            spec = load_spec(spec_path)
        except BookmakerError:
            continue  # a broken spec: what it built is in the state, if anything
        for fmt in spec.formats:
            with contextlib.suppress(BookmakerError):
                suffixes.add(get_writer(fmt).suffix)
        outputs |= {dist / f"{spec.slug}{suffix}" for suffix in suffixes}
    for path in sorted(outputs):
        if path.is_file():
            path.unlink()
            removed.append(path)
    sums = dist / SUMS_FILE
    if sums.is_file():
        sums.unlink()
        removed.append(sums)
    if dist.is_dir():
        for p in dist.iterdir():
            if TEMP_NAME.match(p.name):
                p.unlink(missing_ok=True)
                removed.append(p)
        with contextlib.suppress(OSError):
            dist.rmdir()  # only when empty
    return removed


def clean(project: str | Path = ".", *, out: str | Path | None = None,
          unused: bool = False) -> list[Path]:
    """Remove what the build made: the books, SHA256SUMS, stale temporaries and the cache.

    Only the books of `out` (default: dist/) go, not those built into another
    folder; files there that no build made are left alone (and the folder with
    them). Waits for a build of the project that is running to finish.
    `unused`: remove only the cache entries that the last successful build of
    each book did not use (builds do this themselves from time to time); the
    books and the rest of the cache stay.
    """
    project = Path(project).resolve()
    if unused:
        if not _cache_dir(project).is_dir():
            return []
        with _locked(project):
            state = _load_state(project)
            swept = _sweep(project, state, 0, time.time(), now=True)
            _save_state(project, state)
        return swept
    dist = _dist(project, out)
    with _locked(project):  # never in the middle of a build
        removed = _clean_folder(project, dist)
        cache = _cache_dir(project)
        if cache.exists():
            import shutil

            if any(p.name != "lock" for p in cache.iterdir()):  # not just the lock's own
                removed.append(cache)
            shutil.rmtree(cache)
    return removed
