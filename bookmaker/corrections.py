"""A spec's per-article corrections of what a reader got wrong, applied after
reading (the reader's cached output stays valid; the corrections are part of the
chapter's key, so editing them rebuilds the book).

Blocks are numbered as `bookmaker inspect` lists them: the position in its
`blocks` list, counting from 0."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import SpecError
from .model import Block, Heading, Paragraph, blocks_text

__all__ = ["Corrections", "apply_corrections"]


@dataclass(frozen=True)
class Corrections:
    drop: tuple[int | str, ...] = ()     # block numbers, or a block's exact text
    headings: tuple[int, ...] = ()       # blocks made section headings
    paragraphs: tuple[int, ...] = ()     # blocks made plain paragraphs
    key: str = ""                        # where in the spec they are, e.g. "articles[2]"
    spec: str = ""                       # the spec file, for errors

    def __bool__(self) -> bool:
        return bool(self.drop or self.headings or self.paragraphs)

    def digest(self) -> str:
        return repr((self.drop, self.headings, self.paragraphs))


def apply_corrections(blocks: tuple[Block, ...], fix: Corrections) -> tuple[Block, ...]:
    """The blocks with `fix` applied; a number past the last block or a text that
    no block has is a SpecError naming the key."""
    def fail(name: str, message: str) -> SpecError:
        return SpecError(message, path=fix.spec or None, key=f"{fix.key}.{name}")

    for name in ("drop", "headings", "paragraphs"):
        for number in getattr(fix, name):
            if isinstance(number, int) and number >= len(blocks):
                raise fail(name, f"no block {number}: the article has {len(blocks)} "
                           f"(numbered from 0 as `bookmaker inspect` lists them)")
    texts = [" ".join(blocks_text(b).split()) for b in blocks]
    for text in (d for d in fix.drop if isinstance(d, str)):
        if " ".join(text.split()) not in texts:
            raise fail("drop", f"no block's text is {text!r}")
    out: list[Block] = []
    for number, block in enumerate(blocks):
        if number in fix.drop or texts[number] in {" ".join(d.split()) for d in fix.drop
                                                   if isinstance(d, str)}:
            continue
        content = getattr(block, "content", None)
        if number in fix.headings and not isinstance(block, Heading):
            if content is None:
                raise fail("headings", f"block {number} is a {type(block).__name__}; "
                           "only a block of text can become a heading")
            block = Heading(content, level=1)
        elif number in fix.paragraphs and not (isinstance(block, Paragraph) and not block.role):
            if content is None:
                raise fail("paragraphs", f"block {number} is a {type(block).__name__}; "
                           "only a block of text can become a paragraph")
            block = Paragraph(content)
        out.append(block)
    return tuple(out)
