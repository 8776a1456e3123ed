"""The one traversal of the model: `walk` sees every block and inline, the maps
rebuild only what they change, and note numbering sees what walk sees."""

from __future__ import annotations

from typing import get_args

from hypothesis import given, settings, strategies as st

from bookmaker.assembly import number_notes
from bookmaker.model import (Article, Block, Cell, Dateline, Definition, DefinitionList,
                             Emphasis, Figure, Heading, Inline, LineBreak, Link, ListBlock, Note,
                             NoteRef, Paragraph, Preformatted, Quote, Separator, Signature,
                             SmallCaps, Speech, Strong, Table, Text, map_blocks, map_inlines, walk)

_ids = st.sampled_from(["a", "b", "c", "d"])
_inline = st.deferred(lambda: st.one_of(
    st.builds(Text, st.text(max_size=3)), st.builds(NoteRef, _ids, st.just("")),
    st.builds(Emphasis, _inlines), st.builds(Strong, _inlines), st.builds(SmallCaps, _inlines),
    st.builds(Link, st.just("https://example.org/"), _inlines), st.builds(LineBreak)))
_inlines = st.lists(_inline, max_size=3).map(tuple)
_block = st.deferred(lambda: st.one_of(
    st.builds(Heading, _inlines), st.builds(Paragraph, _inlines), st.builds(Quote, _blocks),
    st.builds(ListBlock, st.lists(_blocks, max_size=2).map(tuple)),
    st.builds(Speech, st.just("A"), st.just("A."), _inlines), st.builds(Dateline, _inlines),
    st.builds(Signature, _inlines), st.builds(Separator), st.builds(Preformatted, st.just("x")),
    st.builds(Figure, st.just("i.png"), st.just("alt"), _inlines),
    st.builds(Table, st.lists(st.lists(st.builds(Cell, _inlines), max_size=2).map(tuple),
                              max_size=2).map(tuple), _inlines),
    st.builds(DefinitionList, st.lists(st.builds(
        Definition, _inlines, st.lists(_blocks, max_size=2).map(tuple)), max_size=2).map(tuple))))
_blocks = st.lists(_block, max_size=3).map(tuple)
BLOCKS = get_args(Block)


def calls(blocks: tuple[Block, ...]) -> list[NoteRef]:
    return [n for n in walk(blocks) if isinstance(n, NoteRef)]


def test_walk_goes_everywhere_in_reading_order() -> None:
    blocks = (
        Paragraph((Text("a"), NoteRef("p"), Emphasis((NoteRef("em"),)))),
        Figure("i.png", "alt", (NoteRef("figure"),)),
        Table(((Cell((NoteRef("cell1"),)), Cell((NoteRef("cell2"),))),), (NoteRef("caption"),)),
        DefinitionList((Definition((NoteRef("term"),), ((Paragraph((NoteRef("dd"),)),),)),)),
        ListBlock(((Quote((Paragraph((NoteRef("quoted"),)),)),), (Speech("A", "A.", (NoteRef("said"),)),))),
    )
    assert [c.note_id for c in calls(blocks)] == [
        "p", "em", "figure", "caption", "cell1", "cell2", "term", "dd", "quoted", "said"]
    kinds = [type(n).__name__ for n in walk(blocks)]
    assert kinds[:5] == ["Paragraph", "Text", "NoteRef", "Emphasis", "NoteRef"]
    assert {"Quote", "ListBlock", "Speech", "DefinitionList", "Table", "Figure"} <= set(kinds)


@settings(max_examples=60, deadline=None)
@given(_blocks)
def test_the_maps_keep_what_they_do_not_change(blocks: tuple[Block, ...]) -> None:
    same = map_inlines(blocks, lambda n: n)
    assert same == blocks and all(a is b for a, b in zip(same, blocks))
    again = map_blocks(blocks, lambda b: b)
    assert again == blocks and all(a is b for a, b in zip(again, blocks))


@settings(max_examples=60, deadline=None)
@given(_blocks)
def test_map_inlines_meets_every_inline_walk_meets(blocks: tuple[Block, ...]) -> None:
    met: list[Inline] = []

    def record(node: Inline) -> Inline:
        met.append(node)
        return node

    map_inlines(blocks, record)
    walked = [n for n in walk(blocks) if not isinstance(n, BLOCKS)]
    assert sorted(map(repr, met)) == sorted(map(repr, walked))


@settings(max_examples=60, deadline=None)
@given(_blocks)
def test_map_blocks_meets_every_block_walk_meets(blocks: tuple[Block, ...]) -> None:
    met: list[Block] = []

    def record(block: Block) -> Block:
        met.append(block)
        return block

    map_blocks(blocks, record)
    walked = [n for n in walk(blocks) if isinstance(n, BLOCKS)]
    assert sorted(map(repr, met)) == sorted(map(repr, walked))


def test_map_blocks_rebuilds_the_nested_ones() -> None:
    blocks = (Quote((ListBlock(((Separator("*"),),)),)),)
    out = map_blocks(blocks, lambda b: Separator("—") if isinstance(b, Separator) else b)
    assert out == (Quote((ListBlock(((Separator("—"),),)),)),)
    assert blocks[0] == Quote((ListBlock(((Separator("*"),),)),))  # the original is as it was


@settings(max_examples=60, deadline=None)
@given(_blocks)
def test_notes_are_numbered_in_the_order_walk_meets_their_calls(blocks: tuple[Block, ...]) -> None:
    ids = ["a", "b", "c", "d"]
    article = Article("t", blocks, notes=tuple(Note(i, (Paragraph((Text(i),)),), i) for i in ids))
    numbered, warnings = number_notes(article, "here")
    first = list(dict.fromkeys(c.note_id for c in calls(blocks)))
    labels = {c.note_id: c.label for c in calls(numbered.blocks)}
    assert labels == {nid: str(i) for i, nid in enumerate(first, start=1)}
    assert [n.id for n in numbered.notes] == first + [i for i in ids if i not in first]
    assert len(warnings) == len(ids) - len(first)  # "never called", once for each


def test_a_call_in_a_figure_caption_counts() -> None:
    article = Article("t", (Figure("i.png", "alt", (NoteRef("x"),)), Paragraph((NoteRef("y"),))),
                      notes=(Note("y", (Paragraph((Text("y"),)),)), Note("x", (Paragraph((Text("x"),)),))))
    numbered, warnings = number_notes(article, "here")
    assert warnings == [] and [(n.id, n.label) for n in numbered.notes] == [("x", "1"), ("y", "2")]
