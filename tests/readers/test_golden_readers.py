"""Golden files of every reader: what each reads from a fixed set of inputs, as
`bookmaker inspect --json` shows it (`article_to_dict`), in tests/golden/readers/.

The corpus pages (../shared/corpus) are chosen for variety: many notes, tables, a
poem, letters, dialogue, Italian, Icelandic and Spanish, odd charsets, <sup>
markers, block quotes, <pre>, images, information blocks, section headings, a
copyleft statement, reference and subject pages. The Markdown inputs are in
tests/inputs/markdown/; the sample book's text seeds have theirs beside these
(tests/readers/test_mia_text.py).

A change meant to alter what a reader reads rewrites them:

    .venv/bin/python -m pytest tests/readers/test_golden_readers.py --update-golden

and the diff of tests/golden/ shows, page by page, what changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bookmaker.inspect import article_to_dict
from bookmaker.readers.markdown import read as read_markdown
from bookmaker.readers.mia import html as mia_html, text as mia_text
from conftest import GOLDEN, SHARED
from helpers import assert_golden

CORPUS = SHARED / "corpus"
INPUTS = Path(__file__).resolve().parent.parent / "inputs"

HTML_PAGES = [
    "archive/wintringham/1928/09/rationalisation.htm",  # many notes
    "archive/mann-tom/1934/chenduxiu.htm",  # tables
    "archive/saville/1981/xx/spain.htm",  # a poem
    "archive/fitzgerald/1923/quids_letter.htm",  # a letter
    "archive/weisbord/Russia.htm",  # dialogue, no charset declared
    "italiano/trotsky/1929/07/11.htm",  # Italian
    "islenska/luxemburg/1919/14-1.htm",  # Icelandic
    "archive/deleon/works/1907/answers/00-intro.html",  # windows-1251
    "archive/marx/works/1848/06/01b.htm",  # <sup> note markers
    "archive/mcclatchie/1954/standard_wartime.htm",  # <blockquote>
    "history/capitalism/gatt/ch39.htm",  # <pre>
    "archive/bernal/works/1960s/pm_letter.htm",  # images
]
TEXT_PAGES = [
    "archive/broue/1988/xx/landau.html",  # many notes
    "archive/sedova-natalia/1945/07/31.htm",  # tables
    "archive/saville/1981/xx/spain.htm",  # a poem
    "archive/fitzgerald/1914/soft_answer.htm",  # a letter
    "archive/mariateg/works/7-interpretive-essays/glossary.htm",  # a glossary
    "archive/paul-william/reviews/1923/03/crime.htm",  # an information block
    "archive/james-clr/works/1946/11/tenth2.htm",  # transcribed by Einde O'Callaghan
    "archive/cliff/works/1967/01/labour.htm",  # section headings
    "archive/young-harry/1943/work_hope.htm",  # a copyleft statement
    "reference/archive/kerensky/1927/catastrophe/ch15.htm",  # reference
    "subject/left-wing/gik/1930/13.htm",  # subject
    "espanol/grant/biografia.htm",  # Spanish
]
MARKDOWN = ["essay.md", "preface.md"]


def _slug(rel: str) -> str:
    return rel.replace("/", "__") + ".json"


def _json(article: object) -> str:
    return json.dumps(article_to_dict(article), ensure_ascii=False, indent=2) + "\n"


def _corpus() -> None:
    if not (CORPUS / "mia").is_dir() or not (CORPUS / "mia-text").is_dir():
        pytest.fail("the MIA corpus is missing beside the project (../shared/corpus)")


@pytest.mark.parametrize("rel", HTML_PAGES)
def test_mia_html_golden(rel: str, update_golden: bool) -> None:
    _corpus()
    article = mia_html.read((CORPUS / "mia" / rel).read_bytes(), name=rel)
    assert_golden(GOLDEN / "readers" / "mia-html" / _slug(rel), _json(article), update_golden)


@pytest.mark.parametrize("rel", TEXT_PAGES)
def test_mia_text_golden(rel: str, update_golden: bool) -> None:
    _corpus()
    article = mia_text.read((CORPUS / "mia-text" / f"{rel}.txt").read_bytes(), name=rel)
    assert_golden(GOLDEN / "readers" / "mia-text" / _slug(rel), _json(article), update_golden)


@pytest.mark.parametrize("name", MARKDOWN)
def test_markdown_golden(name: str, update_golden: bool) -> None:
    article = read_markdown((INPUTS / "markdown" / name).read_bytes(), name=name)
    assert_golden(GOLDEN / "readers" / "markdown" / f"{name}.json", _json(article),
                  update_golden)


def test_the_golden_folders_hold_only_what_is_tested() -> None:
    """A page dropped from the lists above takes its golden file with it."""
    expected = {("mia-html", _slug(r)) for r in HTML_PAGES}
    expected |= {("mia-text", _slug(r)) for r in TEXT_PAGES}
    expected |= {("markdown", f"{n}.json") for n in MARKDOWN}
    found = {(p.parent.name, p.name) for p in (GOLDEN / "readers").glob("*/*.json")
             if p.parent.name != "sample"}
    assert found == expected
