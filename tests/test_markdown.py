"""The Markdown reader: front matter, blocks and inlines, raw HTML kept as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookmaker.errors import SourceError
from bookmaker.model import (Emphasis, FrontMatter, Heading, LineBreak, Link, ListBlock,
                             Paragraph, Preformatted, Quote, Separator, Strong, Text)
from bookmaker.readers import read_article
from bookmaker.readers.markdown import read, read_front_matter


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
