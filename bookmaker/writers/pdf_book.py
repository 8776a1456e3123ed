"""A print book laid out in parts, in parallel, and put together as one PDF.

1. Every chapter (with the part page that opens it) and the back matter are
   laid out in worker processes, each as its own document (cached on disk).
2. Their page counts give every folio: chapters open on rectos, a blank verso
   goes before a chapter that would otherwise open on the left.
3. The front matter is laid out last, its contents page given those folios.
4. The parts are assembled: see pdf_assemble.
"""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..model import Book
from ..render import TocEntry
from ..resources import LocalResources
from ..theme import load_theme
from . import WriteOptions
from .pdf_assemble import OutlineNode, Placed, assemble_pdf
from .pdf_parts import Segment, SegmentCache, SegmentJob, render_segment

if TYPE_CHECKING:
    from .pdf import PdfWriter

__all__ = ["write_in_parts"]

log = logging.getLogger("bookmaker")


def _engine() -> str:
    from importlib.metadata import version

    return f"bookmaker {__version__}; WeasyPrint {version('weasyprint')}"


def _outline(toc: list[TocEntry]) -> list[OutlineNode]:
    def node(e: TocEntry) -> OutlineNode:
        return OutlineNode(e.title, e.href.split("#", 1)[-1], [node(c) for c in e.children])

    return [OutlineNode("Contents", "toc-title", [])] + [node(e) for e in toc]


def write_in_parts(writer: "PdfWriter", book: Book, options: WriteOptions,
                   settings: dict[str, Any], target: Path, executor: Executor | None = None) -> None:
    from .pdf import _epoch, _margins, _points

    started = time.perf_counter()

    def note(stage: str) -> None:
        log.info("pdf: %s (%.1f s)", stage, time.perf_counter() - started)

    theme = load_theme(options.theme)
    resources = LocalResources(options.base_dir)
    env, ctx = writer.context(book, options, resources)
    resources.warn()
    template = env.get_template("book.html.j2")
    theme_css, page_rules = writer._css(theme, options, settings)
    epoch = _epoch(book.metadata.modified)
    engine = _engine()

    def job(html: str) -> SegmentJob:
        return SegmentJob(html=html, theme=str(theme.path), theme_css=theme_css,
                          page_css=page_rules,
                          base_dir=str(options.base_dir) if options.base_dir else None,
                          variant=settings["variant"], identifier=book.metadata.identifier,
                          epoch=epoch, engine=engine)

    chapters = ctx["chapters"]
    body_jobs = [job(template.render(ctx, segment="body", chapters=[view])) for view in chapters]
    back_job = job(template.render(ctx, segment="back"))
    note(f"{len(body_jobs) + 1} parts rendered to HTML")
    cache = SegmentCache(options.cache_dir / "pdf" if options.cache_dir else None)
    workers = options.jobs or os.cpu_count() or 1
    own = executor is None and workers > 1 and len(body_jobs) > 1
    pool: Executor | None = ProcessPoolExecutor(max_workers=workers) if own else executor
    try:
        def run(jobs: list[SegmentJob]) -> list[Segment]:
            # Cached parts are checked here, so only what changed reaches a worker.
            found = [cache.get(j.key()) for j in jobs]
            todo = [i for i, f in enumerate(found) if f is None]
            futures = {}
            if pool is not None and todo:  # even one part: the workers have the styles loaded
                try:
                    futures = {i: pool.submit(render_segment, jobs[i], str(cache.root)) for i in todo}
                except (AssertionError, OSError, RuntimeError):  # no children here: lay out in turn
                    futures = {}
            for i in todo:
                found[i] = futures[i].result() if i in futures else render_segment(jobs[i], str(cache.root))
            return [f for f in found if f is not None]

        # The back matter (credits for every article) is the longest part: first in line.
        back, *body = run([back_job] + body_jobs)
        note(f"{len(body)} chapters and the back matter laid out")

        # Folios: the body counts from 1 on its first recto; blank versos count too.
        number = 1
        placed_body: list[Placed] = []
        folio: dict[str, str] = {}
        for segment in body:
            blank = number % 2 == 0
            number += blank
            placed_body.append(Placed(segment, number, blank))
            for anchor, index in segment.anchors.items():
                folio.setdefault(anchor, str(number + index))
            number += segment.pages
        blank = number % 2 == 0
        number += blank
        placed_back = Placed(back, number, blank)
        for anchor, index in back.anchors.items():
            folio.setdefault(anchor, str(number + index))

        toc: list[TocEntry] = ctx["toc"]
        targets: list[str] = []
        for entry in toc:
            for e in entry.walk():
                anchor = e.href.split("#", 1)[-1]
                if anchor in folio:
                    e.page = folio[anchor]
                    targets.append(anchor)
        front_html = template.render(ctx, segment="front", toc=toc, toc_targets=targets)
        (front,) = run([job(front_html)])
        note("front matter laid out")
    finally:
        if own and pool is not None:
            pool.shutdown()

    front_pages = front.pages + (front.pages % 2)  # the body opens on a recto
    placed = [Placed(front, None), *placed_body, placed_back]
    if front.pages % 2:
        placed[1].blank_before = True
    top, bottom, _, _ = _margins(options.trim)
    try:
        assemble_pdf(placed, _outline(toc), target, front_pages=front_pages, epoch=epoch,
                     bottom_margin=bottom * 72 / 25.4 + _points(settings["bleed"]))
        note(f"{len(placed)} parts assembled")
    finally:
        cache.close()
