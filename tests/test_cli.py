"""The command line: inspect's JSON contract, one-off books, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookmaker.cli import cli

from helpers import ROOT, epub_docs, epubcheck_messages, pdf_pages

SAMPLE = ROOT / "content" / "sample"
KEYS = {"title", "subtitle", "authors", "date", "fields", "licence", "blocks", "notes", "warnings"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("seed", ["offensive.txt", "impossible.txt"])
def test_inspect_json_has_the_contract_keys(seed: str) -> None:
    code, out, _ = run("inspect", str(SAMPLE / seed), "--json")
    assert code == 0
    data = json.loads(out)
    assert KEYS <= set(data)
    assert isinstance(data["title"], str) and isinstance(data["authors"], list)
    assert data["licence"]["id"] == "CC-BY-SA-2.0"
    assert data["licence"]["statement"].startswith("Leon Trotsky Internet Archive (www.marxists.org)")
    assert all({"type", "text"} <= set(b) for b in data["blocks"])
    assert {b["type"] for b in data["blocks"]} >= {"paragraph"} or seed == "impossible.txt"
    assert list(data["fields"])[:2] == ["Written", "Source"]


def test_inspect_json_on_the_first_seed() -> None:
    data = json.loads(run("inspect", str(SAMPLE / "offensive.txt"), "--json")[1])
    assert data["authors"] == ["Leon Trotsky"]
    assert data["title"] == "Let Us Reenforce Our Offensive!"
    assert data["subtitle"] is None and data["date"] == "August 1932"
    assert data["blocks"][-2:] == [{"type": "dateline", "text": "Prinkipo, August 6th, 1932"},
                                   {"type": "signature", "text": "L. Trotsky"}]
    assert data["warnings"] == []


def test_inspect_json_on_the_second_seed() -> None:
    data = json.loads(run("inspect", str(SAMPLE / "impossible.txt"), "--json")[1])
    assert data["authors"] == [] and data["warnings"]
    assert data["subtitle"] == "(A Conversation)" and data["date"] == "July 1933"
    assert sum(b["type"] == "heading" for b in data["blocks"]) == 10
    assert data["notes"][0]["id"] == "1"
    assert data["notes"][0]["text"].startswith("Oustric: Notorious French financier")
    assert any("Oustric [1] on" in b["text"] for b in data["blocks"])


def test_markup_in_a_source_stays_literal_text(tmp_path: Path) -> None:
    source = tmp_path / "markup.txt"
    source.write_text("A. Writer\n\nOn <b>Markup</b> & AT&T\n\n(May 1930)\n\n"
                      "Source: Somewhere.\n\n"
                      "The page said <script>alert(1)</script> and AT&T and <b> plainly.\n\n"
                      "Last updated on: 1.1.2000", encoding="utf-8")
    code, _, err = run("book", str(source), "--title", "Markup <i>Test</i>", "--format",
                       "epub,pdf,html", "--out", str(tmp_path / "out"))
    assert code == 0, err
    epub = next((tmp_path / "out").glob("*.epub"))
    assert epubcheck_messages(epub) == []
    chapter = epub_docs(epub)["EPUB/ch001.xhtml"]
    text = "".join(chapter.itertext())
    assert "The page said <script>alert(1)</script> and AT&T and <b> plainly." in text
    assert "On <b>Markup</b> & AT&T" in text
    assert not chapter.findall(".//{http://www.w3.org/1999/xhtml}script")
    pdf_text = " ".join(pdf_pages(next((tmp_path / "out").glob("*.pdf"))))
    assert "<script>alert(1)</script>" in pdf_text and "AT&T" in pdf_text
    html = next((tmp_path / "out").glob("*.html")).read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_book_writes_the_named_formats(tmp_path: Path) -> None:
    code, _, err = run("book", str(SAMPLE / "offensive.txt"), str(SAMPLE / "impossible.txt"),
                       "--title", "Two", "--author", "Leon Trotsky", "--format", "epub",
                       "--out", str(tmp_path))
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == ["two.epub"]


def test_missing_article_is_a_source_error(tmp_path: Path) -> None:
    code, _, err = run("book", str(tmp_path / "nope.txt"), "--title", "X", "--out", str(tmp_path))
    assert code == 4
    assert "nope.txt" in err and "not found" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_is_an_output_error(tmp_path: Path) -> None:
    code, _, err = run("book", str(SAMPLE / "offensive.txt"), "--title", "X", "--format", "docx",
                       "--out", str(tmp_path))
    assert code == 6 and "docx" in err and "epub" in err


def test_unknown_suffix_is_a_source_error(tmp_path: Path) -> None:
    odd = tmp_path / "article.xyz"
    odd.write_text("hello")
    code, _, err = run("inspect", str(odd))
    assert code == 4 and "article.xyz" in err and ".txt" in err
