"""Two repairs the HTML reader makes around lxml's parser, so that no text is lost.

* **Void elements.** libxml2 knows the void elements of HTML 4 only: an `<embed>`,
  `<wbr>`, `<source>`, `<bgsound>`… is left open and the page that follows
  becomes its content, which the reader then drops with it. `unwrap_void`
  moves such content out, after the element, where a browser puts it.
* **Deep nesting.** libxml2 stops at 256 levels (2048 with `huge_tree`) and
  drops the rest of the page without an error; the reader's own walk is
  recursive too. Pages with hundreds of unclosed `<font>` or `<div>` exist.
  `flatten` rewrites such a page's source: an element opened inside three of
  its kind with the same attributes, or deeper than a limit, loses its start
  and end tags (a block's become a paragraph break); its text is kept.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from html.parser import HTMLParser

from lxml import etree

__all__ = ["VOID", "MAX_DEPTH", "depth", "flatten", "unwrap_void"]

MAX_DEPTH = 100  # real pages nest 30 levels at most
# Elements that never have content: HTML's void elements and obsolete ones
# that browsers treat the same way.
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr", "basefont", "bgsound", "frame",
                  "keygen", "isindex", "spacer", "nextid", "image", "command"})
_CONTAINERS = frozenset({"ul", "ol", "dl", "dir", "menu", "table", "select"})
_SIBLINGS = frozenset({"li", "dt", "dd", "tr", "td", "th", "option"})  # close their like


def depth(root: etree._Element) -> int:
    """How deep the tree's elements nest (the root is 1)."""
    level = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        level += 1 if event == "start" else -1
        deepest = max(deepest, level)
    return deepest


def unwrap_void(root: etree._Element) -> None:
    """Move what the parser put inside a void element out, after it."""
    for el in reversed(list(root.iter(*VOID))):
        parent = el.getparent()
        if parent is None or (el.text is None and len(el) == 0):
            continue
        kids, tail = list(el), el.tail
        el.tail, el.text = el.text, None
        index = parent.index(el)
        for offset, kid in enumerate(kids, 1):
            parent.insert(index + offset, kid)  # moves it, with its tail
        last = kids[-1] if kids else el
        last.tail = (last.tail or "") + (tail or "") or None


class _Limiter(HTMLParser):
    """Finds the tags to leave out: an element opened inside three open elements
    of its own kind with the same attributes (as HTML's parsers cap repeated
    formatting elements), and any element deeper than `limit`."""

    def __init__(self, text: str, limit: int, blocks: Collection[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.text, self.limit, self.blocks = text, limit, blocks
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.open: list[tuple[str, str, bool]] = []  # (tag, start tag as written, kept)
        self.kept: Counter[str] = Counter()  # start tags as written, of the kept open ones
        self.depth = 0  # how many of the open elements are kept
        self.cuts: list[tuple[int, int, str]] = []  # (start, end, replacement)
        self.first_line = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def _cut(self, tag: str, length: int) -> None:
        start = self._offset()
        self.cuts.append((start, start + length, "<br><br>" if tag in self.blocks else ""))
        self.first_line = self.first_line or self.getpos()[0]

    def _close(self, index: int) -> None:
        for tag, key, kept in self.open[index:]:
            if kept:
                self.kept[key] -= 1
                self.depth -= 1
        del self.open[index:]

    def _close_implied(self, tag: str) -> None:
        """The end tags HTML leaves out: a block ends a paragraph, an item the item before."""
        if tag in self.blocks and self.open and self.open[-1][0] == "p":
            self._close(len(self.open) - 1)
        if tag in _SIBLINGS:
            for index in range(len(self.open) - 1, -1, -1):
                if self.open[index][0] == tag:
                    self._close(index)
                    break
                if self.open[index][0] in _CONTAINERS:
                    break

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in VOID:
            return
        self._close_implied(tag)
        raw = self.get_starttag_text() or ""
        key = " ".join(raw.lower().split())
        keep = self.depth < self.limit and self.kept[key] < 3
        self.open.append((tag, key, keep))
        if keep:
            self.kept[key] += 1
            self.depth += 1
        else:
            self._cut(tag, len(raw))

    def handle_endtag(self, tag: str) -> None:
        index = next((i for i in range(len(self.open) - 1, -1, -1)
                      if self.open[i][0] == tag), None)
        if index is None:
            return  # a stray end tag: the parser ignores it too
        if not self.open[index][2]:
            start = self._offset()
            self._cut(tag, self.text.find(">", start) + 1 - start)
        self._close(index)


def flatten(text: str, blocks: Collection[str], limit: int = MAX_DEPTH) -> tuple[str, int]:
    """The page with no element deeper than `limit`, and the line of the first tag
    left out (0 if none was)."""
    limiter = _Limiter(text, limit, blocks)
    limiter.feed(text)
    limiter.close()
    if not limiter.cuts:
        return text, 0
    out: list[str] = []
    pos = 0
    for start, end, replacement in sorted(limiter.cuts):
        if start < pos:  # cannot happen: tags do not overlap
            continue
        out += [text[pos:start], replacement]
        pos = end
    out.append(text[pos:])
    return "".join(out), limiter.first_line

