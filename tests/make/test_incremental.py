"""Incremental EPUB builds: after an edit, only the edited article is read and
rendered again, and the book is byte for byte the book a cold build makes; a
damaged cache entry is made again, never trusted."""

from __future__ import annotations

import logging
import shutil
import zipfile
from pathlib import Path

import pytest

from bookmaker.make.clean import clean
from bookmaker.make.run import build
from bookmaker.make.state import CACHE_DIR
from helpers import ROOT, epubcheck_messages

SPEC = """
[book]
title = "Three Articles"
authors = ["Leon Trotsky"]
date = "2016-01-05"

[front]
preface = "preface.md"

[options]
formats = ["epub"]
notes = "{notes}"

[[parts]]
title = "One"
articles = ["sample/offensive.txt", "sample/impossible.txt"]

[[parts]]
title = "Two"
articles = ["more/third.txt"]
"""


@pytest.fixture(params=["chapter", "book"])
def project(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "sample", content / "sample")
    (content / "more").mkdir()
    text = (content / "sample" / "offensive.txt").read_text(encoding="utf-8")
    (content / "more" / "third.txt").write_text(text.replace(
        "Let Us Reenforce Our Offensive!", "The Third Article", 1), encoding="utf-8")
    (content / "preface.md").write_text("# Preface\n\nWhy these.\n", encoding="utf-8")
    (content / "book.toml").write_text(SPEC.format(notes=request.param), encoding="utf-8")
    return tmp_path


def _append(path: Path, sentence: str) -> None:
    """A sentence added to the paragraph that follows the first speech turn "B."."""
    text = path.read_text(encoding="utf-8")
    at = text.index("\n\n", text.index("\nB. "))
    path.write_text(text[:at] + sentence + text[at:], encoding="utf-8")


def _build(project: Path, caplog: pytest.LogCaptureFixture, force: bool = False) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="bookmaker"):
        outcomes = build(project, force=force)
    assert [o.status for o in outcomes] == ["built"], outcomes
    return [r.getMessage() for r in caplog.records]


def _cold(project: Path) -> bytes:
    """The book as a build without any cache makes it."""
    shutil.rmtree(project / CACHE_DIR)
    build(project, force=True)
    return (project / "dist" / "three-articles.epub").read_bytes()


def test_an_edit_reads_and_renders_one_chapter_and_gives_the_cold_bytes(
        project: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = _build(project, caplog)
    assert sum(m.startswith("read ") for m in first) == 3
    _append(project / "content" / "sample" / "impossible.txt", " One more sentence.")
    again = _build(project, caplog)
    reads = [m for m in again if m.startswith("read ")]
    assert len(reads) == 1 and reads[0].endswith("impossible.txt")
    assert [m for m in again if m.startswith("epub: rendered")] == [
        "epub: rendered 1 of 3 chapters: ch002"]
    epub = project / "dist" / "three-articles.epub"
    incremental = epub.read_bytes()
    with zipfile.ZipFile(epub) as z:
        assert z.testzip() is None
        assert z.namelist()[0] == "mimetype"
        assert z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert "One more sentence." in z.read("EPUB/ch002.xhtml").decode()
    assert incremental == _cold(project)


def test_a_new_title_remakes_the_contents(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    _build(project, caplog)
    third = project / "content" / "more" / "third.txt"
    third.write_text(third.read_text(encoding="utf-8").replace(
        "The Third Article", "A Title Changed", 1), encoding="utf-8")
    _build(project, caplog)
    epub = project / "dist" / "three-articles.epub"
    incremental = epub.read_bytes()
    with zipfile.ZipFile(epub) as z:
        assert "A Title Changed" in z.read("EPUB/nav.xhtml").decode()
        assert "A Title Changed" in z.read("EPUB/toc.ncx").decode()
    assert incremental == _cold(project)


def test_a_damaged_cache_entry_is_made_again(project: Path,
                                             caplog: pytest.LogCaptureFixture) -> None:
    _build(project, caplog)
    cold = (project / "dist" / "three-articles.epub").read_bytes()
    entries = sorted(p for p in (project / CACHE_DIR).rglob("*")
                     if p.is_file() and (p.parent.parent.name in ("shells", "views", "members")
                                       or p.parent.name == "packs"))
    assert entries
    for i, entry in enumerate(entries):  # truncate some, garble the others
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if i % 2 else data[:40] + b"x" + data[41:])
    (project / "dist" / "three-articles.epub").unlink()  # built again, from the cache
    messages = _build(project, caplog)
    assert sum(m.startswith("read ") for m in messages) == 3  # none of them trusted
    assert (project / "dist" / "three-articles.epub").read_bytes() == cold


def test_the_incremental_book_passes_epubcheck(project: Path,
                                               caplog: pytest.LogCaptureFixture) -> None:
    _build(project, caplog)
    _append(project / "content" / "sample" / "impossible.txt", " Appended.")
    _build(project, caplog)
    assert epubcheck_messages(project / "dist" / "three-articles.epub") == []


def test_clean_removes_the_cache(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    _build(project, caplog)
    assert (project / CACHE_DIR / "parsed").is_dir() and (project / CACHE_DIR / "epub").is_dir()
    clean(project)
    assert not (project / CACHE_DIR).exists()


def test_the_code_a_book_is_made_by_is_the_whole_package() -> None:
    """A change to a reader, a writer or the renderer makes the books stale
    (and restarts a watch), not only a change to the make layer."""
    from bookmaker.make.plan import PACKAGE, code_files

    names = {p.relative_to(PACKAGE).as_posix() for p in code_files()}
    assert PACKAGE.name == "bookmaker"
    for module in ("writers/pdf/writer.py", "readers/mia/html.py", "render/blocks.py",
                   "model.py", "make/run.py"):
        assert module in names, module
