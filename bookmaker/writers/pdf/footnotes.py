"""Long footnotes cut into pieces, for the print layout.

WeasyPrint never splits a footnote across pages, so the PDF writer gives the
block renderer (`render.blocks`, "footnote" notes) this cut: pieces of about
three lines of an A5 page, each floated from the same call. Small pieces let
the first (with the call's line) stay on the call's page and the rest run on,
so that a page never ends short by the note's length; a piece ends at a
sentence, so the cut reads as the note's own line break.
"""

from __future__ import annotations

import re

__all__ = ["PIECE", "split_long"]

_SENTENCE_END = re.compile(r"(?<=[.!?;:…])\s+(?=\S)")
PIECE = 220  # characters: about three lines of a footnote on an A5 page


def split_long(text: str, size: int = PIECE) -> list[str]:
    """Cut plain note text into pieces of about `size` characters at sentence ends."""
    if len(text) <= size * 1.25:
        return [text]
    pieces: list[str] = []
    current = ""
    sentences: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > size * 1.5:  # no sentence end for a long way: cut at a space
            cut = sentence.rfind(" ", 0, size)
            cut = cut if cut > 0 else size
            sentences.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        sentences.append(sentence)
    for sentence in sentences:
        if current and len(current) + len(sentence) > size:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces
