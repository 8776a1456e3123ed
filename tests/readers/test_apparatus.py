"""Furniture and apparatus (issue 17, point 3), on real corpus pages: column
names and pseudonym lines above a title, transcribers' notes, section breaks in
the header; both readers give the same title."""

from __future__ import annotations

import pytest

from bookmaker.model import Heading, Paragraph, Separator, blocks_text
from bookmaker.readers.mia import html as mia_html, text as mia_text
from bookmaker.readers.mia.apparatus import credit_label, is_column, pseudonym_author
from conftest import SHARED

CORPUS = SHARED / "corpus"
needs_corpus = pytest.mark.skipif(not (CORPUS / "mia").is_dir(), reason="no shared corpus here")


def both(rel: str):
    return (mia_html.read((CORPUS / "mia" / rel).read_bytes(), name=rel),
            mia_text.read((CORPUS / "mia-text" / (rel + ".txt")).read_bytes(), name=rel))


@needs_corpus
@pytest.mark.parametrize("rel, title", [
    ("archive/cannon/works/1931/apr/pamphlet.htm", "Communism and Syndicalism"),  # "Editorial Notes"
    ("archive/cannon/works/1934/meaning.htm", "Minneapolis and its Meaning"),  # "The New International"
    ("archive/browder/1922/03/conflicts.html", "Great Labor Conflicts in the United States"),
    ("archive/harman/1991/03/heffer.htm", "Sad memories"),  # "Thinking it through"
    ("archive/gallacher/1930/08/x01.htm", "An Intimate Appreciation of Lenin"),  # "Book Review"
])
def test_a_column_name_above_the_title_is_no_title(rel: str, title: str) -> None:
    html, text = both(rel)
    assert html.title == text.title == title


@needs_corpus
@pytest.mark.parametrize("rel, author, title", [
    ("archive/cannon/works/1931/apr/pamphlet.htm", "J.P.C.", "Communism and Syndicalism"),
    ("archive/novack/works/1957/x01.htm", "William F. Warde", "The Rise and Fall of Progressivism"),
    ("archive/novack/works/1940/aug/x01.htm", "George Novack", "Elements of Dialectical Materialism"),
    ("archive/glass/1946/07/x01.htm", "Frank Glass", "China After World War II"),
    ("archive/horner/1937/04/tuunity.htm", "Arthur Horner", "Trade Unions and Unity"),
])
def test_a_pseudonym_or_signature_line_is_the_author(rel: str, author: str, title: str) -> None:
    for article in both(rel):
        assert article.title == title
        assert [p.name for p in article.authors] == [author]
        assert author not in [blocks_text(b) for b in article.blocks[:3]]


@needs_corpus
def test_a_transcribers_note_is_a_credit_and_a_section_break_no_subtitle() -> None:
    for article in both("archive/trotsky/1938/morals/morals.htm"):
        assert article.subtitle == "IN MEMORY OF LEON SEDOFF"
        assert article.attribution.transcribers == (
            "Transcribed for the World Wide Web by David Walters in 1996 for the Trotsky "
            "Internet Archive, now a subset of the Marxists’ Internet Archive.",)
        texts = [blocks_text(b) for b in article.blocks]
        assert not any("World Wide Web" in t for t in texts)
        assert not any(isinstance(b, Paragraph) and b.role == "subtitle"
                       and blocks_text(b) == "* * *" for b in article.blocks)
        first = next(b for b in article.blocks if isinstance(b, Heading))
        assert blocks_text(first) == "Moral Effluvia"
        assert not any(isinstance(b, Separator) for b in article.blocks[:2])


def test_the_rules() -> None:
    assert is_column("Editorial Notes") and is_column("BOOK REVIEW") and not is_column("Sad memories")
    assert pseudonym_author(["J.P.C."]) == "J.P.C."
    assert pseudonym_author(["Albert Inkpin", "Secretary of the British Socialist Party"]) == "Albert Inkpin"
    assert pseudonym_author(["The Rise of (Something) 1957"]) is None
    assert credit_label("Transcribed for the World Wide Web by David Walters in 1996.") == "Transcription"
    assert credit_label("HTML Markup by Einde O’Callaghan.") == "Markup"
    assert credit_label("Transcription of the speech began the day after.") is None


# --- the spec's per-article corrections -----------------------------------------------

from bookmaker.errors import SpecError  # noqa: E402
from bookmaker.make.load import load_book  # noqa: E402
from bookmaker.make.spec import load_spec  # noqa: E402
from bookmaker.make.store import ArticleStore  # noqa: E402

PAGE = "archive/cannon/works/1931/apr/pamphlet.htm"


def _project(tmp_path, extra: str):
    import shutil
    (tmp_path / "pages").mkdir(parents=True)
    shutil.copy(CORPUS / "mia" / PAGE, tmp_path / "pages" / "pamphlet.htm")
    (tmp_path / "books").mkdir()
    spec = tmp_path / "books" / "book.toml"
    spec.write_text('[book]\ntitle = "T"\nauthors = ["J. P. Cannon"]\n\n[[articles]]\n'
                    'path = "../pages/pamphlet.htm"\n' + extra, encoding="utf-8")
    return spec


@needs_corpus
@pytest.mark.parametrize("with_store", [False, True])
def test_corrections_drop_promote_and_demote_blocks(tmp_path, with_store: bool) -> None:
    plain = mia_html.read((CORPUS / "mia" / PAGE).read_bytes(), name=PAGE)
    texts = [blocks_text(b) for b in plain.blocks]
    spec = load_spec(_project(tmp_path, f'drop = [0, {texts[2]!r}]\nheadings = [3]\n'
                                        'subtitle = "An editorial"\n'))
    store = ArticleStore(tmp_path / "cache", "salt") if with_store else None
    book = load_book(spec, store=store)
    chapter = store.full(book.chapters[0]) if store else book.chapters[0]
    article = chapter.article
    got = [blocks_text(b) for b in article.blocks]
    assert got[0] == texts[1] and texts[0] not in got[:1] and texts[2] not in got
    assert isinstance(article.blocks[1], Heading) and got[1] == texts[3]
    assert article.subtitle == "An editorial"
    if store:
        again = ArticleStore(tmp_path / "cache", "salt")
        unchanged = load_book(load_spec(_project(tmp_path / "b", "")), store=again)
        assert again.key(unchanged.chapters[0]) != store.key(book.chapters[0])


@needs_corpus
@pytest.mark.parametrize("extra, key, words", [
    ("drop = 3\n", "articles[0].drop", "expected a list"),
    ("headings = [\"x\"]\n", "articles[0].headings", "block numbers"),
    ("headings = [2]\nparagraphs = [2]\n", "articles[0].headings", "both"),
])
def test_corrections_are_validated_naming_the_key(tmp_path, extra: str, key: str, words: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(_project(tmp_path, extra))
    assert caught.value.key == key and words in caught.value.message


@needs_corpus
def test_a_correction_past_the_last_block_names_the_key(tmp_path) -> None:
    spec = load_spec(_project(tmp_path, "drop = [9999]\n"))
    with pytest.raises(SpecError) as caught:
        load_book(spec)
    assert caught.value.key == "articles[0].drop" and "no block 9999" in caught.value.message


# --- more header apparatus, and numbered lists ------------------------------------------

@needs_corpus
@pytest.mark.parametrize("rel, title", [
    ("subject/left-wing/gik/1930/04.htm",  # "Group of International Communists" above
     "Fundamental Principles of Communist Production and Distribution"),
    ("archive/pablo/1958/11/arabrev1.htm", "The Arab Revolution"),  # "XXIst Plenum of …"
    ("archive/trotsky/works/britain/problems/ch01.htm",  # "Trotsky December 1925-March 1926"
     "Problems of the British Revolution"),
    ("archive/nikolaeva/1942/05/just-war.htm", "A Just War"),  # "A Just War[1]", "A Just War1"
    ("archive/sedova-natalia/1940/10/slander.htm", "Natalia Trotsky Answers a Foul Slander"),
])
def test_header_apparatus_both_readers_agree(rel: str, title: str) -> None:
    html, text = both(rel)
    assert " ".join(html.title.split()) == " ".join(text.title.split()) == title


@needs_corpus
def test_a_banner_name_above_the_byline_is_no_author() -> None:
    for article in both("archive/sedova-natalia/1947/06/fi-danger.html"):
        assert article.title == "The Fourth International in Danger!"
        assert [p.name for p in article.authors] == ["Natalia Sedova", "G. Munis", "Benjamin Péret"]


@needs_corpus
def test_a_title_and_its_subtitle_in_one_block_are_not_merged() -> None:
    html, _ = both("archive/shachtma/1949/01/subversive.html")
    assert (html.title, html.subtitle) == ("Is Socialism “Subversive”?",
                                           "Shachtman Testifies for Workers Party")


@needs_corpus
def test_a_list_item_that_writes_its_number_prints_it_once() -> None:
    from bookmaker.model import ListBlock
    for article in both("archive/morrow-felix/1946/02/24.htm"):
        lists = [b for b in article.blocks if isinstance(b, ListBlock) and len(b.items) >= 9]
        assert lists and blocks_text(lists[0].items[8][0]).startswith("I wrote: “But even")
