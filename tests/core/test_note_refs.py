"""Notes keep their meaning: a note's "See note 22" follows the renumbering
(rewritten and linked), on real Archive pages whose notes refer to each other."""

from __future__ import annotations

import pytest

from bookmaker import read_article
from bookmaker.assembly import number_notes
from bookmaker.model import (Article, Chapter, Link, Note, NoteRef, Paragraph, Text,
                             blocks_text)
from bookmaker.note_refs import NOTE_LINK
from bookmaker.render.views import chapter_view
from conftest import SHARED

MIA = SHARED / "corpus" / "mia"


def _numbered(page: str) -> tuple[Article, dict[str, str], list[str]]:
    """The page's notes numbered, the source's label of each note, the warnings."""
    article = read_article(MIA / page)
    source = {n.id: n.label for n in article.notes}
    numbered, warnings = number_notes(article, page)
    return numbered, source, warnings


def _refs(note: Note) -> list[tuple[str, str]]:
    """(the number printed, the id of the note it links to) in a note's text."""
    out = []

    def walk(nodes):  # noqa: ANN001, ANN202
        for node in nodes:
            if isinstance(node, Link) and node.href.startswith(NOTE_LINK):
                out.append((blocks_text(Paragraph(node.children)), node.href[len(NOTE_LINK):]))
            walk(getattr(node, "children", ()))

    for block in note.blocks:
        walk(getattr(block, "content", ()))
    return out


def _by_source(article: Article, source: dict[str, str], label: str) -> Note:
    return next(n for n in article.notes if source[n.id] == label)


def test_a_page_numbered_12_to_27_keeps_its_cross_references() -> None:
    # The case: the page is one part of a longer text, its notes 12–27
    # become 1–16; "See note 22" must now say 11, and point to that note.
    article, source, warnings = _numbered("archive/trotsky/1938/04/lp.htm")
    assert sorted(int(v) for v in source.values()) == list(range(12, 28))
    new = {n.id: n.label for n in article.notes}
    see_22 = _by_source(article, source, "26")
    assert [(printed, source[nid]) for printed, nid in _refs(see_22)] == [("11", "22")]
    assert new[_refs(see_22)[0][1]] == "11" and "See note 11" in blocks_text(see_22.blocks[0])
    see_12 = _by_source(article, source, "23")
    assert [(p, source[nid]) for p, nid in _refs(see_12)] == [("1", "12")]
    # "See notes 11 and 14": 14 is here (now 3); 11 is a note of another part, left as written
    both = _by_source(article, source, "24")
    assert [(p, source[nid]) for p, nid in _refs(both)] == [("3", "14")]
    assert "notes 11 and 3" in blocks_text(both.blocks[0])
    assert any("refers to note 11" in w and "left as written" in w for w in warnings)


def test_a_chapter_numbered_from_17() -> None:
    article, source, _ = _numbered("archive/lenin/works/1920/lwc/ch05.htm")
    note = _by_source(article, source, "19")
    refs = _refs(note)
    assert [source[nid] for _, nid in refs] == ["17"]
    target = next(n for n in article.notes if n.id == refs[0][1])
    assert refs[0][0] == target.label != "17"  # the number printed is the note's new one


@pytest.mark.parametrize("page,label,kept", [
    # another chapter's notes
    ("archive/serge/1930/year-one/ch05.htm", "22", "see notes 10, Chapter 9, and 33, Chapter 10"),
    ("archive/serge/1930/year-one/ch05.htm", "24", "note 24 to Chapter 7"),
    # another book's notes, cited by page
    ("archive/thompson-ep/1978/pot/essay.htm", "10", "p. 78, note 40"),
    ("archive/thompson-ep/1978/pot/essay.htm", "125", "p. 124 note 8"),
    ("archive/broue/1980/01/bloc.html", "97", "p.\xa059, note 6"),
])
def test_references_to_other_works_are_left_as_written(page: str, label: str, kept: str) -> None:
    article, source, _ = _numbered(page)
    note = _by_source(article, source, label)
    assert _refs(note) == [] and kept in " ".join(blocks_text(b) for b in note.blocks)


@pytest.mark.parametrize("page,label,target", [
    ("archive/thompson-ep/1978/pot/essay.htm", "155", "13"),   # "p. 54. See note 13."
    ("archive/thompson-ep/1978/pot/essay.htm", "15", "12"),    # "See note 12 above"
    ("archive/broue/1980/01/bloc.html", "51", "43"),           # "Cf. n.43"
    ("archive/held-walter/1937/03/spain.htm", "5", "8"),       # "See footnote 8"
    ("archive/serge/1924/xx/lenin.html", "30", "107"),         # "cf. note 107 below"
])
def test_references_in_their_usual_forms_are_linked(page: str, label: str, target: str) -> None:
    article, source, _ = _numbered(page)
    refs = _refs(_by_source(article, source, label))
    assert [source[nid] for _, nid in refs] == [target]


def _note(nid: str, label: str, text: str) -> Note:
    return Note(nid, (Paragraph((Text(text),)),), label)


def test_lists_and_ranges_are_rewritten_number_by_number() -> None:
    notes = (_note("a", "5", "A."), _note("b", "6", "B."),
             _note("c", "7", "See notes 5 and 6; cf. nn. 5, 6; notes 5–6."))
    calls = tuple(Paragraph((Text("x"), NoteRef(n.id, n.label))) for n in notes)
    article, warnings = number_notes(Article("T", calls, notes=notes), "t")
    assert warnings == []
    text = blocks_text(article.notes[2].blocks[0])
    assert text == "See notes 1 and 2; cf. nn. 1, 2; notes 1–2."
    assert [nid for _, nid in _refs(article.notes[2])] == ["a", "b", "a", "b", "a", "b"]


def test_the_book_links_the_number_to_the_note() -> None:
    article, source, _ = _numbered("archive/trotsky/1938/04/lp.htm")
    view = chapter_view(Chapter(id="ch003", number=3, article=article, authors=()))
    html = next(str(n.html) for n in view.notes if n.label == _by_source(article, source, "26").label)
    assert '<a class="note-xref" href="#ch003-note-11">11</a>' in html
    assert any(n.id == "ch003-note-11" for n in view.notes)
    # with the notes in a document of their own (an EPUB's book-end notes)
    view = chapter_view(Chapter(id="ch003", number=3, article=article, authors=()),
                        file="ch003.xhtml", notes_file="notes.xhtml")
    assert 'href="notes.xhtml#ch003-note-11"' in "".join(str(n.html) for n in view.notes)
    # in print, notes at the foot of the page: a link to the footnote
    view = chapter_view(Chapter(id="ch003", number=3, article=article, authors=()),
                        notes="footnote")
    assert 'id="ch003-note-11"' in str(view.body) and 'href="#ch003-note-11"' in str(view.body)


def test_the_page_references_in_the_body_are_not_touched() -> None:
    # only notes' texts are rewritten: the body is the author's
    body = (Paragraph((Text("As note 1 says"), NoteRef("a", "9"))),)
    article, _ = number_notes(Article("T", body, notes=(_note("a", "9", "Note."),)), "t")
    assert article.blocks[0].content[0] == Text("As note 1 says")

