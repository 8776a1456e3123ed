"""Shared helpers for the tests: building sample books and reading outputs."""

from __future__ import annotations

import re
import shutil
import sys
import unicodedata
import zipfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}


def copy_project(dest: Path, formats: tuple[str, ...] | None = None) -> Path:
    """A copy of the repository's content/ in a fresh project folder; with
    `formats`, the sample book's spec asks for those formats only."""
    shutil.copytree(ROOT / "content", dest / "content")
    if formats is not None:
        spec = dest / "content" / "sample.toml"
        text = spec.read_text(encoding="utf-8")
        line = re.search(r"^formats = \[.*\]$", text, flags=re.M)
        assert line is not None, "the sample spec names its formats"
        listed = ", ".join(f'"{f}"' for f in formats)
        spec.write_text(text[:line.start()] + f"formats = [{listed}]" + text[line.end():],
                        encoding="utf-8")
    return dest


class KeptProject:
    """A built project and a copy of it as built, put back for each test that
    starts from that build. The cache records absolute paths (the state's files
    and targets, the ledgers' owners, the PDF parts' base folder): in a copy
    elsewhere the books were "never built here", so the project goes back
    where it was built, never elsewhere."""

    def __init__(self, project: Path, kept: Path) -> None:
        self.project, self.kept = project, kept
        shutil.copytree(project, kept, symlinks=True)

    def clear(self) -> Path:
        """The project's folder emptied (and made): for a cache folder to be mounted in."""
        shutil.rmtree(self.project, ignore_errors=True)
        self.project.mkdir()
        return self.project

    def restore(self, clear: bool = True) -> Path:
        """The project as its build left it, at its own path; without `clear`,
        copied into what is there (a file system mounted for its cache)."""
        if clear:
            self.clear()
        shutil.copytree(self.kept, self.project, symlinks=True, dirs_exist_ok=True)
        return self.project


def epub_docs(path: Path) -> dict[str, etree._Element]:
    """Every XML member of an EPUB, parsed."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
                out[name] = etree.fromstring(z.read(name))
    return out


def epubcheck_messages(path: Path) -> list[str]:
    """EPUBCheck's messages on the book, from the test run's one Java VM."""
    import epubcheck_jvm

    return [f"{m.level} {m.id} {m.location}: {m.message}" for m in epubcheck_jvm.check(path)]


def epubcheck_many(paths: list[Path]) -> dict[str, tuple[int, int, int, str]]:
    """EPUBCheck on every book: {path: (fatal errors, errors, warnings, messages)},
    as `bench/corpus.py`'s `epubcheck_many` gives it, from the run's one Java VM."""
    import epubcheck_jvm

    return {str(path): epubcheck_jvm.counts(epubcheck_jvm.check(path)) for path in paths}


def run_cli(*args: str) -> tuple[int, str, str]:
    """`bookmaker ARGS` in this process: (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    from bookmaker.cli import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def assert_golden(golden: Path, got: str, update: bool) -> None:
    """`got` is the golden file's text; with --update-golden (`update`), it becomes it.
    A mismatch shows a unified diff of the two, golden first."""
    import difflib

    import pytest

    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
        return
    if not golden.exists():
        pytest.fail(f"no golden file {golden.relative_to(ROOT)}; make it with --update-golden",
                    pytrace=False)
    want = golden.read_text(encoding="utf-8")
    if got != want:
        diff = list(difflib.unified_diff(want.splitlines(), got.splitlines(), "golden", "now",
                                         lineterm="", n=2))
        shown = "\n".join(diff[:120]) + ("\n..." if len(diff) > 120 else "")
        pytest.fail(f"{golden.relative_to(ROOT)} differs (rerun with --update-golden if the "
                    f"change is meant):\n{shown}", pytrace=False)


def squash(text: str) -> str:
    """Text with layout removed, to compare what a PDF shows with its source.

    Line-end hyphenation and every space, hyphen and dash go, since the PDF
    may break words and lines anywhere.
    """
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\-\u00ad\u2010\u2011\u2013\u2014]+", "", text)


def pdf_pages(path: Path, body_only: bool = False) -> list[str]:
    """The text of each page; with body_only, without what lies in the margins
    (running heads and folios), so that text broken across pages joins up.

    Read with PDFium (pypdfium2), some thirty times faster than pypdf on a long
    book; its line ends become "\\n", and the hyphen where a word breaks at a
    line's end, which it gives as U+FFFE (or U+0002 in a part of a page), a
    hyphen again."""
    import pypdfium2 as pdfium

    pages = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            text = page.get_textpage()
            if body_only:
                width, height = page.get_size()
                got = text.get_text_bounded(0, height * 0.085, width, height * 0.915)
            else:
                got = text.get_text_range()
            pages.append(got.replace("\r\n", "\n").replace("\ufffe", "-").replace("\x02", "-"))
    finally:
        pdf.close()  # and its pages and text pages with it
    return pages


def load_bench(name: str):  # noqa: ANN201 - a module
    """A script of bench/ imported as a module (bench/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def check_article(article: object) -> None:
    """What any article a reader accepts must be: titled, every call tied to a
    note, and JSON-ready for `bookmaker inspect --json`."""
    import json

    from bookmaker.inspect import article_to_dict
    from bookmaker.model import Article, Heading, NoteRef, Paragraph, Speech, Table

    assert isinstance(article, Article) and article.title.strip()
    ids = {n.id for n in article.notes}
    for block in article.blocks:
        contents = [block.content] if isinstance(block, (Paragraph, Heading, Speech)) else []
        if isinstance(block, Table):
            contents = [block.caption] + [cell.content for row in block.rows for cell in row]
        for content in contents:
            assert all(i.note_id in ids for i in content if isinstance(i, NoteRef))
    json.dumps(article_to_dict(article))
