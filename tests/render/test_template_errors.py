"""A book's own templates and themes: their mistakes are `TemplateError`s (exit 3)
naming the template file and line, with no traceback and no half-written book."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookmaker.cli import cli
from bookmaker.errors import EXIT_SPEC, BookmakerError, TemplateError
from bookmaker.theme import styles_root

from helpers import ROOT

SAMPLE = ROOT / "content" / "sample"

SPEC = """[book]
title = "Small Book"
authors = ["Leon Trotsky"]
licence = "CC-BY-SA-2.0"

[options]
formats = ["{fmt}"]
{options}

[[articles]]
path = "sample/offensive.txt"
"""


def project(root: Path, fmt: str = "html", options: str = 'theme = "mine"') -> Path:
    """A project with a copy of the default theme, as `content/mine`."""
    (root / "content").mkdir(parents=True)
    shutil.copytree(SAMPLE, root / "content" / "sample")
    shutil.copytree(styles_root() / "default", root / "content" / "mine")
    (root / "content" / "small.toml").write_text(SPEC.format(fmt=fmt, options=options),
                                                 encoding="utf-8")
    return root


def templates(root: Path) -> Path:
    return root / "content" / "mine" / "templates"


def build(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", "-C", str(root)], catch_exceptions=False)
    return result.exit_code, result.stderr


def insert_line(path: Path, line: int, text: str) -> None:
    """`text` as line `line` (1-based) of the template."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(line - 1, text + "\n")
    path.write_text("".join(lines), encoding="utf-8")


def assert_clean_failure(root: Path, err: str, where: str) -> None:
    assert "Traceback" not in err and "internal error" not in err, err
    assert where in err, err
    assert len(err.strip().splitlines()) == 1, err
    dist = root / "dist"
    assert not dist.exists() or not any(dist.iterdir()), list(dist.iterdir())


def test_the_error_is_a_spec_problem() -> None:
    error = TemplateError("undefined name", path="t/_chapter.j2", line=4)
    assert isinstance(error, BookmakerError) and error.exit_code == EXIT_SPEC == 3
    assert str(error) == "t/_chapter.j2:4: undefined name"


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_an_undefined_name_in_a_theme_template(tmp_path: Path, fmt: str) -> None:
    root = project(tmp_path, fmt=fmt)
    chapter = templates(root) / "_chapter.j2"
    insert_line(chapter, 3, "<p>{{ no_such_name }}</p>")
    code, err = build(root)
    assert code == 3
    assert_clean_failure(root, err, f"{chapter}:3: undefined name in a template:")
    assert "no_such_name" in err


def test_an_undefined_attribute_deep_in_an_include(tmp_path: Path) -> None:
    root = project(tmp_path)
    imprint = templates(root) / "_imprint.j2"
    insert_line(imprint, 7, "<p>{{ meta.no_such_field }}</p>")
    code, err = build(root)
    assert code == 3
    assert_clean_failure(root, err, f"{imprint}:7: undefined name in a template:")
    assert "no_such_field" in err


def test_a_syntax_error_in_the_book_s_own_templates(tmp_path: Path) -> None:
    root = project(tmp_path, options='templates = "own"')
    own = root / "content" / "own"
    own.mkdir()
    (own / "_toc.j2").write_text("<nav>\n{% for e in toc %}\n<p>{{ e.title }</p>\n",
                                 encoding="utf-8")
    code, err = build(root)
    assert code == 3
    assert_clean_failure(root, err, f"{own / '_toc.j2'}:3: template syntax error:")


def test_a_template_the_theme_lacks_is_the_default_themes(tmp_path: Path) -> None:
    root = project(tmp_path)
    (templates(root) / "book.html.j2").unlink()
    code, err = build(root)
    assert code == 0, err
    assert (root / "dist" / "small-book.html").is_file()


def test_a_template_no_theme_has(tmp_path: Path) -> None:
    root = project(tmp_path)
    insert_line(templates(root) / "book.html.j2", 18, '{% include "_nowhere.j2" %}')
    code, err = build(root)
    assert code == 3
    assert_clean_failure(root, err, "template _nowhere.j2 not found in")
    assert str(templates(root)) in err and str(styles_root() / "default" / "templates") in err


def test_an_include_the_theme_lacks_names_the_including_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    book = templates(root) / "book.html.j2"
    insert_line(book, 18, '{% include "_nowhere.j2" %}')
    code, err = build(root)
    assert code == 3
    assert_clean_failure(root, err, f"{book}:18: template _nowhere.j2 not found in")


def test_an_epub_page_template_with_an_undefined_name(tmp_path: Path) -> None:
    root = project(tmp_path, fmt="epub")
    credits = templates(root) / "_credits.j2"
    insert_line(credits, 1, "{{ credits_typo }}")
    code, err = build(root)
    assert code == 3
    assert_clean_failure(root, err, f"{credits}:1: undefined name in a template:")


@pytest.mark.parametrize("name", ["segment", "toc_breaks", "credit_breaks", "credits_page",
                                  "colophon"])
def test_the_html_and_epub_contexts_carry_no_print_names(name: str) -> None:
    from bookmaker.model import Book, Metadata
    from bookmaker.render.context import book_context
    from bookmaker.theme import load_theme
    from bookmaker.writers.pdf.context import print_context

    book = Book(Metadata("T"), ())
    theme = load_theme("default")
    assert name not in book_context(book, theme, [], [])
    assert name in print_context(book, theme, [], [])
