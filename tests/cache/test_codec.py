"""The cache's encoding of the book model: data that decodes into the very
same objects, and into nothing else, never running code."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bookmaker import model
from bookmaker.cache import codec
from bookmaker.errors import SourceError
from bookmaker.model import (Article, Attribution, Block, Cell, Dateline, Emphasis, Figure,
                             Heading, LineBreak, Link, ListBlock, Note, NoteRef, Paragraph,
                             Person, Preformatted, Quote, Licence, Separator, Signature,
                             SmallCaps, Speech, Strong, Table, Text)
from bookmaker.readers import reader_for
from strategies import mia_html_pages, mia_text_pages

_text = st.text(max_size=12)  # any text: lone surrogates and controls too
_opt = st.none() | _text
_small = st.integers(-3, 1 << 40)

_inline = st.deferred(lambda: st.one_of(
    st.builds(Text, _text),
    st.builds(Emphasis, _inlines), st.builds(Strong, _inlines), st.builds(SmallCaps, _inlines),
    st.builds(NoteRef, _text, _text), st.builds(Link, _text, _inlines), st.builds(LineBreak)))
_inlines = st.lists(_inline, max_size=3).map(tuple)

_block = st.deferred(lambda: st.one_of(
    st.builds(Heading, _inlines, _small), st.builds(Paragraph, _inlines, _text),
    st.builds(Quote, _blocks),
    st.builds(ListBlock, st.lists(_blocks, max_size=2).map(tuple), st.booleans(), _small),
    st.builds(Speech, _text, _text, _inlines), st.builds(Dateline, _inlines),
    st.builds(Signature, _inlines), st.builds(Separator, _text), st.builds(Preformatted, _text),
    st.builds(Figure, _text, _text, _inlines),
    st.builds(Table, st.lists(st.lists(st.builds(Cell, _inlines, st.booleans(), _small, _small),
                                       max_size=2).map(tuple), max_size=2).map(tuple), _inlines)))
_blocks = st.lists(_block, max_size=3).map(tuple)

_licence = st.none() | st.builds(Licence, _text, _text, _text, _opt)
_people = st.lists(st.builds(Person, _text, _text), max_size=2).map(tuple)
_attribution = st.builds(Attribution, st.lists(st.tuples(_text, _text), max_size=2).map(tuple),
                         _opt, st.lists(_text, max_size=2).map(tuple), _licence, _opt, _opt)
_notes = st.lists(st.builds(Note, _text, _blocks, _text), max_size=2).map(tuple)
articles = st.builds(Article, _text, _blocks, _opt, _people, _opt, _notes, _attribution, _text,
                     st.lists(_text, max_size=2).map(tuple))

_SHELL = tuple[Article, tuple[str, ...], bool, bool]
_BODY = tuple[tuple[Block, ...], tuple[Note, ...]]


@settings(max_examples=300, deadline=None)
@given(articles)
def test_any_article_comes_back_equal(article: Article) -> None:
    back = codec.loads(codec.dumps(article), Article)
    assert back == article and hash(back) == hash(article)
    assert type(back.blocks) is tuple and type(back.authors) is tuple


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mia_html_pages().map(lambda p: (p, "page.htm")),
                 mia_text_pages().map(lambda p: (p, "page.txt"))))
def test_articles_read_from_pages_come_back_equal(page: tuple[bytes, str]) -> None:
    try:
        article = reader_for(Path(page[1]))(page[0], name=page[1])
    except SourceError:
        assume(False)
    shell = (replace(article, blocks=(), notes=()), ("note 1 is never called",), True, False)
    assert codec.loads(codec.dumps(shell), _SHELL) == shell
    body = (article.blocks, article.notes)
    assert codec.loads(codec.dumps(body), _BODY) == body


@settings(max_examples=200, deadline=None)
@given(articles, st.data())
def test_damaged_data_is_refused_or_still_an_article(article: Article, data: st.DataObject) -> None:
    raw = bytearray(codec.dumps(article))
    at = data.draw(st.integers(0, len(raw) - 1))
    raw[at] ^= data.draw(st.integers(1, 255))
    try:
        back = codec.loads(bytes(raw), Article)
    except ValueError:
        return
    assert isinstance(back, Article)  # (a digest tells it from the original: see BlobCache)


@pytest.mark.parametrize("data", [
    ["Article"],                                          # too few fields
    ["Text", 1],                                          # an int for a str
    ["Heading", [], True],                                # a bool for an int
    ["Paragraph", [["Heading", [], 1]], ""],              # a block among inlines
    ["Paragraph", "not a list", ""],
    ["BlobCache", "x"],                                   # not a model class
    ["plain_text", []],                                   # exported, but not a class
    ["__class__", "x"],
    {"Text": "x"},
])
def test_what_is_not_a_model_object_is_refused(data: object) -> None:
    for kind in (Block, model.Inline, Article):
        with pytest.raises(ValueError):
            codec.decode(data, kind)


def test_nothing_but_the_model_is_made(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Bomb:
        def __reduce__(self) -> tuple[object, ...]:
            return (exec, (f"open({str(marker)!r}, 'w').close()",))

    bomb = pickle.dumps(Bomb())
    pickle.loads(bomb)  # the experiment works: unpickled, it runs
    assert marker.exists()
    marker.unlink()
    with pytest.raises(ValueError):
        codec.loads(bomb, Article)
    with pytest.raises(ValueError):
        codec.loads(json.dumps(["exec", "open('x','w')"]).encode(), Article)
    assert not marker.exists()


def test_deep_nesting_is_refused_not_a_crash() -> None:
    data: object = ["Text", "x"]
    for _ in range(100_000):
        data = ["Emphasis", [data]]
    with pytest.raises(ValueError):
        codec.decode(data, model.Inline)


def test_a_specs_kept_toml_comes_back_equal() -> None:
    import tomllib

    from bookmaker.make.spec import kept_decode, kept_encode

    data = tomllib.loads('a = 1979-05-27T07:32:00-08:00\nb = 1979-05-27\nc = 07:32:00.999\n'
                         'd = 1979-05-27T00:32:00.999999\ne = [1, 2.5, "x", ["a", "t"], '
                         '{k = inf}]\nf = -0.0\n[[g]]\nh = "t"\n')
    back = kept_decode(json.loads(json.dumps(kept_encode(data))))
    assert repr(back) == repr(data)
    for damaged in (["t", "datetime", 3], ["x"], [], None, {"k": ["exec", "x"]}):
        with pytest.raises(ValueError):
            kept_decode(damaged)
