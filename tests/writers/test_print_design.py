"""The book designer's rules that are not measured from pages (issue 18): the
contents' depth, a title's short form for running heads, a title that never
ends on one short word, columns of figures, and note calls against their word.
The pages themselves are measured in tests/books/test_print_pages.py."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bookmaker import Metadata, Person, assemble, load_book, load_spec
from bookmaker.errors import SpecError
from bookmaker.model import Article, Cell, Heading, Paragraph, Table, Text
from bookmaker.render.context import contents_depth
from bookmaker.render.environment import tie_end
from bookmaker.writers import WriteOptions, get_writer

from helpers import ROOT

SAMPLE = ROOT / "content" / "sample"


def _article(title: str, author: str, *sections: str) -> Article:
    blocks: list = [Paragraph((Text("Text."),))]
    for s in sections:
        blocks += [Heading((Text(s),), 1), Paragraph((Text("More."),))]
    return Article(title, tuple(blocks), authors=(Person(author),))


def _contents(html: str) -> list[str]:
    toc = html[html.index('<nav class="toc"'):html.index("</nav>")]
    return [re.sub(r"<[^>]+>", "", e) for e in re.findall(r'<span class="toc-entry">(.*?)</span>', toc)]


def test_an_anthology_lists_its_chapters_a_book_of_one_author_their_sections_too() -> None:
    one = assemble([_article("A", "Leon Trotsky", "Sect"), _article("B", "Leon Trotsky")],
                   Metadata("One", authors=(Person("Leon Trotsky"),)))
    many = assemble([_article("A", "Leon Trotsky", "Sect"), _article("B", "Rosa Luxemburg")],
                    Metadata("Many", editors=(Person("A. Reader", "edt"),)))
    assert (contents_depth(one), contents_depth(many)) == (2, 1)
    assert contents_depth(many, 2) == 2
    pdf = get_writer("pdf")
    assert "Sect" in _contents(pdf.render_html(one, WriteOptions()))
    assert "Sect" not in _contents(pdf.render_html(many, WriteOptions()))
    assert "Sect" in _contents(pdf.render_html(many, WriteOptions(toc_depth=2)))
    assert "Sect" not in _contents(pdf.render_html(one, WriteOptions(toc_depth=1)))


def _spec(tmp_path: Path, options: str = "", article: str = "",
          formats: str = '["pdf"]') -> Path:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content / "sample")
    path = content / "book.toml"
    path.write_text('[book]\ntitle = "A Book"\nauthors = ["Leon Trotsky"]\n'
                    f'[options]\nformats = {formats}\n{options}\n'
                    f'[[articles]]\npath = "sample/offensive.txt"\n{article}\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("value", ["3", "0", '"1"', "true"])
def test_a_bad_toc_depth_is_a_spec_error_naming_the_key(tmp_path: Path, value: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(_spec(tmp_path, f"toc_depth = {value}"))
    assert info.value.key == "options.toc_depth" and "allowed: 1" in str(info.value)


def test_toc_depth_reaches_every_writer(tmp_path: Path) -> None:
    spec = load_spec(_spec(tmp_path, "toc_depth = 1", formats='["epub", "html", "pdf"]'))
    assert {name: o.toc_depth for name, o in spec.writer_options.items()} == \
        {"epub": 1, "html": 1, "pdf": 1}


def test_short_title_names_the_running_heads(tmp_path: Path) -> None:
    spec = load_spec(_spec(tmp_path, article='short_title = "Our Offensive"'))
    book = load_book(spec)
    html = get_writer("pdf").render_html(book, spec.writer_options["pdf"])
    assert 'data-short="Our Offensive"' in html
    assert "Let Us Reenforce Our Offensive!</h" in html  # the title itself is whole


def test_a_title_never_ends_on_one_short_word() -> None:
    assert tie_end("The Labour Party and the United States") == \
        'The Labour Party and the <span class="tie">United States</span>'
    assert tie_end("Three short words") == "Three short words"
    assert tie_end("Marx & Engels on the State") == \
        'Marx &amp; Engels on <span class="tie">the State</span>'
    assert tie_end("One two three Extraordinarily-long-words") == \
        "One two three Extraordinarily-long-words"


def test_columns_of_figures_are_set_as_figures() -> None:
    def row(*texts: str, header: bool = False) -> tuple[Cell, ...]:
        return tuple(Cell((Text(t),), header=header) for t in texts)

    table = Table((row("Year", "Members", "Share", header=True), row("1914", "1,204", "12.5%"),
                   row("1920", "31 000", "—"), row("Total", "32,204", "")))
    book = assemble([Article("T", (table,), authors=(Person("A. Writer"),))], Metadata("T"))
    html = get_writer("pdf").render_html(book, WriteOptions())
    cells = re.findall(r'<t([hd])[^>]*?(?: class="([^"]*)")?>([^<]*)</t[hd]>', html)
    classes = {text: cls for _, cls, text in cells}
    assert classes["Members"] == classes["1,204"] == classes["31 000"] == "figures"
    assert classes["Year"] == classes["1914"] == classes["Total"] == ""  # "Total" is no figure
    assert classes["Share"] == classes["12.5%"] == ""  # "—" is no figure either
