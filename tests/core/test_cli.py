"""The command line: inspect's JSON contract, one-off books, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import ROOT, epub_docs, epubcheck_messages, pdf_pages, run_cli as run

SAMPLE = ROOT / "content" / "sample"
KEYS = {"title", "subtitle", "authors", "date", "fields", "licence", "blocks", "notes", "warnings",
        "source"}
# The block types of the contract, and the keys each adds to "type" and "text".
BLOCK_KEYS = {"heading": {"level"}, "paragraph": set(), "quote": set(), "list": set(),
              "speech": {"speaker"}, "dateline": set(), "signature": set(), "separator": set(),
              "preformatted": set(), "figure": set(), "table": {"caption", "rows"}}




def optional(value: object, kind: type) -> bool:
    return value is None or isinstance(value, kind)


@pytest.mark.parametrize("seed,types", [
    ("offensive.txt", {"paragraph", "dateline", "signature"}),
    ("impossible.txt", {"paragraph", "heading", "speech", "dateline"})])
def test_inspect_json_has_the_contract_keys(seed: str, types: set[str]) -> None:
    code, out, _ = run("inspect", str(SAMPLE / seed), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == KEYS
    assert isinstance(data["title"], str) and data["title"]
    assert optional(data["subtitle"], str) and optional(data["date"], str)
    assert isinstance(data["authors"], list) and all(isinstance(a, str) for a in data["authors"])
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in data["fields"].items())
    assert list(data["fields"])[:2] == ["Written", "Source"]
    assert set(data["licence"]) == {"id", "name", "statement"}
    assert data["licence"]["id"] == "CC-BY-SA-2.0"
    assert data["licence"]["statement"].startswith("Leon Trotsky Internet Archive (www.marxists.org)")
    assert {b["type"] for b in data["blocks"]} == types
    for block in data["blocks"]:
        assert {"type", "text"} | BLOCK_KEYS[block["type"]] <= set(block), block
        assert isinstance(block["text"], str)
    assert all(set(n) == {"id", "text"} for n in data["notes"])
    assert all(isinstance(w, str) for w in data["warnings"])
    assert isinstance(data["source"], str)


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
    code, _, err = run("book", str(source), "--title", "Markup <i>Test</i>",
                       "--licence-reason", "a test text, never distributed", "--format",
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


# --- build, clean and exit codes (issue 5) -----------------------------------------------------

BUILD_SPEC = """[book]
title = "Small Book"
authors = ["Leon Trotsky"]
licence = "CC-BY-SA-2.0"

[options]
formats = ["html"]

[[articles]]
path = "sample/*.txt"
"""


def small_project(root: Path, spec: str = BUILD_SPEC) -> Path:
    import shutil
    shutil.copytree(SAMPLE, root / "content" / "sample")
    (root / "content" / "small.toml").write_text(spec, encoding="utf-8")
    return root


def test_build_then_nothing_to_do(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    code, _, err = run("build", "-C", str(root))
    assert code == 0, err
    assert f"built {root / 'dist' / 'small-book.html'} (output missing)" in err
    assert (root / "dist" / "SHA256SUMS").exists()
    code, _, err = run("build", "-C", str(root))
    assert code == 0 and err.strip() == "nothing to do: every book is up to date"


def test_quiet_and_verbose(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    code, out, err = run("-q", "build", "-C", str(root))
    assert code == 0 and out == "" and err == ""
    code, _, err = run("build", "-v", "-C", str(root))
    assert code == 0 and "small-book.html is up to date" in err
    code, _, err = run("build", "-q", "-C", str(root), "--force")
    assert code == 0 and err == ""


def test_dry_run_prints_what_and_why_and_writes_nothing(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    code, out, _ = run("build", "-n", "-C", str(root))
    assert code == 0
    assert out == f"would build {root / 'dist' / 'small-book.html'} (output missing)\n"
    assert sorted(p.name for p in root.iterdir()) == ["content"]
    run("build", "-C", str(root))
    code, out, _ = run("build", "--dry-run", "-C", str(root))
    assert out == "nothing to do: every book is up to date\n"


def test_parallel_build_from_the_command_line(tmp_path: Path) -> None:
    root = small_project(tmp_path, BUILD_SPEC.replace('["html"]', '["html", "epub"]'))
    code, _, err = run("build", "-j", "2", "-C", str(root))
    assert code == 0, err
    assert sorted(p.name for p in (root / "dist").iterdir()) == [
        "SHA256SUMS", "small-book.epub", "small-book.html"]


def test_clean_from_the_command_line(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    run("build", "-C", str(root))
    code, _, err = run("clean", "-C", str(root))
    assert code == 0 and "removed" in err and "small-book.html" in err
    assert sorted(p.name for p in root.iterdir()) == ["content"]


def test_exit_0_on_success(tmp_path: Path) -> None:
    assert run("build", "-C", str(small_project(tmp_path)))[0] == 0


def test_exit_1_on_an_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(sys.modules["bookmaker.make.run"], "load_book", broken)
    root = small_project(tmp_path)
    code, _, err = run("build", "-C", str(root))
    assert code == 1
    assert "internal error: RuntimeError: a bug" in err and "-v" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    code, _, err = run("-v", "build", "-C", str(root))
    assert code == 1 and "Traceback" in err


@pytest.mark.parametrize("args", [["build", "-j", "-1"], ["build", "--bogus"], ["nope"],
                                  ["book", "x.txt"]])
def test_exit_2_on_a_wrong_command_line(args: list[str]) -> None:
    code, _, err = run(*args)
    assert code == 2 and "Usage:" in err


def test_exit_3_on_a_bad_spec(tmp_path: Path) -> None:
    root = small_project(tmp_path, BUILD_SPEC.replace('title = "Small Book"', "title = 3"))
    code, _, err = run("build", "-C", str(root))
    assert code == 3
    assert err.strip() == (f"bookmaker: error: {root / 'content' / 'small.toml'} [book.title]: "
                           "found 3; expected a non-empty string")


def test_exit_3_on_bad_toml_with_its_line(tmp_path: Path) -> None:
    root = small_project(tmp_path, BUILD_SPEC.replace("[options]", "[options"))
    code, _, err = run("build", "-C", str(root))
    assert code == 3 and f"{root / 'content' / 'small.toml'}:6: not valid TOML" in err


def test_exit_4_on_a_malformed_source(tmp_path: Path) -> None:
    root = small_project(tmp_path, BUILD_SPEC.replace("sample/*.txt", "sample/empty.txt"))
    (root / "content" / "sample" / "empty.txt").write_text("\n\n")
    code, _, err = run("build", "-C", str(root))
    assert code == 4
    assert "empty.txt" in err and "no text" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (root / "dist" / "small-book.html").exists()


def test_exit_4_on_an_unreadable_markdown_source(tmp_path: Path) -> None:
    root = small_project(tmp_path, BUILD_SPEC.replace("sample/*.txt", "bad.md"))
    (root / "content" / "bad.md").write_bytes(b"# Title\n\ncaf\xe9\n")
    code, _, err = run("build", "-C", str(root))
    assert code == 4 and "bad.md:3: not UTF-8" in err


def test_exit_5_on_an_unknown_licence(tmp_path: Path) -> None:
    root = small_project(tmp_path, BUILD_SPEC.replace('"CC-BY-SA-2.0"', '"CC-BY-SA-9.0"'))
    code, _, err = run("build", "-C", str(root))
    assert code == 5 and "[book.licence]" in err and "unknown licence 'CC-BY-SA-9.0'" in err


def test_exit_6_when_the_output_cannot_be_written(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    (root / "dist").write_text("a file where the folder should be")
    code, _, err = run("build", "-C", str(root))
    assert code == 6 and "small-book.html" in err and "cannot write" in err


def test_book_reads_markdown_articles(tmp_path: Path) -> None:
    article = tmp_path / "essay.md"
    article.write_text("---\nlicence: CC-BY-SA-2.0\n---\n# An Essay\n\nWith <i>markup</i> kept as text.\n",
                       encoding="utf-8")
    code, _, err = run("book", str(article), str(SAMPLE / "offensive.txt"), "--title", "Mixed",
                       "--author", "Editor", "--format", "html", "--out", str(tmp_path / "out"))
    assert code == 0, err
    html = (tmp_path / "out" / "mixed.html").read_text()
    assert "An Essay" in html and "&lt;i&gt;markup&lt;/i&gt;" in html


def test_an_article_without_a_licence_stops_a_one_off_book(tmp_path: Path) -> None:
    source = tmp_path / "free.txt"
    source.write_text("A. Writer\n\nUnlicensed\n\n(May 1930)\n\nSource: Somewhere.\n\n"
                      "A paragraph of text.", encoding="utf-8")
    code, _, err = run("book", str(source), "--title", "X", "--format", "epub", "--out", str(tmp_path / "o"))
    assert code == 5 and "free.txt" in err and "no licence statement" in err
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())
    code, _, err = run("book", str(source), "--title", "X", "--format", "epub", "--out",
                       str(tmp_path / "o"), "--licence-reason", "the author's written permission")
    assert code == 0, err
    credits = epub_docs(next((tmp_path / "o").glob("*.epub")))["EPUB/credits.xhtml"]
    assert "the author's written permission" in "".join(credits.itertext())
