"""The EPUBCheck the tests use (tests/epubcheck_jvm.py: one Java VM for the run)
can fail: a book broken after it was written is reported (RSC-007, a link to a
file the book does not hold), and the run's next book is checked as before."""

from __future__ import annotations

import zipfile
from pathlib import Path

from bookmaker import Metadata, Person, assemble, read_article, write_book
from helpers import ROOT, epubcheck_many, epubcheck_messages


def _book(out: Path) -> Path:
    article = read_article(ROOT / "content" / "sample" / "offensive.txt")
    return write_book(assemble([article], Metadata(title=article.title,
                                                   authors=(Person("Leon Trotsky"),))),
                      out, "epub")


def _broken(good: Path, out: Path) -> Path:
    """The book with a link to a file it does not hold (EPUBCheck's RSC-007)."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("ch001.xhtml"):
                data = data.replace(b"</body>", b'<p><a href="missing.xhtml">x</a></p></body>')
            dst.writestr(info, data)
    return out


def test_a_broken_book_fails_and_the_next_passes(tmp_path: Path) -> None:
    good = _book(tmp_path / "good.epub")
    bad = _broken(good, tmp_path / "bad.epub")
    messages = epubcheck_messages(bad)
    assert any(m.startswith("ERROR RSC-007 ") and "missing.xhtml" in m for m in messages), messages
    assert epubcheck_messages(good) == []
    fatal, errors, _, text = epubcheck_many([bad])[str(bad)]
    assert fatal + errors >= 1 and "RSC-007" in text
