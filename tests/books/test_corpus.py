"""A fixed sample of the MIA corpus in CI (issue 6, point 5): every house style,
no crash, at least 99 % of each page's paragraph text in the model, and a few
one-article EPUBs through EPUBCheck. The whole corpus is `bench/corpus.py`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookmaker.errors import BookmakerError
from bookmaker.readers.mia import html as mia_html, text as mia_text
from conftest import SHARED
from helpers import epubcheck_many, load_bench

CORPUS = SHARED / "corpus"
pytestmark = pytest.mark.skipif(not (CORPUS / "mia" / "MANIFEST.tsv").is_file(),
                                reason="no shared corpus here")


SAMPLE = [
    "archive/trotsky/1931/spain/spain05.htm",  # bk/fw notes, trailer table, image map
    "archive/trotsky/1922/02/tu.htm",  # declares iso-8859-1, holds UTF-8; span.note
    "archive/trotsky/1938/04/lp.htm",  # discussion transcript, 27 notes
    "archive/trotsky/1934/08/ame.htm",  # old h5 header
    "archive/dunne/1927/03/x01.htm",  # sup.anote
    "archive/fryer/1957/09/lenin-phil.html",  # Word-style #ftn notes
    "archive/bax/1900/11/misconception.htm",  # sup.enote, one-way links
    "archive/deleon/works/1907/answers/00-intro.html",  # declares windows-1251
    "archive/olgin/freiheit/olgin02.htm",  # declares utf-16
    "archive/hansen/1945/06/conscript.html",  # p.information
    "archive/hansen/1939/08/fascism4.htm",  # p.information
    "archive/marx/works/1848/06/14a.htm",  # p.information
    "archive/morrow-felix/1940/06/baltic.html",  # p.info
    "archive/malaka/1922/12/discussion.htm",  # p.info
    "archive/james-clr/works/1939/09/negro03.htm",  # p.info
    "archive/badayev/1929/duma/ch19.html",  # h5 block
    "archive/zachariadis/biography.htm",  # h5 block
    "archive/lafargue/1883/lazy/ch04.htm",  # h5 block
    "archive/broue/1975/germrev/chap03.html",  # no info block
    "archive/bax/1882/marat/chap06.htm",  # no info block
    "archive/cliff/works/1986/tradeunion/ch17.htm",  # many notes
    "archive/held-walter/1937/03/spain.htm",  # many notes
    "archive/plekhanov/1892/engels/notes1.html",  # a notes page
    "archive/tressell/works/1914/chap23.html",  # tables
    "archive/foot-paul/1988/01/num.htm",  # tables
    "archive/plekhanov/1895/anarch/index.htm",  # tables
    "archive/trotsky/1915/first-year-of-war.htm",  # images
    "archive/horrabin/1923/02/ruhr.htm",  # images
    "archive/lunachar/works/silhouet/plek.htm",  # images
    "archive/martov/1921/xx/decomp.htm",  # p.quoteb
    "archive/shliapnikov/1923/eve1917/chap2.html",  # p.quoteb
    "archive/glaberman/2000/xx/interview.htm",  # dialogue
    "archive/weisbord/Russia.htm",  # dialogue, no charset
    "archive/grant/1957/04/letter.htm",  # letter, us-ascii
    "archive/radek/1922/12/bloc.htm",  # no charset
    "archive/weisbord/SevenThree.htm",  # pre
    "archive/cliff/works/1959/rosalux/index.htm",  # index page
    "archive/riazanov/bio/bio01.htm",  # sup markers
    "archive/young-harry/1980/trenches.htm",  # CC licence
    "italiano/trotsky/1929/07/11.htm",  # not English
]
EPUB_SAMPLE = SAMPLE[:5]


@pytest.fixture(scope="module")
def bench():
    return load_bench("corpus")


@pytest.mark.parametrize("rel", SAMPLE)
def test_page_reads_in_both_formats(rel: str, bench) -> None:
    data = (CORPUS / "mia" / rel).read_bytes()
    try:
        article = mia_html.read(data, name=rel)
    except BookmakerError as error:  # allowed, but it must name the page and say why
        assert error.path == rel and error.message
        return
    assert article.title.strip()
    assert article.blocks or article.notes or article.attribution.fields
    share = bench.coverage(bench.page_words(data), bench.model_words(article))
    assert share >= 0.99, f"{rel}: only {share:.2%} of the page's paragraph text in the model"
    text = mia_text.read((CORPUS / "mia-text" / (rel + ".txt")).read_bytes(), name=rel)
    assert text.title.strip()


def test_epubcheck_sample(bench, tmp_path: Path) -> None:
    paths = []
    for i, rel in enumerate(EPUB_SAMPLE):
        out = tmp_path / f"{i}.epub"
        assert bench.make_epub(rel, str(out)) is None
        paths.append(out)
    results = epubcheck_many(paths)
    problems = {str(p): results.get(str(p)) for p in paths}
    assert all(r is not None and r[0] + r[1] == 0 for r in problems.values()), problems
