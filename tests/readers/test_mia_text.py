"""The MIA plain-text reader: golden files for the two seeds, each rule of
SEED-FORMAT.md, nothing lost, and robustness on arbitrary bytes."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookmaker.errors import SourceError
from bookmaker.inspect import article_to_dict
from bookmaker.model import (
    Article, Dateline, Heading, LineBreak, ListBlock, NoteRef, Paragraph, Separator,
    Signature, Speech, Text, blocks_text, plain_text,
)
from bookmaker.readers.mia.text import read
from helpers import assert_golden, check_article
from conftest import GOLDEN, ROOT, SEEDS, SHARED

STEMS = ["offensive", "impossible"]
FURNITURE = re.compile(r"^(return return return return return|natalia in red|Last updated.*)$")


def seed(stem: str) -> Article:
    path = SEEDS / f"{stem}.txt"
    return read(path.read_bytes(), name=path.relative_to(ROOT).as_posix())


def text_of(article: Article) -> str:
    """Everything the model holds, as text; speech turns and notes as written."""
    parts = [article.title, article.subtitle or "", f"({article.date})",
             ", ".join(p.name for p in article.authors)]
    parts += [f"{label}: {value}" for label, value in article.attribution.fields]
    for block in article.blocks:
        if isinstance(block, Speech):
            parts.append(f"{block.label} {plain_text(block.content)}")
        else:
            parts.append(blocks_text(block))
    for note in article.notes:
        parts.append(f"{note.label}. " + "\n\n".join(blocks_text(b) for b in note.blocks))
    return "\n".join(parts)


def blocks_of(article: Article, kind: type) -> list:
    return [b for b in article.blocks if isinstance(b, kind)]


# --- golden files --------------------------------------------------------------------

@pytest.mark.parametrize("stem", STEMS)
def test_golden(stem: str, update_golden: bool) -> None:
    got = json.dumps(article_to_dict(seed(stem)), ensure_ascii=False, indent=2) + "\n"
    assert_golden(GOLDEN / "readers" / "sample" / f"{stem}.json", got, update_golden)


def test_inspect_keys_and_json() -> None:
    data = article_to_dict(seed("impossible"))
    assert set(data) == {"title", "subtitle", "authors", "date", "fields", "licence", "blocks",
                         "notes", "warnings", "source"}
    json.dumps(data)  # JSON-ready
    assert {b["type"] for b in data["blocks"]} == {"speech", "heading", "paragraph", "dateline"}
    speech = next(b for b in data["blocks"] if b["type"] == "speech")
    assert speech["speaker"] == "A"
    assert next(b for b in data["blocks"] if b["type"] == "heading")["level"] == 1


# --- the header ----------------------------------------------------------------------

def test_author_line() -> None:
    article = seed("offensive")
    assert [p.name for p in article.authors] == ["Leon Trotsky"]
    assert article.warnings == ()


def test_no_author_line_is_not_invented() -> None:
    article = seed("impossible")
    assert article.authors == ()
    assert "no-author: no author line: the book's author applies" in article.warnings


def test_titles_including_two_lines() -> None:
    assert seed("offensive").title == "Let Us Reenforce Our Offensive!"
    assert seed("impossible").title == ("It Is Impossible to Remain in the Same International "
                                        "with Stalin, Manuilsky, Losovsky and Company")


def test_subtitle_and_date() -> None:
    impossible, offensive = seed("impossible"), seed("offensive")
    assert impossible.subtitle == "(A Conversation)"
    assert offensive.subtitle is None
    assert offensive.date == "August 1932"
    assert impossible.date == "July 1933"


def test_fields_verbatim_in_order() -> None:
    attribution = seed("offensive").attribution
    assert attribution.fields == (
        ("Written", "6 August 1932."),
        ("Source", "The Militant, Vol. V No. 35 (Whole No. 131), 27 August 1934, p.\u00a01."),
        ("Transcription/HTML Markup",
         "Einde O’Callaghan for the Trotsky Internet Archive."),
        ("Copyleft", "Leon Trotsky Internet Archive (www.marxists.org) 2014. Permission is "
                     "granted to copy and/or distribute this document under the terms of the "
                     "Creative Commons Attribution-ShareAlike 2.0."),
    )
    assert attribution.source == attribution.field("Source")
    assert attribution.transcribers == ("Einde O’Callaghan for the Trotsky Internet Archive.",)
    assert attribution.origin == "content/sample/offensive.txt"


@pytest.mark.parametrize("stem", STEMS)
def test_licence(stem: str) -> None:
    attribution = seed(stem).attribution
    assert attribution.licence is not None
    assert attribution.licence.id == "CC-BY-SA-2.0"
    assert attribution.licence.statement == attribution.field("Copyleft")


# --- the body ------------------------------------------------------------------------

def test_section_headings() -> None:
    headings = [plain_text(h.content) for h in blocks_of(seed("impossible"), Heading)]
    assert headings == [
        "The Comintern “As a Whole”", "The German Party", "The First Four Congresses",
        "The C.P.S.U.", "The Road of Civil War", "Pressure on the Bureaucracy",
        "Danger of Adventurism", "Muenzenberg a Symbol",
        "The Comintern a Brake on the Revolutionary Movement",
        "The Axis of the New Crystallization",
    ]
    assert all(h.level == 1 for h in blocks_of(seed("impossible"), Heading))
    assert blocks_of(seed("offensive"), Heading) == []


def test_speech_turns() -> None:
    article = seed("impossible")
    turns = blocks_of(article, Speech)
    assert len(turns) == 35  # every "A. …" and "B. …" paragraph of the source
    first = article.blocks[0]
    assert isinstance(first, Speech) and (first.speaker, first.label) == ("A", "A. –")
    assert plain_text(first.content).startswith("It is time to break with the caricature")
    dashless = next(t for t in turns if plain_text(t.content) == "So the civil war is inevitable?")
    assert (dashless.speaker, dashless.label) == ("B", "B.")
    assert {t.speaker for t in turns} == {"A", "B"}
    assert blocks_of(seed("offensive"), Speech) == []


def test_initials_in_an_ordinary_article_are_not_speech() -> None:
    data = ("Jane Doe\n\nOn Initials\n\nA. Smith wrote a book about it.\n\n"
            "B. Jones replied in the press.\n\nNobody else cared.").encode()
    article = read(data)
    assert blocks_of(article, Speech) == []
    assert plain_text(article.blocks[0].content) == "A. Smith wrote a book about it."


def test_note_call_tied_to_note() -> None:
    article = seed("impossible")
    (note,) = article.notes
    assert (note.id, note.label) == ("1", "1")
    assert isinstance(note.blocks[0], Paragraph)
    text = blocks_text(note.blocks[0])
    assert text.startswith("Oustric: Notorious French financier")
    assert text.endswith("condemned – Trans.")
    calls = [(b, i) for b in article.blocks if isinstance(b, Paragraph)
             for i in b.content if isinstance(i, NoteRef)]
    assert len(calls) == 1
    paragraph, ref = calls[0]
    assert ref == NoteRef(note_id="1", label="1")
    assert "He is an Oustric [1] on the" in blocks_text(paragraph)
    assert not any(blocks_text(b).startswith("1. Oustric") for b in article.blocks)


def test_closing_dateline_and_signature() -> None:
    offensive = seed("offensive")
    assert offensive.blocks[-2] == Dateline((Text("Prinkipo, August 6th, 1932"),))
    assert offensive.blocks[-1] == Signature((Text("L. Trotsky"),))
    assert seed("impossible").blocks[-1] == Dateline((Text("July 20, 1933"),))


@pytest.mark.parametrize("stem", STEMS)
def test_furniture_dropped(stem: str) -> None:
    text = text_of(seed(stem))
    for furniture in ("return return return", "natalia in red", "Last updated"):
        assert furniture not in text


@pytest.mark.parametrize("stem", STEMS)
def test_nothing_lost(stem: str) -> None:
    """Every sentence of the source, except furniture, is in the model letter for letter."""
    source = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
    model = text_of(seed(stem))
    for line in source.split("\n"):
        if not line.strip() or FURNITURE.match(line):
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            assert sentence in model, sentence


def test_spellings_and_nbsp_kept() -> None:
    offensive = text_of(seed("offensive"))
    assert "Reenforce" in offensive and "p.\u00a01." in offensive
    assert "Ordjonikidze" in offensive and "Ordjonikidize’s" in offensive


# --- structure rules from SEED-FORMAT.md ---------------------------------------------------

ARTICLE = """Jane Doe

A Title

(1 May 1940)

Source: Somewhere, 1940.

Place, 1 May 1940

First paragraph with a note.[1] And a numbered point follows.

1. This numbered point is not a note.

* * *

  1. first item
  2. second item
    continued

Roses are red,
\u00a0\u00a0violets are blue.



After a spacer.

Notes

1. The note itself.

It goes on here.
"""


def test_structure_rules() -> None:
    article = read(ARTICLE.encode())
    kinds = [type(b).__name__ for b in article.blocks]
    assert kinds == ["Dateline", "Paragraph", "Paragraph", "Separator", "ListBlock",
                     "Paragraph", "Paragraph"]
    assert article.date == "1 May 1940"
    assert NoteRef(note_id="1", label="1") in article.blocks[1].content
    assert blocks_text(article.blocks[2]) == "1. This numbered point is not a note."
    assert article.blocks[3] == Separator("* * *")
    items = article.blocks[4]
    assert isinstance(items, ListBlock) and items.ordered and items.start == 1
    assert [blocks_text(b) for item in items.items for b in item] == [
        "first item", "second item\ncontinued"]
    verse = article.blocks[5]
    assert verse.content == (Text("Roses are red,"), LineBreak(),
                             Text("\u00a0\u00a0violets are blue."))
    assert blocks_text(article.blocks[6]) == "After a spacer."  # 4 newlines: one break
    (note,) = article.notes
    assert [blocks_text(b) for b in note.blocks] == ["The note itself.", "It goes on here."]
    assert not any(blocks_text(b) == "Notes" for b in article.blocks)


def test_etol_style_header() -> None:
    data = ("Jim Higgins\n\nAUEW\n\nDecline of a union\n\n(September 1975)\n\n"
            "From the Spectator, 27 September 1975, p.401.\nTranscribed by Ted Crawford.\n"
            "Public Domain: Marxists Internet Archive (2019). You may freely copy it.\n\n"
            "Consider the case of the union.").encode()
    article = read(data)
    assert ([p.name for p in article.authors], article.title, article.date) == (
        ["Jim Higgins"], "Decline of a union", "September 1975")
    assert article.blocks[0] == Paragraph((Text("AUEW"),), role="kicker")  # kept, not lost
    assert article.attribution.fields == (
        ("Source", "From the Spectator, 27 September 1975, p.401."),
        ("Transcription", "Transcribed by Ted Crawford."),
        ("Public Domain", "Marxists Internet Archive (2019). You may freely copy it."))
    assert article.attribution.source == "From the Spectator, 27 September 1975, p.401."
    assert article.attribution.licence.id == "LicenseRef-PublicDomain"
    assert article.attribution.licence.statement == article.attribution.field("Public Domain")


def test_html_like_text_is_literal() -> None:
    data = ("Jane Doe\n\nA <b>Title</b> & more\n\n"
            "<script>alert(1)</script> AT&T says &amp; <b>\n\nThe end.").encode()
    article = read(data)
    assert article.title == "A <b>Title</b> & more"
    assert blocks_text(article.blocks[0]) == "<script>alert(1)</script> AT&T says &amp; <b>"


def test_not_utf8_is_decoded_with_a_warning() -> None:
    data = "Jane Doe\n\nCaf\u00e9 Society\n\nA \u201cquoted\u201d word.".encode("cp1252")
    article = read(data)
    assert article.title == "Caf\u00e9 Society"
    assert "\u201cquoted\u201d" in blocks_text(article.blocks[0])
    assert any("not UTF-8" in w for w in article.warnings)


@pytest.mark.parametrize("data", [b"", b"   \n\n \t\n", "\u00a0\n".encode(),
                                  b"Last updated on: 31.12.2013"])
def test_empty_input_is_a_source_error(data: bytes) -> None:
    with pytest.raises(SourceError) as caught:
        read(data, name="empty.txt")
    assert caught.value.path == "empty.txt" and caught.value.line == 1


def test_no_title_is_a_source_error() -> None:
    data = ("\n\n" + "A very long opening paragraph without any title. " * 20).encode()
    with pytest.raises(SourceError, match="no recognisable title") as caught:
        read(data, name="x.txt")
    assert caught.value.line == 3


# --- robustness ----------------------------------------------------------------------

FRAGMENTS = ["Leon Trotsky", "(August 1932)", "(A Conversation)", "Source: x", "Notes",
             "1. ", "[1]", "[2]", "A. – ", "B. ", "* * *", "  1. item", "    more",
             "July 20, 1933", "L. Trotsky", "return return return return return", "\u00a0",
             "Copyleft: Creative Commons Attribution-ShareAlike 2.0", "Last updated on: 1.1.2000"]
structured = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)),
                      max_size=40).flatmap(
    lambda parts: st.lists(st.sampled_from(["", " ", "\n", "\n\n", "\n\n\n"]),
                           min_size=len(parts), max_size=len(parts)).map(
        lambda seps: "".join(p + s for p, s in zip(parts, seps))))


def article_or_source_error(data: bytes) -> None:
    try:
        article = read(data, name="fuzz.txt")
    except SourceError as error:
        assert error.path == "fuzz.txt" and error.line is not None
        return
    check_article(article)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes(data: bytes) -> None:
    article_or_source_error(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_any_text(text: str) -> None:
    article_or_source_error(text.encode("utf-8", errors="surrogatepass"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structured)
def test_article_like_text(text: str) -> None:
    article_or_source_error(text.encode("utf-8", errors="surrogatepass"))


# --- the real corpus --------------------------------------------------------------------

CORPUS = SHARED / "corpus" / "mia-text"
SAMPLE = [  # a fixed spread: header styles, dialogues, lists, notes, other languages
    "archive/allende/1970/september/20.htm.txt",
    "archive/bax/1900/11/misconception.htm.txt",
    "archive/bebel/1879/excerpt/ch02.htm.txt",
    "archive/bensaid/2001/11/leninism.htm.txt",
    "archive/broue/1983/04/bolivia.htm.txt",
    "archive/broue/1987/03/pci-war.html.txt",
    "archive/cannon/works/1931/apr/pamphlet.htm.txt",
    "archive/corey/1934/decline/intro1.html.txt",
    "archive/glass/1938/01/chrev.htm.txt",
    "archive/higgins/1975/09/decline.htm.txt",
    "archive/kidron/works/1955/sr/01-jamaicans.html.txt",
    "archive/lafargue/1898/xx/abstract.htm.txt",
    "archive/lunachar/works/silhouet/plek.htm.txt",
    "archive/mandel/1968/09/revstudmvt.html.txt",
    "archive/meyer/1922/02/railway.html.txt",
    "archive/padmore/1940/05/revolt.html.txt",
    "archive/reed/1919/leftwing.htm.txt",
    "archive/sedova-natalia/1940/08/20.htm.txt",
    "archive/shachtma/1949/01/subversive.html.txt",
    "archive/thalheimer/works/fascism.htm.txt",
    "archive/trotsky/1938/morals/morals.htm.txt",
    "archive/vygodsky/1975/everlasting/ever1.htm.txt",
    "archive/young-harry/1945/by_theway.htm.txt",
    "espanol/grant/biografia.htm.txt",
    "history/usa/workers/black-panthers/1966/10/15.htm.txt",
]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no shared corpus here")
@pytest.mark.parametrize("rel", SAMPLE)
def test_corpus_sample(rel: str) -> None:
    article = read((CORPUS / rel).read_bytes(), name=rel)
    assert article.title.strip()
    assert article.blocks
