"""Book specs: what a valid spec gives, and every way a spec can be wrong.

Each error names the file, the key, what was found and what is allowed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bookmaker.errors import EXIT_LICENCE, EXIT_SPEC, LicenceError, SpecError
from bookmaker.make.spec import load_spec, slugify

from helpers import ROOT

SAMPLE = ROOT / "content" / "sample"
GOOD_BOOK = '[book]\ntitle = "A Book"\nauthors = ["Leon Trotsky"]\n'
GOOD_ARTICLES = '[[articles]]\npath = "sample/offensive.txt"\n'


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A content/ folder holding the two sample articles and a preface."""
    folder = tmp_path / "content"
    shutil.copytree(SAMPLE, folder / "sample")
    (folder / "preface.md").write_text("# Preface\n\nWhy this book.\n", encoding="utf-8")
    return folder


def spec(content: Path, text: str, name: str = "book.toml") -> Path:
    path = content / name
    path.write_text(text, encoding="utf-8")
    return path


def fails(path: Path, key: str | None, *words: str, kind: type = SpecError) -> str:
    with pytest.raises(kind) as info:
        load_spec(path)
    err = info.value
    assert err.path == str(path.resolve())
    assert err.key == key
    message = str(err)
    assert str(path.resolve()) in message and (key is None or f"[{key}]" in message)
    for word in words:
        assert word in message, message
    assert "\n" not in message
    return message


# --- a valid spec ------------------------------------------------------------------------

def test_the_sample_spec_loads() -> None:
    s = load_spec(ROOT / "content" / "sample.toml")
    assert s.slug == "trotsky-two-articles"
    assert s.metadata.title == "Two Articles, 1932–1933"
    assert [p.name for p in s.metadata.authors] == ["Leon Trotsky"]
    assert s.metadata.licence and s.metadata.licence.id == "CC-BY-SA-2.0"
    assert [a.path.name for a in s.articles] == ["offensive.txt", "impossible.txt"]
    assert s.formats == ("epub", "pdf") and s.theme == "default" and s.notes == "chapter"


def test_every_key_of_a_full_spec(content: Path) -> None:
    theme = content / "mytheme"
    shutil.copytree(ROOT / "bookmaker" / "themes" / "default", theme)
    (content / "templates").mkdir()
    path = spec(content, """
[book]
title = "Full"
subtitle = "Everything"
authors = ["A One", "B Two"]
editors = "E Editor"
translators = ["T Translator"]
language = "de-CH"
identifier = "urn:isbn:9780000000000"
publisher = "P"
date = 2020-02-29
series = "S"
description = "D"
subjects = ["x", "y"]
licence = "CC-BY-4.0"
slug = "full-book"

[front]
preface = "preface.md"

[options]
formats = ["epub", "html"]
theme = "mytheme"
templates = "templates"
notes = "book"

[options.pdf]
trim = "140x216mm"
variant = "pdf/a-3b"
bleed = "3mm"
marks = "crop cross"

[options.epub]
notes = "chapter"

[[articles]]
path = "sample/impossible.txt"
title = "Impossible"
subtitle = "Sub"
author = "Someone"
date = "1933-07"
licence = "CC-BY-4.0"
licence_reason = "Relicensed with the transcriber's permission."

[[articles]]
path = "sample/*.txt"
""")
    s = load_spec(path)
    md = s.metadata
    assert (md.title, md.subtitle, md.language, md.date) == ("Full", "Everything", "de-CH", "2020-02-29")
    assert [(p.name, p.role) for p in md.authors + md.editors + md.translators] == [
        ("A One", "aut"), ("B Two", "aut"), ("E Editor", "edt"), ("T Translator", "trl")]
    assert md.identifier == "urn:isbn:9780000000000" and md.subjects == ("x", "y")
    assert (md.publisher, md.series, md.description) == ("P", "S", "D")
    assert md.licence and md.licence.id == "CC-BY-4.0"
    assert s.slug == "full-book" and s.formats == ("epub", "html") and s.notes == "book"
    assert s.theme == str(theme.resolve()) and s.templates == (content / "templates").resolve()
    assert s.front == (("preface", (content / "preface.md").resolve()),)
    assert s.format_options["pdf"] == {"trim": "140x216mm", "variant": "pdf/a-3b", "bleed": "3mm",
                                       "marks": "crop cross"}
    # each writer's options, typed by the writer and checked once; the table of
    # a writer not among the formats is checked all the same
    pdf, epub, html = (s.writer_options[n] for n in ("pdf", "epub", "html"))
    assert (pdf.trim, pdf.variant, pdf.bleed, pdf.marks, pdf.layout) == (
        "140x216mm", "pdf/a-3b", "3mm", "crop cross", "auto")
    assert epub.notes == "chapter"  # [options.epub] over [options]
    assert type(html).__name__ == "WriteOptions" and not hasattr(html, "notes")
    for options in (pdf, epub, html):
        assert (options.theme, options.templates, options.base_dir) == (
            str(theme.resolve()), (content / "templates").resolve(), content.resolve())
    # the glob skips the file listed before it
    assert [a.path.name for a in s.articles] == ["impossible.txt", "offensive.txt"]
    first = s.articles[0]
    assert first.title == "Impossible" and first.authors and first.authors[0].name == "Someone"
    assert first.licence and first.licence.id == "CC-BY-4.0" and first.licence_reason
    assert first.date == "1933-07"


def test_parts_group_articles(content: Path) -> None:
    path = spec(content, GOOD_BOOK + """
[[parts]]
title = "One"
articles = ["sample/offensive.txt"]

[[parts]]
title = "Two"
articles = [{ path = "sample/impossible.txt", title = "T" }]
""")
    s = load_spec(path)
    assert s.parts == ("One", "Two")
    assert [(a.path.name, a.part) for a in s.articles] == [("offensive.txt", 0), ("impossible.txt", 1)]
    assert s.articles[1].title == "T"


def test_slug_defaults_to_the_title() -> None:
    assert slugify("Two Articles, 1932–1933") == "two-articles-1932-1933"
    assert slugify("Ça va? Über!") == "ca-va-uber"
    assert slugify("!!!") == "book"


# --- every error path ------------------------------------------------------------------------

def test_bad_toml_names_the_line(content: Path) -> None:
    path = spec(content, '[book]\ntitle = "X"\nauthors = [\n"A",\n"B"\nlicence = 3\n')
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert info.value.line is not None and info.value.line >= 6
    assert f"{path.resolve()}:{info.value.line}" in str(info.value)
    assert "not valid TOML" in str(info.value) and "column" in str(info.value)


def test_missing_spec_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no such book spec"):
        load_spec(tmp_path / "nope.toml")


@pytest.mark.parametrize("text, key, words", [
    ('[bok]\ntitle = "X"\n', "bok", ["unknown key 'bok'", "did you mean 'book'", "allowed:"]),
    (GOOD_BOOK + 'titel = "Y"\n' + GOOD_ARTICLES, "book.titel", ["did you mean 'title'"]),
    (GOOD_BOOK + GOOD_ARTICLES + 'athor = "X"\n', "articles[0].athor", ["did you mean 'author'"]),
    (GOOD_BOOK + GOOD_ARTICLES + '[options]\nformat = ["epub"]\n', "options.format",
     ["did you mean 'formats'"]),
    (GOOD_BOOK + GOOD_ARTICLES + '[options.pdf]\ntrim = "A5"\ncolour = "red"\n',
     "options.pdf.colour", ["allowed: bleed, layout, marks, trim, variant"]),
    (GOOD_BOOK + '[[parts]]\ntitle = "P"\narticles = ["sample/offensive.txt"]\nname = "x"\n',
     "parts[0].name", ["allowed: articles, title"]),
    (GOOD_BOOK + GOOD_ARTICLES + '[front]\nforeword = "preface.md"\n', "front.foreword",
     ["allowed: dedication, epigraph, preface"]),
])
def test_unknown_keys(content: Path, text: str, key: str, words: list[str]) -> None:
    fails(spec(content, text), key, *words)


@pytest.mark.parametrize("text, key, words", [
    ('[book]\ntitle = 3\n' + GOOD_ARTICLES, "book.title", ["found 3", "expected a non-empty string"]),
    ('[book]\ntitle = ""\n' + GOOD_ARTICLES, "book.title", ["expected a non-empty string"]),
    (GOOD_BOOK.replace('["Leon Trotsky"]', "42") + GOOD_ARTICLES, "book.authors",
     ["found 42", "a name or a list of names"]),
    ('[book]\ntitle = "X"\nsubjects = [1, 2]\n' + GOOD_ARTICLES, "book.subjects",
     ["found [1, 2]", "list of strings"]),
    ('book = "X"\n' + GOOD_ARTICLES, "book", ["found 'X'", "expected a table"]),
    ('options = 3\n' + GOOD_BOOK + GOOD_ARTICLES, "options", ["expected a table"]),
    ('articles = "sample/offensive.txt"\n' + GOOD_BOOK, "articles",
     ["expected a non-empty list of articles"]),
    ('articles = []\n' + GOOD_BOOK, "articles", ["expected a non-empty list"]),
    ('articles = [3]\n' + GOOD_BOOK, "articles[0]", ["found 3", "a path or a table"]),
    (GOOD_BOOK + '[[articles]]\ntitle = "no path"\n', "articles[0].path", ["missing"]),
    (GOOD_BOOK + GOOD_ARTICLES + '[options.pdf]\ntrim = 5\n', "options.pdf.trim",
     ["found 5"]),
    (GOOD_BOOK + GOOD_ARTICLES + '[options]\nformats = "epub"\npdf = 1\n', "options.pdf",
     ["expected a table"]),
])
def test_wrong_types(content: Path, text: str, key: str, words: list[str]) -> None:
    fails(spec(content, text), key, *words)


def test_missing_title(content: Path) -> None:
    fails(spec(content, '[book]\nauthors = ["A"]\n' + GOOD_ARTICLES), "book.title",
          "missing", "non-empty string is required")


def test_missing_book_table(content: Path) -> None:
    fails(spec(content, GOOD_ARTICLES), "book", "missing", "[book]")


def test_missing_articles(content: Path) -> None:
    fails(spec(content, GOOD_BOOK), "articles", "missing", "[[articles]]")


@pytest.mark.parametrize("language", ["english", "e", "en_GB", "en-"])
def test_bad_language(content: Path, language: str) -> None:
    fails(spec(content, GOOD_BOOK + f'language = "{language}"\n' + GOOD_ARTICLES),
          "book.language", f"found {language!r}", "BCP 47")


@pytest.mark.parametrize("date", ["5 Jan 2016", "2016-13", "2016-02-30", "16-01-05"])
def test_bad_date(content: Path, date: str) -> None:
    fails(spec(content, GOOD_BOOK + f'date = "{date}"\n' + GOOD_ARTICLES),
          "book.date", f"found {date!r}", "YYYY-MM-DD")


def test_bad_article_date(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + 'date = "July"\n'), "articles[0].date", "YYYY")


def test_missing_article_file(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + '[[articles]]\npath = "sample/nope.txt"\n'),
          "articles[0].path", "no such file: sample/nope.txt", "relative to")


def test_glob_matching_nothing(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + '[[articles]]\npath = "sample/*.html"\n'),
          "articles[0].path", "'sample/*.html' matches no file")


def test_an_article_listed_twice(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + GOOD_ARTICLES), "articles[1].path",
          "already in the book, at articles[0]")


def test_an_article_no_reader_knows(content: Path) -> None:
    (content / "sample" / "x.docx").write_bytes(b"PK")
    fails(spec(content, GOOD_BOOK + '[[articles]]\npath = "sample/x.docx"\n'),
          "articles[0].path", "no reader for x.docx", ".txt")


def test_licence_override_without_reason(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + 'licence = "CC-BY-4.0"\n'),
          "articles[0].licence_reason", "needs a written reason")


def test_licence_reason_without_licence(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + 'licence_reason = "because"\n'),
          "articles[0].licence_reason", "no 'licence'")


def test_unknown_licence_id_is_a_licence_error(content: Path) -> None:
    message = fails(spec(content, GOOD_BOOK + 'licence = "CC-BY-SA-2.5"\n' + GOOD_ARTICLES),
                    "book.licence", "unknown licence 'CC-BY-SA-2.5'", "CC-BY-SA-2.0",
                    kind=LicenceError)
    assert "did you mean" in message
    assert LicenceError.exit_code == EXIT_LICENCE != EXIT_SPEC


def test_unknown_licence_in_an_override(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + 'licence = "mine"\nlicence_reason = "x"\n'),
          "articles[0].licence", "unknown licence 'mine'", kind=LicenceError)


def test_parts_and_articles_together(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES
               + '[[parts]]\ntitle = "P"\narticles = ["sample/impossible.txt"]\n'),
          "parts", "both [[articles]] and [[parts]]")


def test_a_part_without_title_or_articles(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + '[[parts]]\narticles = ["sample/offensive.txt"]\n'),
          "parts[0].title", "missing")
    fails(spec(content, GOOD_BOOK + '[[parts]]\ntitle = "P"\n'), "parts[0].articles", "missing")


@pytest.mark.parametrize("where, key", [("[options]\nnotes", "options.notes"),
                                        ("[options.epub]\nnotes", "options.epub.notes")])
def test_bad_notes_value(content: Path, where: str, key: str) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + f'{where} = "margin"\n'), key,
          "found 'margin'", "allowed: chapter, book")


@pytest.mark.parametrize("writer", ["pdf", "html"])
def test_notes_are_refused_where_they_change_nothing(content: Path, writer: str) -> None:
    # the PDF prints notes as footnotes and the HTML links them: only the EPUB places them
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + f'[options.{writer}]\nnotes = "book"\n'),
          f"options.{writer}.notes", f"the {writer} writer has no 'notes' option",
          "notes only apply to epub", "[options.epub]")


def test_notes_of_the_options_reach_only_the_epub(content: Path) -> None:
    s = load_spec(spec(content, GOOD_BOOK + GOOD_ARTICLES + '[options]\nnotes = "book"\n'
                       'formats = ["epub", "pdf", "html"]\n'))
    assert s.writer_options["epub"].notes == "book"
    assert not hasattr(s.writer_options["pdf"], "notes")
    assert "notes" not in s.writer_options["pdf"].fingerprint()
    assert "notes" not in s.writer_options["html"].fingerprint()


def test_unknown_format_names_the_known_writers(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + '[options]\nformats = ["epub", "docx"]\n'),
          "options.formats", "found 'docx'", "known writers: epub, html, pdf")


def test_empty_or_repeated_formats(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + '[options]\nformats = []\n'),
          "options.formats", "empty")
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + '[options]\nformats = ["epub", "epub"]\n'),
          "options.formats", "named twice")


def test_unknown_theme(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + '[options]\ntheme = "fancy"\n'),
          "options.theme", "found 'fancy'", "default", "theme.toml")


def test_missing_templates_folder(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + '[options]\ntemplates = "tpl"\n'),
          "options.templates", "no such folder")


def test_bad_trim_and_variant(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + '[options.pdf]\ntrim = "B7"\n'),
          "options.pdf.trim", "found 'B7'", "A5", "140x216mm")
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + '[options.pdf]\nvariant = "pdf/z"\n'),
          "options.pdf.variant", "found 'pdf/z'", "ua, a, x, none", "pdf/a-3b")
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + '[options.pdf]\nbleed = "3"\n'),
          "options.pdf.bleed", "found '3'", "'3mm'")
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + '[options.pdf]\nmarks = "crop star"\n'),
          "options.pdf.marks", "found 'crop star'", "'crop cross'")


def test_bad_slug(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + 'slug = "My Book"\n' + GOOD_ARTICLES), "book.slug",
          "found 'My Book'", "'my-book'")


def test_missing_or_wrong_front_matter_file(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + '[front]\npreface = "nope.md"\n'),
          "front.preface", "no such file: nope.md")
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + '[front]\nepigraph = "sample/offensive.txt"\n'),
          "front.epigraph", "Markdown")


def test_author_and_authors_together(content: Path) -> None:
    fails(spec(content, GOOD_BOOK + GOOD_ARTICLES + 'author = "A"\nauthors = ["B"]\n'),
          "articles[0].author", "not both")
