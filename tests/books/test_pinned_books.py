"""The books' bytes are pinned: the sample book and a 50-article book (made by
`bench/generate.py` from the seeds and the MIA text corpus), each in every
built-in format, built with a fixed SOURCE_DATE_EPOCH, must have exactly the
SHA-256 recorded in `tests/golden/pinned-books.json`.

A change that is not meant to alter any book (a refactoring, a move of code,
a faster path) must leave this test green. A change that is meant to alter
books updates the record, and its commit says why the books changed:

    .venv/bin/python -m pytest tests/books/test_pinned_books.py --update-golden

The bytes are also the libraries': a new fontTools subsets the same glyphs
into other bytes. So the record names the versions of the libraries that
write books ("made with"), and beside each PDF's SHA-256 keeps a digest of
the PDF without its font programs (every other object: pages, text, glyph
widths, fonts' names and glyph sets). Where the installed versions are the
record's, every book must have its pinned bytes; where they differ (a fresh
install took a newer release), the EPUB and HTML editions must still have
their bytes, and each PDF its digest without font programs, so that a change
of ours still shows and a release of theirs alone does not fail the suite.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest

from conftest import GOLDEN, ROOT, SHARED

_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
assert _spec and _spec.loader
generate = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = generate  # its dataclasses look their module up
_spec.loader.exec_module(generate)

PINNED = GOLDEN / "pinned-books.json"
EPOCH = "1700000000"
FORMATS = ("epub", "pdf", "html")
ARTICLES = 50
# The libraries whose releases can change a book's bytes with no change of ours.
MADE_WITH = ("weasyprint", "pydyf", "fonttools", "pyphen", "pillow", "ebooklib", "lxml",
             "jinja2", "markdown-it-py", "zopfli", "brotli")


def _made_with() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in MADE_WITH}


def _font_programs(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """The embedded font programs of an open PDF."""
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            yield from (obj[key] for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in obj)


def _without_font_programs(path: Path) -> str:
    """The SHA-256 of the PDF with its embedded font programs emptied and saved
    with a fixed /ID: what a library's new subsetter does not change."""
    with pikepdf.open(path) as pdf:
        for program in _font_programs(pdf):
            program.write(b"")
            for length in ("/Length1", "/Length2", "/Length3"):
                if length in program:
                    del program[length]
        out = io.BytesIO()
        pdf.save(out, static_id=True)
    return hashlib.sha256(out.getvalue()).hexdigest()


def _ours(name: str, digests: dict[str, str]) -> dict[str, str]:
    """What another release of the libraries leaves alone: a PDF's digest
    without font programs, every other book's SHA-256."""
    return {k: v for k, v in digests.items() if k != "sha256" or not name.endswith(".pdf")}


def _all_formats(spec: Path) -> None:
    text = spec.read_text(encoding="utf-8")
    text = re.sub(r"^formats = \[.*\]$", "formats = " + json.dumps(list(FORMATS)), text,
                  count=1, flags=re.M)
    spec.write_text(text, encoding="utf-8")


def _build(project: Path) -> dict[str, Path]:
    """Build in a process of its own (as a user would), every format; the books."""
    env = {"SOURCE_DATE_EPOCH": EPOCH, "BOOKMAKER_NO_SERVER": "1", "PATH": "/usr/bin:/bin",
           "LANG": "C.UTF-8", "TZ": "UTC"}
    done = subprocess.run([sys.executable, "-m", "bookmaker", "-q", "build", "-C", str(project),
                           "-o", str(project / "dist")], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return {p.name: p for p in sorted((project / "dist").iterdir()) if p.name != "SHA256SUMS"}


def _digests(path: Path) -> dict[str, str]:
    """The book's SHA-256, and a PDF's without its font programs."""
    out = {"sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    if path.suffix == ".pdf":
        out["without font programs"] = _without_font_programs(path)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not (SHARED / "corpus" / "mia-text").is_dir():
        pytest.fail("the MIA text corpus is missing beside the project (../shared/corpus)")
    sample = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "content", sample / "content")
    _all_formats(sample / "content" / "sample.toml")
    fifty = generate.make_project(tmp_path_factory.mktemp("fifty"), ARTICLES)
    # One spec in every format (the generator writes one spec a format).
    (fifty / "content" / f"bench-{ARTICLES}-epub.toml").unlink()
    _all_formats(fifty / "content" / f"bench-{ARTICLES}-pdf.toml")
    return {**_build(sample), **_build(fifty)}


@pytest.fixture(scope="module")
def books(built: dict[str, Path]) -> dict[str, dict[str, str]]:
    return {name: _digests(path) for name, path in built.items()}


def test_the_books_have_their_pinned_bytes(books: dict[str, dict[str, str]],
                                          update_golden: bool) -> None:
    expected_names = {f"{slug}.{fmt}" for slug in ("trotsky-two-articles", f"bench-{ARTICLES}-pdf")
                      for fmt in FORMATS}
    assert set(books) == expected_names
    if update_golden:
        record = {"made with": _made_with(), "books": books}
        PINNED.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    now = _made_with()
    other = {name: (pinned["made with"].get(name), version) for name, version in now.items()
             if pinned["made with"].get(name) != version}
    if not other:
        changed = sorted(name for name in books if pinned["books"].get(name) != books[name])
    else:  # a PDF's font programs are the subsetter's: the rest is still ours
        print("made with other versions than the record's (recorded, installed):", other)
        changed = sorted(name for name, got in books.items()
                         if _ours(name, pinned["books"].get(name, {})) != _ours(name, got))
    assert not changed, (f"these books' bytes changed: {changed}"
                         + (f" (made with other versions, recorded and installed: {other})"
                            if other else "")
                         + "; if that is meant, rerun with --update-golden and say why in "
                         "the commit")


def test_a_pdf_without_its_font_programs_is_the_same_whatever_subset_them(
        built: dict[str, Path], books: dict[str, dict[str, str]], tmp_path: Path) -> None:
    """The digest the record falls back on leaves out the font programs and
    nothing else: another subset of the same glyphs gives the same digest, a
    changed page does not."""
    book = tmp_path / "book.pdf"
    shutil.copy(built["trotsky-two-articles.pdf"], book)
    sample = books["trotsky-two-articles.pdf"]
    with pikepdf.open(book, allow_overwriting_input=True) as pdf:
        for program in _font_programs(pdf):
            program.write(program.read_bytes() + b"\0" * 1252)  # as fontTools 4.69 did
        pdf.save(book)
    resubset = _without_font_programs(book)
    assert hashlib.sha256(book.read_bytes()).hexdigest() != sample["sha256"]
    assert resubset == sample["without font programs"]
    with pikepdf.open(book, allow_overwriting_input=True) as pdf:
        pdf.pages[-1].contents_add(pikepdf.Stream(pdf, b"q Q"))  # a page's drawing changed
        pdf.save(book)
    assert _without_font_programs(book) != resubset
