"""A print book laid out in parts, in parallel, and put together as one PDF.

1. Every chapter (with the part page that opens it) and the credits are laid
   out in worker processes, each as its own document (cached on disk).
2. Their page counts give every folio: chapters open on rectos, a blank verso
   goes before a chapter that would otherwise open on the left.
3. The front matter before the contents is laid out, given the credits' folio
   (the imprint gives it), then the contents, given every folio; meanwhile the
   chapters and credits are put into the book (see pdf_assemble), in a thread.
4. The front matter is put in, and the book finished. Each part's copy in
   the book is kept for the next build (see CopyCache in pdf_assemble): after
   an edit, the parts that did not change are copied as they are.

The contents and the credits are each one document: one flowing list, whose
pages break where the list would (pieces laid out apart would each start a
page, and leave the page before short).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import (FIRST_COMPLETED, BrokenExecutor, Executor, Future,
                                ProcessPoolExecutor, wait)
from pathlib import Path
from typing import Any, Protocol

from ...version import __version__
from ...model import Book
from ...render.context import TocEntry
from ...resources import LocalResources
from ...theme import Theme, load_theme
from ..options import Runtime
from .options import PdfOptions
from .assembler import Assembler, CopyCache, OutlineNode, Placed
from .page import margins, points, trim_of
from .parts import Segment, SegmentCache, SegmentJob, render_segment
from .weasy import epoch_of


__all__ = ["write_in_parts", "PrintLayout"]


class PrintLayout(Protocol):
    """What laying a book out in parts asks of its writer (the PDF writer): the
    book's templates and context, and its stylesheets."""

    def context(self, book: Book, options: PdfOptions,
                resources: LocalResources | None = None) -> tuple[Any, dict[str, Any]]: ...

    def stylesheets(self, theme: Theme, options: PdfOptions) -> tuple[str, str]: ...

log = logging.getLogger("bookmaker")

_Done = Callable[[Segment], None]
_Make = Callable[[], SegmentJob]
_BODY = 1 << 20  # the assembly's order of the first chapter: the front matter comes before


def _engine() -> str:
    from importlib.metadata import version

    return f"bookmaker {__version__}; WeasyPrint {version('weasyprint')}"


def _outline(toc: list[TocEntry]) -> list[OutlineNode]:
    def node(e: TocEntry) -> OutlineNode:
        return OutlineNode(e.title, e.href.split("#", 1)[-1], [node(c) for c in e.children])

    return [OutlineNode("Contents", "toc-title", [])] + [node(e) for e in toc]


def _opening(first_page: int, counter: int | None = None) -> str:
    """Page rules for a part whose first page is the book's `first_page`: a
    left page when that is even; `counter` restarts its own folios there."""
    rules = "html { break-before: left; }\n" if first_page % 2 == 0 else ""
    if counter is not None:
        rules += f"@page :first {{ counter-reset: page {counter}; }}\n"
    return rules


def _pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked from a small server process that has WeasyPrint loaded,
    not from this one, which holds the whole book: so their memory does not
    grow with the book, and they start ready."""
    import multiprocessing
    import sys

    from ...lifeline import lifeline
    from ...logs import worker_log_level

    # the workers end with this process, even one killed with -9 (see lifeline),
    # and show warnings as it does
    initargs = (lifeline(), worker_log_level())
    if sys.platform == "win32":
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=initargs)
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bookmaker.writers.pdf.parts", "weasyprint"])
    forkserver.ensure_running()  # it loads WeasyPrint while this process renders the HTML
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=initargs)


def _init_worker(line: Any, log_level: int | None) -> None:
    from ...lifeline import hold
    from ...logs import log_to_stderr

    hold(line)
    if log_level is not None:
        log_to_stderr(log_level)


class _Queue:
    """Lays parts out on the pool, cached ones at once. Only a few are handed to
    the pool at a time, so that a part made ready by another (the next piece
    of the contents or credits) goes before the chapters still waiting."""

    def __init__(self, pool: Executor | None, cache: SegmentCache, in_flight: int) -> None:
        self.pool = pool
        self.cache = cache
        self.limit = in_flight
        self.waiting: deque[tuple[_Make, _Done]] = deque()
        self.urgent: deque[tuple[_Make, _Done]] = deque()
        self.running: dict[Future[Segment], tuple[_Done, SegmentJob]] = {}

    def add(self, make: _Make, done: _Done, *, urgent: bool = False) -> None:
        """A part to lay out: `make` gives its job when its turn comes (so that
        the HTML of a thousand chapters is not all held at once)."""
        (self.urgent if urgent else self.waiting).append((make, done))

    def _start(self, make: _Make, done: _Done) -> None:
        job = make()
        found = self.cache.get(job.key())
        if found is not None:
            found.mark(made=False)
            done(found)
            return
        if self.pool is not None:
            try:
                future = self.pool.submit(render_segment, job, str(self.cache.root),
                                          self.cache.fresh)
                self.running[future] = (done, job)
                return
            except BrokenExecutor:
                self._lost()
            except (AssertionError, OSError, RuntimeError):  # no children here: lay out in turn
                self.pool = None
        done(self._made(render_segment(job, str(self.cache.root), self.cache.fresh)))

    def _lost(self) -> None:
        """A worker died (killed, or out of memory): the pool is no more."""
        if self.pool is not None:
            log.warning("a worker process laying out the PDF died; laying out the rest "
                        "in this process")
            self.pool = None

    @staticmethod
    def _made(segment: Segment) -> Segment:
        segment.mark(made=True)
        return segment

    def run(self) -> None:
        while True:
            while len(self.running) < self.limit and (self.urgent or self.waiting):
                self._start(*(self.urgent or self.waiting).popleft())
            if not self.running:
                if not (self.urgent or self.waiting):
                    return
                continue
            finished, _ = wait(self.running, return_when=FIRST_COMPLETED)
            for future in finished:
                done, job = self.running.pop(future)
                try:
                    segment = future.result()
                except BrokenExecutor:
                    # the parts it and the others held are laid out here, in turn
                    self._lost()
                    segment = render_segment(job, str(self.cache.root), self.cache.fresh)
                done(self._made(segment))


def write_in_parts(writer: PrintLayout, book: Book, options: PdfOptions, runtime: Runtime,
                   target: Path) -> None:

    started = time.perf_counter()

    def note(stage: str) -> None:
        log.info("pdf: %s (%.1f s)", stage, time.perf_counter() - started)

    executor: Executor | None = runtime.executor
    workers = runtime.jobs or os.cpu_count() or 1
    own = executor is None and workers > 1 and len(book.chapters) > 1
    # Started first: the workers' server loads WeasyPrint while the HTML is made.
    pool: Executor | None = _pool(workers) if own else executor
    try:
        theme = load_theme(options.theme)
        resources = LocalResources(options.base_dir)
        env, ctx = writer.context(book, options, resources)
    except BaseException:
        if own and pool is not None:
            pool.shutdown()
        raise
    resources.warn()
    template = env.get_template("book.html.j2")
    theme_css, page_rules = writer.stylesheets(theme, options)
    epoch = epoch_of(book.metadata.modified)
    engine = _engine()

    def job(html: str, opening: str = "") -> SegmentJob:
        return SegmentJob(html=html, theme=str(theme.path), theme_css=theme_css,
                          page_css=page_rules + opening,
                          base_dir=str(options.base_dir) if options.base_dir else None,
                          variant=options.variant, identifier=book.metadata.identifier,
                          epoch=epoch, engine=engine)

    chapters = ctx["chapters"]
    toc: list[TocEntry] = ctx["toc"]
    cache = SegmentCache(runtime.cache_dir / "pdf" if runtime.cache_dir else None, runtime.fresh)
    queue = _Queue(pool, cache, workers + 1 if own else 1 << 20)

    head: list[Segment] = []
    body: list[Segment | None] = [None] * len(chapters)
    back: list[Segment] = []
    contents: list[Segment] = []
    folio: dict[str, str] = {}
    placed_body: list[Placed] = []
    placed_back: list[Placed] = []

    def back_matter() -> None:
        html = template.render(ctx, segment="back")

        def done(segment: Segment) -> None:
            back.append(segment)
            ready()

        queue.add(lambda: job(html), done, urgent=True)

    def head_piece(credits_page: str) -> None:
        """The front matter before the contents, once the credits' folio (which
        the imprint gives) is known."""
        html = template.render(ctx, segment="front-head", credits_page=credits_page)

        def done(segment: Segment) -> None:
            head.append(segment)
            head_pages = segment.pages
            contents_pages(head_pages + 1 + head_pages % 2)  # the contents open on a recto

        queue.add(lambda: job(html), done, urgent=True)

    def contents_pages(first_page: int) -> None:
        """The contents, given every folio; the preface follows them in the same
        document, so the contents find its folio themselves."""
        html = template.render(ctx, segment="front-toc", toc=toc, toc_targets=targets,
                               front=ctx["front"])
        queue.add(lambda: job(html, _opening(first_page, first_page)), contents.append,
                  urgent=True)

    targets: set[str] = set()  # the contents' anchors, which the contents carry themselves

    def ready() -> None:
        """Once the chapters and the credits' length are known: the contents."""
        if None in body or not back:
            return
        note(f"{len(body)} chapters and the back matter laid out")
        # Folios: the body counts from 1 on its first recto; blank versos count too.
        number = 1
        for segment in body:
            assert segment is not None
            blank = number % 2 == 0
            number += blank
            placed_body.append(Placed(segment, number, blank))
            for anchor, index in segment.anchors.items():
                folio.setdefault(anchor, str(number + index))
            number += segment.pages
        for i, segment in enumerate(back):
            blank = i == 0 and number % 2 == 0
            number += blank
            placed_back.append(Placed(segment, number, blank))
            for anchor, index in segment.anchors.items():
                folio.setdefault(anchor, str(number + index))
            number += segment.pages
        for entry in toc:
            for e in entry.walk():
                anchor = e.href.split("#", 1)[-1]
                if anchor in folio:
                    e.page = folio[anchor]
                    targets.add(anchor)
        head_piece(folio.get("credits", ""))
        # While the front matter is laid out (on one core), the chapters and the
        # credits are put into the book (on the other).
        assembling.start()

    def chapter_done(i: int) -> _Done:
        def done(segment: Segment) -> None:
            body[i] = segment
            ready()
        return done

    top, bottom, _, _ = margins(trim_of(theme, options))
    # The parts as copied into this book, for its next build: a folder per
    # book and kind of PDF, which keeps just what the last build used.
    book_key = hashlib.sha256(repr((book.metadata.identifier, options.variant,
                                    options.fingerprint())).encode("utf-8")).hexdigest()[:24]
    copies = CopyCache(cache.root / "copies" / book_key if runtime.cache_dir else None,
                       runtime.fresh)
    book_file = Assembler(target, epoch=epoch,
                          bottom_margin=bottom * 72 / 25.4 + points(options.bleed),
                          copies=copies)
    failed: list[BaseException] = []

    def assemble_body() -> None:
        try:
            for order, p in enumerate(placed_body + placed_back, start=_BODY):
                book_file.add(p, order)
        except BaseException as exc:  # noqa: BLE001 - raised again in the main thread
            failed.append(exc)

    assembling = threading.Thread(target=assemble_body, name="bookmaker-assemble")
    try:
        # The credits and the front matter before the contents (the longest
        # parts) first, then the chapters.
        back_matter()
        for i, view in enumerate(chapters):
            queue.add(lambda view=view: job(template.render(  # type: ignore[misc]
                ctx, segment="body", chapters=[view])),
                      chapter_done(i))
        queue.run()
        note("contents laid out")
        if assembling.is_alive():
            assembling.join()
        if failed:
            raise failed[0]
        note("chapters and credits assembled")

        front = 0
        for i, segment in enumerate(head):
            book_file.add(Placed(segment, None), i, document=i == 0)
            front += segment.pages
        for i, segment in enumerate(contents):
            blank = i == 0 and front % 2 == 1
            book_file.add(Placed(segment, None, blank), len(head) + i)
            front += blank + segment.pages
        if front % 2:
            book_file.add_blank(_BODY - 1)  # the body opens on a recto
            front += 1
        book_file.finish(_outline(ctx["outline"]), front_pages=front)
        copies.prune()
        note(f"{len(placed_body) + len(placed_back) + len(contents) + len(head)} parts assembled"
             f" ({book_file.copied} copied anew)")
    finally:
        if own and pool is not None:
            pool.shutdown()
        if assembling.is_alive():
            assembling.join()
        book_file.close()
        cache.close()
