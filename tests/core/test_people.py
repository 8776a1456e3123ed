"""Credit fields read into people (bookmaker.people), on values taken word for
word from the MIA corpus; each case names the page it comes from (under
../shared/corpus/mia/)."""

from __future__ import annotations

import re

import pytest

from bookmaker import Metadata, Person, assemble
from bookmaker.model import Article, Attribution, Paragraph, Text
from bookmaker.people import (Credit, contributors, credit_lines, credits_of, document_authors,
                              is_person, label_roles, parse_credit, person_key)
from bookmaker.readers.mia import html as mia_html, text as mia_text
from conftest import SHARED

CORPUS = SHARED / "corpus"
needs_corpus = pytest.mark.skipif(not (CORPUS / "mia" / "MANIFEST.tsv").is_file(),
                                  reason="no shared corpus here")

TRC, MRK, PFR, TRL, EDT = "trc", "mrk", "pfr", "trl", "edt"

# (page, label, value, [(roles, names), …], the whole value read as names)
READ = [
    ("archive/hansen/1939/08/fascism4.htm", "Transcription/HTML Markup",
     "2016 by Einde O’Callaghan.", [((TRC, MRK), ("Einde O’Callaghan",))], True),
    ("archive/morrow-felix/1946/02/24.htm", "Transcribed", "by Ted Crawford, 2003.",
     [((TRC,), ("Ted Crawford",))], True),
    ("archive/morrow-felix/1946/02/24.htm", "Proofreader", "Einde O’Callaghan (August 2015).",
     [((PFR,), ("Einde O’Callaghan",))], True),
    ("archive/trotsky/1938/04/lp.htm", "Transcription/HTML Markup",
     "Chris Harman and David Walters.", [((TRC, MRK), ("Chris Harman", "David Walters"))], True),
    ("archive/bebel/1898/11/02.htm", "Transcription",
     "Transcribed & marked up by Einde O’Callaghan for the Marxists’ Internet Archive.",
     [((TRC, MRK), ("Einde O’Callaghan",))], True),
    ("archive/chen-duxiu/1929/12/destroy.htm", "Transcription",  # the space after O’ goes
     "Transcribed & marked up by Einde O’ Callaghan for the Marxists’ Internet Archive.",
     [((TRC, MRK), ("Einde O’Callaghan",))], True),
    ("archive/marx/works/1848/06/01b.htm", "Transcribed",
     "Einde O'Callaghan for the Marxists’ Internet Archive (May 2014).",
     [((TRC,), ("Einde O'Callaghan",))], True),
    ("archive/sedgwick/1976/12/fraud.htm", "Markup",
     "Marked up byEinde O’Callaghan for the Marxists’ Internet Archive.",
     [((MRK,), ("Einde O’Callaghan",))], True),
    ("archive/kidron/works/1954/programme/5411-programme.html", "Transcription",
     "Transcribed by Ian Birchall, Nina Kidron & Richard Kuper.",
     [((TRC,), ("Ian Birchall", "Nina Kidron", "Richard Kuper"))], True),
    ("archive/zinoviev/works/x01/x01.htm", "Transcription",
     "Mike Bessler (first part) and Daniel Gaido (second part);",
     [((TRC,), ("Mike Bessler", "Daniel Gaido"))], True),
    ("archive/zinoviev/works/x01/x01.htm", "HTML Markup", "Roland Ferguson and D. Walters;",
     [((MRK,), ("Roland Ferguson", "D. Walters"))], True),
    ("archive/pouliop/works/1940/05/commac.htm", "Proofread",
     "Mike B., August 2003, Zdravko, October 2005", [((PFR,), ("Mike B.", "Zdravko"))], True),
    ("archive/pouliop/works/1940/05/commac.htm", "Editors",
     "Tassos Anastasiadis, D. Platanos [OKDE-Spartakos], additional notes by Zdravko of the "
     "Macedonian Language Archive", [((EDT,), ("Tassos Anastasiadis", "D. Platanos", "Zdravko"))],
     True),
    ("archive/eastman/1919/06/letter.htm", "Transcribed, Edited & Formatted",
     "by Tim Davenport in 2007.", [((TRC, EDT, MRK), ("Tim Davenport",))], True),
    ("archive/gramsci/1921/09/tactic-failure.htm", "Translated", "by Ben W.",
     [((TRL,), ("Ben W.",))], True),  # an initial keeps its full stop
    ("archive/hirson/1995/xx/china.html", "Transcription",
     "Transcribed by alun Morgan for the Revolutionary History Website.",
     [((TRC,), ("Alun Morgan",))], True),
    ("archive/guevara/1959/04/18-abs.htm", "Translated",
     "William E. Ratliff in the Hispanic American Historical Review of August, 1966.",
     [((TRL,), ("William E. Ratliff",))], True),
    ("archive/reed/1915/prost.htm", "Transcribed", "Sally Ryan January, 2001",
     [((TRC,), ("Sally Ryan",))], True),
    ("archive/grant/1983/09/appeal.htm", "Transcription/Markup", "Emil 1998/2006",
     [((TRC, MRK), ("Emil",))], True),
    ("archive/broue/1980/01/bloc.html", "Translated", "Translated by the John Archer.",
     [((TRL,), ("John Archer",))], True),
    ("archive/pouliop/works/1939/07/x01.htm", "English Translation", "VN Gelis",
     [((TRL,), ("VN Gelis",))], True),
    ("archive/kuusinen/1924/x01/leadership.htm", "Translator", "M. L. Kortchmar",
     [((TRL,), ("M. L. Kortchmar",))], True),
    ("archive/shoul/1947/breakdown/index.htm", "Transcription/Markup",
     "(In process - PDFs are temporary) Steve Palmer", [((TRC, MRK), ("Steve Palmer",))], True),
    ("archive/korsch/1939/state-counterrevolution.htm", "Transcribed",
     "by\xa0Zdravko Saveski, for marxists.org 2009;", [((TRC,), ("Zdravko Saveski",))], True),
    ("islenska/luxemburg/1919/14-1.htm", "Stafrænn texti við", "Örn Ólafsson.",
     [((TRC,), ("Örn Ólafsson",))], True),
    # the value names other work than the label: its own words win
    ("archive/mariateg/works/1924-hwc/hwc08.htm", "Translated",
     "Translated by Juan R. Fajardo, 1998", [((TRL,), ("Juan R. Fajardo",))], True),
    # part of the value is names, part is not: the names count, the value is shown as written
    ("archive/kitz/reflections.htm", "Transcription",
     "Original OCR and proofing by RA for the Kate Sharpley library; minor corrections by "
     "Graham Seaman", [((PFR,), ("Graham Seaman",))], False),
    ("archive/thalheimer/works/fascism.htm", "Transcription\\HTML Markup",
     "What’s Next magazine, additional copyediting by Martin Falhgren in 2012",
     [((EDT,), ("Martin Falhgren",))], False),
    ("archive/sedova-natalia/1940/12/12.htm", "Proofread",
     "Einde O’Callaghan (July 2015). Public Domain: Marxists Internet Archive (2008). You may "
     "freely copy, distribute, display and perform this work; as well as make derivative and "
     "commercial works. Please credit “Marxists Internet Archive” as your source.",
     [((PFR,), ("Einde O’Callaghan",))], False),
    ("subject/left-wing/gik/1930/04.htm", "Translated",
     "Translated and Edited by Mike Baker: published by the Movement for Workers' Councils, "
     "London 1990.", [((TRL, EDT), ("Mike Baker",))], False),
]

# values that name no person: they stay as written and give no one
NO_PERSON = [
    ("archive/fitzgerald/1905/paris_commune.htm", "Transcription", "Socialist Party of Great Britain."),
    ("archive/brendel/1953/east-germany.htm", "Transcription", "kurasje.org"),
    ("archive/brendel/1999/communism.htm", "Transcription", "Red & Black Notes"),
    ("archive/pouliop/works/1939/07/x01.htm", "HTML Markup", "MIA volunteer"),
    ("archive/grant/1944/02/centrism.htm", "Proofread", "Needs doing."),
    ("archive/krupskaya/works/howleninstudiedmarx.htm", "Translated", "Unknown"),
    ("archive/mariateg/works/1929-tro.htm", "Transcription",
     "Transcribed for the Internet by director@marx.org, July 26 1996"),
    ("archive/bauer/1913/12/reformism.htm", "Translated", "Translated from Die Neue Zeit."),
]


@pytest.mark.parametrize("page,label,value,groups,complete", READ,
                         ids=[f"{r[0]}:{r[1]}" for r in READ])
def test_a_credit_is_read_into_people(page: str, label: str, value: str,
                                      groups: list, complete: bool) -> None:
    credit = parse_credit(label, value)
    assert credit is not None
    assert list(credit.groups) == groups
    assert credit.complete is complete
    if not complete:
        assert credit.text == f"{label}: {value}"  # shown as written


@pytest.mark.parametrize("page,label,value", NO_PERSON, ids=[f"{r[0]}:{r[2]}" for r in NO_PERSON])
def test_a_value_that_names_no_person_stays_as_written(page: str, label: str, value: str) -> None:
    credit = parse_credit(label, value)
    assert credit is not None and not credit.complete and credit.people == ()
    assert credit.text == f"{label}: {value}"


def test_the_text_of_a_credit_names_people_and_what_they_did() -> None:
    # archive/trotsky/1938/04/lp.htm; archive/eastman/1919/06/letter.htm
    assert parse_credit("Transcription/HTML Markup", "Chris Harman and David Walters.").text == \
        "Transcribed and marked up by Chris Harman and David Walters"
    assert parse_credit("Transcribed, Edited & Formatted", "by Tim Davenport in 2007.").text == \
        "Transcribed, edited and marked up by Tim Davenport"


@pytest.mark.parametrize("label,roles", [
    ("Transcription/HTML Markup", (TRC, MRK)),         # archive/trotsky/1938/04/lp.htm
    ("Transcription\\HTML Markup", (TRC, MRK)),        # archive/trotsky/1932/pcr/index.htm
    ("HTML-markup", (MRK,)), ("Mark-Up", (MRK,)), ("Marked up", (MRK,)),
    ("Proofed", (PFR,)), ("Proofreading/Editing", (PFR, EDT)),
    ("Transcribed/Proofed/Corrected", (TRC, PFR)),     # archive/gorter/1920/open-letter/…
    ("Translated from German by", (TRL,)), ("Translation/English Transcription", (TRL, TRC)),
    ("Editors", (EDT,)),
    ("Source", ()), ("Edition", ()), ("This Edition", ()), ("Online Version", ()),
    ("First Published", ()), ("Written", ()), ("Public Domain", ()),
])
def test_labels_name_their_roles(label: str, roles: tuple[str, ...]) -> None:
    assert label_roles(label) == roles


def test_a_credit_has_the_roles_of_its_label_and_of_its_value() -> None:
    # archive/posadas/1968/06/flyingsaucers.html
    credit = parse_credit("Translated", "Translated and transcribed by David Broder.")
    assert credit is not None and credit.roles == (TRL, TRC)
    assert credit.text == "Translated and transcribed by David Broder"


def test_no_credit_without_a_role_or_a_value() -> None:
    assert parse_credit("Source", "The Militant, 1934.") is None
    assert parse_credit("Proofread", "") is None  # archive/…: "Proofread:" and nothing


@pytest.mark.parametrize("name", ["Einde O’Callaghan", "M.L. Kortchmar", "Mike B.", "VN Gelis",
                                  "Zodiac", "Örn Ólafsson", "Isabel O'Sullivan",
                                  "Eleanor Marx Aveling", "Juan R. Fajardo"])
def test_people(name: str) -> None:
    assert is_person(name)


@pytest.mark.parametrize("name", ["Marxists Internet Archive", "the MIA", "MIA", "Workers’ Liberty",
                                  "Workers' Liberty", "Public Domain", "zabalaza.net",
                                  "http://www.marxists.org/", "Socialist Party", "Unknown",
                                  "Intercontinental Press", "Class Against Class", "RA",
                                  "2016 by Einde O’Callaghan", "Transcribed"])
def test_not_people(name: str) -> None:
    assert not is_person(name)


def test_one_person_has_one_key_whatever_the_spelling() -> None:
    assert len({person_key(n) for n in ["Einde O’Callaghan", "Einde O'Callaghan",
                                        "Einde O’ Callaghan", "einde o’callaghan"]}) == 1
    assert person_key("E.H. Carr") == person_key("E. H. Carr") == person_key("E H Carr")
    # archive/pearce/1959/11/revealing-burp.htm and archive/foot-paul/1994/10/stones.html
    assert person_key("Christian Hogsbjerg") == person_key("Christian Høgsbjerg")
    assert person_key("M. L. Kortchmar") == person_key("M.L. Kortchmar")
    assert person_key("David Walters") != person_key("D. Walters")  # joined in a book, below


def _article(title: str, *fields: tuple[str, str], authors: tuple[str, ...] = ()) -> Article:
    return Article(title=title, blocks=(Paragraph((Text("…"),)),),
                   authors=tuple(Person(a) for a in authors),
                   attribution=Attribution(fields=fields))


def test_a_book_names_each_person_once_with_all_they_did() -> None:
    book = assemble([
        _article("a", ("Transcription/HTML Markup", "Chris Harman and David Walters."),
                 authors=("Leon Trotsky",)),
        _article("b", ("HTML Markup", "Roland Ferguson and D. Walters;"),  # the same David
                 ("Transcription", "Transcribed & marked up by Einde O’ Callaghan for the "
                                   "Marxists’ Internet Archive.")),
        _article("c", ("Transcribed", "Einde O'Callaghan for the Marxists’ Internet Archive "
                                      "(May 2014)."),
                 ("Proofread", "Einde O’Callaghan (July 2015)."), authors=("L. Trotsky",)),
        _article("d", ("Transcription", "Transcribed & marked up by Einde for the Einde "
                                        "O’Callaghan for the Marxists’ Internet Archive."),
                 ("Transcription", "Socialist Party of Great Britain.")),
    ], Metadata(title="T", authors=(Person("Leon Trotsky"),)))
    people = {c.name: c.roles for c in contributors(book)}
    assert people == {"Leon Trotsky": ("aut",), "Chris Harman": (TRC, MRK),
                      "David Walters": (TRC, MRK), "Roland Ferguson": (MRK,),
                      "Einde O’Callaghan": (TRC, MRK, PFR)}
    assert [c.creator for c in contributors(book)] == [True, False, False, False, False]
    assert credit_lines(book) == [
        "Transcribed by Chris Harman, David Walters and Einde O’Callaghan.",
        "Marked up by Chris Harman, David Walters, Roland Ferguson and Einde O’Callaghan.",
        "Proofread by Einde O’Callaghan.",
        "Transcription: Socialist Party of Great Britain.",
    ]


def test_the_document_author_is_the_authors_or_the_editors() -> None:
    articles = [_article("a", authors=("Rosa Luxemburg",))]
    book = assemble(articles, Metadata(title="T", authors=(Person("Leon Trotsky"),)))
    assert document_authors(book) == ["Leon Trotsky"]
    one = Metadata(title="T", editors=(Person("Ed Itor", "edt"),))
    assert document_authors(assemble(articles, one)) == ["Ed Itor (ed.)"]
    two = Metadata(title="T", editors=(Person("Ed Itor", "edt"), Person("Ann Other", "edt")))
    assert document_authors(assemble(articles, two)) == ["Ed Itor", "Ann Other (eds.)"]
    assert document_authors(assemble(articles, Metadata(title="T"))) == ["Rosa Luxemburg"]


def test_credits_inside_a_note_count() -> None:
    # archive/castoriadis/1966/marxism.htm; archive/lenin/works/1920/lwc/index.htm
    att = Attribution(fields=(
        ("Note", "Digitalized by For Workers' Power on January 23, 2011. Marked-up by Jonas "
                 "Holmgren for the Marxists Internet Archive."),
        ("Note", "2nd Proof reading: Steve Iverson, 2014")))
    assert [c.people for c in credits_of(att)] == [(Person("Jonas Holmgren", MRK),),
                                                    (Person("Steve Iverson", PFR),)]
    assert all(c.label == "Note" and not c.complete for c in credits_of(att))


@needs_corpus
@pytest.mark.parametrize("page", ["archive/trotsky/1938/04/lp.htm",
                                  "archive/zinoviev/works/x01/x01.htm",
                                  "archive/morrow-felix/1946/02/24.htm"])
def test_both_readers_give_a_page_the_same_people(page: str) -> None:
    html = mia_html.read((CORPUS / "mia" / page).read_bytes(), name=page)
    text = mia_text.read((CORPUS / "mia-text" / (page + ".txt")).read_bytes(), name=page)
    people = [c.people for c in credits_of(html.attribution)]
    assert people and people == [c.people for c in credits_of(text.attribution)]


_BAD_NAME = re.compile(r"\d|\bby\b|\bfor\b|\band\b|&|[,;:()]|(?i:archive|internet|marxists)")


@needs_corpus
def test_no_name_read_from_the_corpus_holds_a_date_a_by_or_two_people() -> None:
    """Every credit of the 720 HTML pages: the names read hold no year, no "by",
    no "for the …", no second person, no organisation."""
    rows = (CORPUS / "mia" / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    names: set[str] = set()
    credits: list[Credit] = []
    for rel in (r.split("\t", 1)[0] for r in rows if r.strip()):
        try:
            article = mia_html.read((CORPUS / "mia" / rel).read_bytes(), name=rel)
        except Exception:  # a page the reader refuses is another test's business
            continue
        found = credits_of(article.attribution)
        credits += found
        names.update(n for c in found for n in c.names)
    assert len(credits) > 700 and len(names) > 100
    assert [n for n in names if _BAD_NAME.search(n) or not is_person(n)] == []
    assert sum(c.complete for c in credits) / len(credits) > 0.9
