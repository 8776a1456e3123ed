"""The Markdown reader: front matter, blocks and inlines, raw HTML kept as text;
footnotes, pipe tables and definition lists; a title said once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookmaker import Metadata, Person, assemble, write_book
from bookmaker.errors import SourceError
from bookmaker.model import (Cell, Definition, DefinitionList, Emphasis, FrontMatter, Heading,
                             LineBreak, Link, ListBlock, Note, NoteRef, Paragraph, Preformatted,
                             Quote, Separator, Strong, Table, Text)
from bookmaker.readers import read_article
from bookmaker.readers.markdown import read, read_front_matter

from helpers import NS, epub_docs, epubcheck_messages, pdf_pages, squash


def md(text: str, name: str = "a.md"):  # noqa: ANN201
    return read(text.encode("utf-8"), name=name)


def test_toml_front_matter() -> None:
    a = md('+++\ntitle = "On Books"\nsubtitle = "A Note"\nauthors = ["A. Writer", "B. Writer"]\n'
           'date = "1933-07"\nlanguage = "fr"\nlicence = "CC-BY-4.0"\nsource = "Nowhere"\n+++\n\n'
           "Text.\n")
    assert (a.title, a.subtitle, a.date, a.language) == ("On Books", "A Note", "1933-07", "fr")
    assert [p.name for p in a.authors] == ["A. Writer", "B. Writer"]
    assert a.attribution.licence and a.attribution.licence.id == "CC-BY-4.0"
    assert a.attribution.source == "Nowhere" and a.attribution.origin == "a.md"
    assert a.blocks == (Paragraph((Text("Text."),)),)
    assert a.warnings == ()


def test_yaml_ish_front_matter() -> None:
    a = md('---\ntitle: "Hello: World"\nauthor: Someone\nsubjects:\n  - x\n  - y\n---\nBody\n')
    assert a.title == "Hello: World" and [p.name for p in a.authors] == ["Someone"]
    assert any(w.startswith("front-matter: key 'subjects' ignored") for w in a.warnings)


def test_first_heading_is_the_title_and_headings_move_up() -> None:
    a = md("# The Title\n\nIntro.\n\n## Section\n\n### Sub\n")
    assert a.title == "The Title"
    assert [b for b in a.blocks if isinstance(b, Heading)] == [
        Heading((Text("Section"),), 1), Heading((Text("Sub"),), 2)]
    assert a.warnings == ("no-author: no author in the front matter: the book's author applies",)


def test_without_a_title_the_file_name_serves_with_a_warning() -> None:
    a = md("Just text.\n", name="dir/my-essay.md")
    assert a.title == "My essay"
    assert any(w.startswith("no-title: ") for w in a.warnings)


def test_blocks_and_inlines() -> None:
    a = md("# T\n\nSome *em* and **strong** and [a link](https://example.org/x) "
           "and `code`,  \nbroken\nsoft.\n\n> quoted\n>\n> twice\n\n"
           "- one\n- two\n\n3. three\n4. four\n\n---\n\n    indented code\n\n"
           "```\nfenced <code>\n```\n")
    para, quote, bullets, ordered, sep, pre1, pre2 = a.blocks
    assert para == Paragraph((Text("Some "), Emphasis((Text("em"),)), Text(" and "),
                              Strong((Text("strong"),)), Text(" and "),
                              Link("https://example.org/x", (Text("a link"),)),
                              Text(" and code,"), LineBreak(), Text("broken soft.")))
    assert quote == Quote((Paragraph((Text("quoted"),)), Paragraph((Text("twice"),))))
    assert bullets == ListBlock(((Paragraph((Text("one"),)),), (Paragraph((Text("two"),)),)))
    assert ordered.ordered and ordered.start == 3 and len(ordered.items) == 2
    assert sep == Separator()
    assert pre1 == Preformatted("indented code") and pre2 == Preformatted("fenced <code>")


def test_raw_html_stays_literal_text() -> None:
    a = md("# T\n\n<div onclick=\"x()\">block</div>\n\nInline <b>bold</b> & <script>alert(1)</script>\n")
    texts = [b.content for b in a.blocks]
    assert texts[0] == (Text('<div onclick="x()">block</div>'),)
    assert texts[1] == (Text("Inline <b>bold</b> & <script>alert(1)</script>"),)


def test_unsafe_links_are_not_links() -> None:
    a = md("# T\n\n[click](javascript:alert(1))\n")
    assert not any(isinstance(n, Link) for n in a.blocks[0].content)


def test_not_utf8_is_a_source_error() -> None:
    with pytest.raises(SourceError) as info:
        read(b"# T\n\nok\n\ncaf\xe9\n", name="bad.md")
    assert info.value.path == "bad.md" and info.value.line == 5 and "UTF-8" in str(info.value)


def test_bad_front_matter_is_a_source_error() -> None:
    with pytest.raises(SourceError) as info:
        md('+++\ntitle = "x"\nauthors = [\n+++\nText\n', name="f.md")
    assert info.value.line is not None and "TOML" in str(info.value)
    with pytest.raises(SourceError, match="never closed"):
        md("---\ntitle: x\n\nText\n")
    with pytest.raises(SourceError, match="key: value"):
        md("---\njust words\n---\n")
    with pytest.raises(SourceError, match="title"):
        md('+++\ntitle = 3\n+++\n')


def test_front_matter_helper(tmp_path: Path) -> None:
    preface = tmp_path / "preface.md"
    preface.write_text("# Why This Book\n\nBecause.\n", encoding="utf-8")
    dedication = tmp_path / "dedication.md"
    dedication.write_text("*For N.*\n", encoding="utf-8")
    assert read_front_matter(preface, "preface") == FrontMatter(
        "preface", "Why This Book", (Paragraph((Text("Because."),)),))
    fm = read_front_matter(dedication, "dedication")
    assert fm.title == "Dedication" and fm.blocks == (Paragraph((Emphasis((Text("For N."),)),)),)
    with pytest.raises(SourceError, match="not found"):
        read_front_matter(tmp_path / "nope.md", "preface")


def test_md_articles_are_read_by_suffix(tmp_path: Path) -> None:
    path = tmp_path / "new.md"
    path.write_text("+++\ntitle = \"New\"\nauthor = \"X\"\n+++\nHello.\n", encoding="utf-8")
    article = read_article(path)
    assert article.title == "New" and article.attribution.origin == str(path)


# --- footnotes, tables, definition lists (issue 17) --------------------------------

NOTES = """+++
title = "Notes"
author = "A. Writer"
+++

A numbered call[^1], a named one[^name], the first again[^1] and an inline
one.^[Said *here*.]

[^1]: The first note.

    Its second paragraph.

[^name]: The named note.

[^idle]: Nothing calls this one.
"""


def test_footnotes_are_the_articles_notes() -> None:
    a = md(NOTES)
    assert a.blocks == (Paragraph((
        Text("A numbered call"), NoteRef("fn1", "1"), Text(", a named one"), NoteRef("fn2", "2"),
        Text(", the first again"), NoteRef("fn1", "1"), Text(" and an inline one."),
        NoteRef("fn3", "3"))),)
    assert a.notes == (
        Note("fn1", (Paragraph((Text("The first note."),)),
                     Paragraph((Text("Its second paragraph."),))), "1"),
        Note("fn2", (Paragraph((Text("The named note."),)),), "2"),
        Note("fn3", (Paragraph((Text("Said "), Emphasis((Text("here"),)), Text("."))),), "3"))
    assert a.warnings == ("notes: footnote [^idle] is never called; left out",)


def test_an_undefined_call_stays_text() -> None:
    a = md("# T\n\nNo note[^missing] here.\n")
    assert a.blocks == (Paragraph((Text("No note[^missing] here."),)),) and a.notes == ()


def test_pipe_tables_keep_header_cells_and_alignment() -> None:
    a = md("# T\n\n| Year | Output | Note |\n|:-----|-------:|:----:|\n"
           "| 1913 | 100 | base[^a] |\n| 1921 | 31 | |\n\n[^a]: Pre-war.\n")
    (table,) = a.blocks
    assert isinstance(table, Table) and table.caption == ()
    assert table.rows[0] == (Cell((Text("Year"),), True, align="left"),
                             Cell((Text("Output"),), True, align="right"),
                             Cell((Text("Note"),), True, align="center"))
    assert table.rows[1][2] == Cell((Text("base"), NoteRef("fn1", "1")), align="center")
    assert table.rows[2] == (Cell((Text("1921"),), align="left"),
                             Cell((Text("31"),), align="right"), Cell((), align="center"))
    assert [n.id for n in a.notes] == ["fn1"]  # a call in a cell is a call like any other
    plain = md("# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n").blocks[0]
    assert plain.rows[1] == (Cell((Text("1"),)), Cell((Text("2"),)))  # no alignment: none set


def test_definition_lists() -> None:
    a = md("# T\n\nDialectic\n: The method.\n\n    Its second paragraph.\n: Another sense.\n\n"
           "*Praxis*\n: Practice.\n\nAfter.\n")
    dl, after = a.blocks
    assert dl == DefinitionList((
        Definition((Text("Dialectic"),), ((Paragraph((Text("The method."),)),
                                           Paragraph((Text("Its second paragraph."),))),
                                          (Paragraph((Text("Another sense."),)),))),
        Definition((Emphasis((Text("Praxis"),)),), ((Paragraph((Text("Practice."),)),),))))
    assert after == Paragraph((Text("After."),))


@pytest.mark.parametrize("heading", ["# Preface", "# PREFACE", "#   Preface.  ", "## Preface"])
def test_a_first_heading_repeating_the_title_is_the_title(heading: str) -> None:
    a = md(f"---\ntitle: Preface\n---\n{heading}\n\nWhy.\n\n## A Section\n\nMore.\n")
    assert a.title == "Preface"
    assert a.blocks == (Paragraph((Text("Why."),)), Heading((Text("A Section"),), 1),
                        Paragraph((Text("More."),)))


def test_a_first_heading_saying_something_else_stays_a_section() -> None:
    a = md("---\ntitle: Preface\n---\n# To the Second Edition\n\nWhy.\n")
    assert a.title == "Preface" and a.blocks[0] == Heading((Text("To the Second Edition"),), 1)
    later = md("---\ntitle: Preface\n---\nFirst.\n\n# Preface\n\nWhy.\n")
    assert later.blocks[1] == Heading((Text("Preface"),), 1)  # not first: a section


def test_front_matter_prints_its_title_once(tmp_path: Path) -> None:
    preface = tmp_path / "preface.md"
    preface.write_text("---\ntitle: Preface\n---\n# Preface\n\nBecause.\n", encoding="utf-8")
    assert read_front_matter(preface, "preface") == FrontMatter(
        "preface", "Preface", (Paragraph((Text("Because."),)),))
    preface.write_text("## Preface\n\nBecause.\n\n### Why\n", encoding="utf-8")  # the default title
    assert read_front_matter(preface, "preface").blocks == (Paragraph((Text("Because."),)),
                                                            Heading((Text("Why"),), 1))


def test_front_matter_has_notes_of_its_own(tmp_path: Path) -> None:
    preface = tmp_path / "preface.md"
    preface.write_text("# Preface\n\nSee[^x].\n\n[^x]: A source.\n", encoding="utf-8")
    fm = read_front_matter(preface, "preface")
    assert fm.blocks == (Paragraph((Text("See"), NoteRef("fn1", "1"), Text("."))),)
    assert fm.notes == (Note("fn1", (Paragraph((Text("A source."),)),), "1"),)


MIXED = NOTES + """
| Year | Output |
|:-----|-------:|
| 1913 | 100[^name] |

Dialectic
: The method[^1].
"""


@pytest.fixture(scope="module")
def md_book(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    folder = tmp_path_factory.mktemp("md")
    (folder / "notes.md").write_text(MIXED, encoding="utf-8")
    (folder / "preface.md").write_text("---\ntitle: Preface\n---\n# Preface\n\nWhy.\n",
                                       encoding="utf-8")
    book = assemble([read_article(folder / "notes.md")],
                    Metadata(title="Markdown", authors=(Person("A. Writer"),)),
                    front_matter=[read_front_matter(folder / "preface.md", "preface")])
    return book, folder


def test_markdown_notes_tables_and_definitions_in_the_epub(md_book) -> None:  # noqa: ANN001
    book, folder = md_book
    epub = write_book(book, folder / "book.epub", "epub")
    assert epubcheck_messages(epub) == []
    docs = epub_docs(epub)
    chapter = docs["EPUB/ch001.xhtml"]
    calls = chapter.findall(".//x:a[@class='noteref']", NS)
    assert [c.text for c in calls] == ["1", "2", "1", "3", "2", "1"]
    notes = chapter.findall(".//x:aside[@class='note']", NS)
    assert [n.get("id") for n in notes] == ["ch001-note-1", "ch001-note-2", "ch001-note-3"]
    # every call links to its note, and the note links back to each of its calls
    ids = {c.get("id"): c.get("href") for c in calls}
    for note in notes:
        back = [a.get("href") for a in note.iterfind(".//x:a[@role='doc-backlink']", NS)]
        assert back and all(ids[href[1:]] == f"#{note.get('id')}" for href in back)
    first = notes[0]
    assert len(first.findall("x:p", NS)) == 3  # the label, then the note's two paragraphs
    assert len(notes[0].findall(".//x:a[@role='doc-backlink']", NS)) == 3
    cells = chapter.findall(".//x:table//x:th", NS)
    assert [(c.text, c.get("class")) for c in cells] == [("Year", "align-left"),
                                                         ("Output", "align-right")]
    dl = chapter.find(".//x:dl[@class='definitions']", NS)
    assert [e.tag.split("}")[1] for e in dl] == ["dt", "dd"]
    preface = docs["EPUB/preface.xhtml"].find("x:body", NS)
    assert "".join(preface.itertext()).split() == ["Preface", "Why."]


def test_markdown_notes_at_the_foot_of_the_pdf_page(md_book) -> None:  # noqa: ANN001
    book, folder = md_book
    pdf = write_book(book, folder / "book.pdf", "pdf")
    text = squash("\n".join(pdf_pages(pdf)))
    assert "Anumberedcall1,anamedone2,thefirstagain1andaninlineone.3" in text
    assert "1.Thefirstnote.Itssecondparagraph." in text and "2.Thenamednote." in text
    assert "Year" in text and "Dialectic" in text and "Themethod1." in text
    assert text.count("Preface") == 2  # the preface, and its entry in the contents
