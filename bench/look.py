"""Pages of the printed books to look at, as PNGs: a designer's proofs.

    .venv/bin/python bench/look.py [--out bench/look/] [--workdir DIR] [--dpi 70]

Builds the sample book (content/) and the anthology test book (tests/anthology.py:
25 real Archive pages in three parts, a preface with notes and a table) with
`bookmaker build`, in a temporary folder, and renders a fixed set of their pages
to PNG: the anthology's half-title, title, imprint, first and last contents
page, first part title, first chapter opening, first page of the body with
footnotes, the preface's table, first page of the credits, and each chapter
opening of the sample. The pages are found as tests/books/test_print_pages.py
finds them (tests/printed.py: by the PDF's outline, page labels and text), so
the proofs show what the tests measure. Each file is named for what it shows
(`anthology-imprint.png`); the list is printed with each page's folio.

Pages are rendered with pypdfium2 (the bench extra) if it is installed, else
with poppler's `pdftoppm -png -r DPI`. The anthology comes from the tests: the
test extra and the MIA corpus beside the project (../shared/corpus/mia) are
needed. `bench/look/` is ignored by git: the PNGs are for looking at, not for
committing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from printed import Page, PrintedBook, squash  # noqa: E402 - from the tests, as the anthology


@dataclass(frozen=True)
class Shown:
    """A page rendered: what it shows, its index in its PDF, its folio, its PNG."""
    name: str
    index: int
    label: str
    png: Path


def _shows(book: PrintedBook, page: Page, text: str) -> bool:
    return squash(text).lower() in squash(" ".join(line.text for line in page.lines)).lower()


def anthology_pages(book: PrintedBook) -> dict[str, int]:
    """The anthology's pages to show, by name (their indices in the PDF)."""
    from anthology import PARTS, PREFACE

    title = next(p for p in book.pages[1:] if _shows(book, p, book.title))
    contents = book.entry("Contents")
    assert contents is not None, "no contents in the outline"
    after = min(e.page for e in book.outline if e.page > contents.page)
    last = max(p.index for p in book.pages[contents.page:after] if not book.blank(p))
    part = book.entry(PARTS[0][0])
    assert part is not None, f"no {PARTS[0][0]!r} in the outline"
    notes = next(p for p in book.body() if book.notes(p))
    head = next(line for line in PREFACE.splitlines() if line.startswith("|"))
    table = next(p for p in book.pages if _shows(book, p, " ".join(head.strip("|").split("|"))))
    return {"half-title": 0, "title": title.index, "imprint": title.index + 1,
            "contents-first": contents.page, "contents-last": last,
            "part-title": part.page, "chapter-opening": book.chapters[0].page,
            "footnotes": notes.index, "table": table.index, "credits-first": book.back}


def sample_pages(book: PrintedBook) -> dict[str, int]:
    """The sample's chapter openings."""
    return {f"chapter-{n}": e.page for n, e in enumerate(book.chapters, 1)}


def renderer(dpi: int) -> Callable[[Path, int, Path], None]:
    """Render a PDF's page (by index) to a PNG: pypdfium2, else pdftoppm."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        pdftoppm = shutil.which("pdftoppm")
        if not pdftoppm:
            sys.exit("bench/look.py: neither pypdfium2 (pip install -e '.[bench]') "
                     "nor pdftoppm (poppler-utils) is installed")

        def by_pdftoppm(pdf: Path, index: int, png: Path) -> None:
            subprocess.run([pdftoppm, "-png", "-r", str(dpi), "-f", str(index + 1),
                            "-l", str(index + 1), "-singlefile", str(pdf),
                            str(png.with_suffix(""))], check=True)

        return by_pdftoppm

    documents: dict[Path, Any] = {}

    def by_pdfium(pdf: Path, index: int, png: Path) -> None:
        document = documents.setdefault(pdf, pdfium.PdfDocument(str(pdf)))
        document[index].render(scale=dpi / 72).to_pil().save(png)

    return by_pdfium


def build(workdir: Path) -> tuple[Path, Path]:
    """The sample and the anthology, built as a user builds them: their PDFs."""
    from anthology import anthology_project, build_project

    sample = workdir / "sample"
    for earlier in (sample, workdir / "anthology"):
        shutil.rmtree(earlier, ignore_errors=True)  # a kept workdir's last books
    shutil.copytree(ROOT / "content", sample / "content")
    build_project(sample)
    anthology = anthology_project(workdir / "anthology", formats=("pdf",))
    build_project(anthology)
    (sample_pdf,) = (sample / "dist").glob("*.pdf")
    return sample_pdf, anthology / "dist" / "voices.pdf"


def look(out: Path, workdir: Path, dpi: int) -> list[Shown]:
    sample_pdf, anthology_pdf = build(workdir)
    render = renderer(dpi)
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("anthology-*.png"), *out.glob("sample-*.png")]:
        old.unlink()  # what an earlier run showed, which may no longer be there
    shown = []
    for book, pdf, find in (("anthology", anthology_pdf, anthology_pages),
                            ("sample", sample_pdf, sample_pages)):
        printed = PrintedBook(pdf)
        for name, index in find(printed).items():
            png = out / f"{book}-{name}.png"
            render(pdf, index, png)
            shown.append(Shown(f"{book}-{name}", index, printed.pages[index].label, png))
    return shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "look",
                        help="where the PNGs go (default: bench/look/, ignored by git)")
    parser.add_argument("--workdir", type=Path,
                        help="build the books here and keep them (default: a temporary folder)")
    parser.add_argument("--dpi", type=int, default=70, help="resolution of the PNGs (default: 70)")
    args = parser.parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        shown = look(args.out, args.workdir, args.dpi)
    else:
        with tempfile.TemporaryDirectory(prefix="bookmaker-look-") as tmp:
            shown = look(args.out, Path(tmp), args.dpi)
    width = max(len(s.name) for s in shown)
    for s in shown:
        print(f"{s.name:<{width}}  p. {s.label:<6} {s.png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
