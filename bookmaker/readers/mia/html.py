"""Read original marxists.org (MIA) HTML pages.

The page is decoded (`_decode`: BOM, then UTF-8 with stray Windows-1252 bytes,
then the declared charset, then charset-normalizer's guess; `&#128;`–`&#159;`
references are read as the Windows-1252 characters they were meant as), parsed
with lxml, stripped of page furniture (head, scripts, breadcrumbs `p.toplink`,
footers, "link" and "next" blocks, "return" image maps, "Last updated" lines,
navigation bars, the text of a broken tag (`size="1" noshade="noshade" />`), and
short blocks at the page's end that are nothing but links),
and cut into
`Unit`s: one per block, with its inline content. The structure is then found
by the heuristics shared with the text reader (`article`), helped by what only
the HTML shows: heading tags, lists, quotations, tables, pre, images, and
footnote anchors.

Decisions:

* **Links.** An external link (`http:`, `https:`, `mailto:`) is a `Link` to
  that URL. A relative link to another page is a `Link` to the href as the
  page wrote it: the reader does not guess where the page was published. The
  book gives an article its address (a spec's `[urls]` or `url`), and the
  renderer resolves the link against it; without one the link is printed as
  plain text. In print a link is its text followed by the URL in
  parentheses, unless the text already is the URL; on screen it is a link.
  Anchors inside the page become `NoteRef`s when they call a note, and plain
  text otherwise (#top, tables of contents).
* **Images.** A picture on its own line is a `Figure(src, alt)`, `src` kept as
  the page wrote it (relative, e.g. "../img/photo.jpg"); an image inside a
  line contributes its alt text, as it does in the text rendering. The image
  files are not available: one "images:" warning per article says how many.
* **Footnotes.** A link inside the page whose target anchor starts a block
  later in the page is a note call, whatever the anchors are called (`#n1`,
  `#f1`/`#b1`, `#bk01`/`#fw01`, `#_ftn1`, …); the block the target starts is
  the note, and it runs on until the next note starts.
* **Tables.** Many pages use `<table>` for layout: a one-cell box around an
  introduction, a signature beside a date, a photo gallery, the page's
  navigation, a formula set out in cells. A table is read as data (a `Table`
  block) only when all of these hold (`_is_data_table`):

  1. it holds no other table (an outer table is layout; an inner one is
     judged on its own);
  2. at least two rows have two or more cells with text (so not one row, one
     column or a box);
  3. no cell holds a heading, list, quotation, `pre` or image, nor more than
     one paragraph (`p` or `div`): those are prose or pictures laid out in
     columns. A first row of a single cell is exempt: it is the table's title.

  Any other table is layout: its captions and cells, row by row, are read as a
  run of blocks, as if the table were not there. In a data table a cell's
  paragraphs and line breaks become line breaks inside the cell, `th` cells
  (and the cells of `thead`) are header cells, and a `caption` or else a
  first row of a single cell over several columns becomes the caption. Rows
  whose cells are all empty (spacers) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import cast

import lxml.html
from lxml import etree

from ...errors import SourceError
from ...model import (
    Article, Block, Cell, Emphasis, Figure, Inline, LineBreak, Link, ListBlock, NoteRef,
    Paragraph, Preformatted, Quote, SmallCaps, Strong, Table, Text, plain_text,
)
from .article import build_article
from .body import DATELINE
from .information import is_info_line
from .notes import NOTE_START
from .units import CONTROL, Unit, add_controls, is_furniture, lstrip, strip_prefix
from .tree import MAX_DEPTH, depth, flatten, unwrap_void

__all__ = ["read"]

_C1 = re.compile(r"[\x80-\x9f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_WS = re.compile(r"[ \t\n\r\f]+")
_BLOCK = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "center", "blockquote", "ul", "ol",
          "dl", "dt", "dd", "li", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "pre",
          "hr", "address", "section", "article", "main", "header", "aside", "figure",
          "figcaption", "caption", "dir", "menu", "body", "html", "form", "fieldset",
          "noscript", "nav", "footer", "listing", "xmp", "plaintext", "hgroup", "details",
          "summary"}
_CONTAINER = _BLOCK - {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "ul", "ol",
                       "dir", "menu", "table", "blockquote"}
_DROP = {"head", "script", "style", "noscript", "iframe", "map", "area", "input", "select",
         "textarea", "button", "object", "embed", "applet", "nav", "title", "meta", "link",
         "option", "svg", "math"}
_EMPH = {"em", "i", "cite", "var", "dfn"}
_STRONG = {"strong", "b"}
_QUOTE_CLASSES = re.compile(r"(?i)^(?:quote\w*|indent\w*|wuoteb|fst quoteb|\w+ quoteb)$")
_FURNITURE_CLASS = re.compile(r"(?i)link|toplink|footer|updat|^skip$|^next$")
_LABEL = re.compile(r"\s*[\[(]?\s*(\d{1,3}[a-z]?\*?|[*†‡§]{1,3}|[A-Za-z]{1,2}|[ivxlc]{1,6})"
                    r"\s*[\])]?\s*[.:)]?\s*")


def read(data: bytes, *, name: str = "<bytes>") -> Article:
    """Read one MIA HTML page into an `Article`; raise SourceError if unusable."""
    text, warnings = _decode(data)
    root = _parse(text, name, warnings)
    warnings = add_controls(warnings, _strip_controls(root))
    body = root.find("body") if root.tag == "html" else root
    if body is None:
        body = root
    _strip_furniture(body)
    page = _Page(name=name)
    page.find_notes(body)
    units: list[Unit] = []
    images = 0  # the images of the units that are not furniture
    seen = 0
    for unit in page.units(body):
        count, seen = page.images - seen, page.images
        if unit.block is not None or unit.joined.strip() or unit.note is not None:
            units.append(unit)
            if unit.block is not None or not is_furniture(unit.joined):
                images += count
    if not units:
        raise SourceError("no text: the page is empty or holds only page furniture",
                          path=name, line=1)
    if images:
        warnings.append(f"images: {images} image file(s) are not available; "
                        "their alt text is kept")
    return build_article(units, name=name, warnings=warnings,
                         anchored_notes=any(u.note is not None for u in units))


# --- decoding -------------------------------------------------------------------------

def _decode(data: bytes) -> tuple[str, list[str]]:
    warnings: list[str] = []
    declared = _declared(data)
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        text = _utf8_or_guess(data, declared, warnings)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = CONTROL.subn("", text)
    return text, add_controls(warnings, removed)


def _declared(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace").lower() if match else None


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)  # registered for decoding only
    chunk = error.object[error.start:error.end]
    return chunk.decode("cp1252", errors="replace"), error.end


import codecs  # noqa: E402  (registered once, used by _utf8_or_guess)

codecs.register_error("bookmaker-cp1252", _cp1252_bytes)


def _utf8_or_guess(data: bytes, declared: str | None, warnings: list[str]) -> str:
    """UTF-8 when the bytes are UTF-8 (whatever the page declares); UTF-8 with a
    few stray Windows-1252 bytes; Windows-1252 when the page declares Latin-1,
    ASCII or nothing (as browsers do); the declared charset when it decodes the
    page into plausible text (not Cyrillic letters inside Latin words, as in the
    mislabelled windows-1251 pages); else charset-normalizer's guess."""
    if not re.search(rb"[\x80-\xff]", data):
        return data.decode("ascii")
    try:
        text = data.decode("utf-8")
        if declared and declared.replace("-", "") not in ("utf8",):
            warnings.append(f"charset: the page declares {declared} but is UTF-8")
        return text
    except UnicodeDecodeError:
        pass
    good = len(re.findall(rb"[\xc2-\xf4][\x80-\xbf]+", data))
    bad = len(re.findall(rb"[\x80-\xff]", data))
    if declared in (None, "utf-8", "utf8") and good and good * 4 >= bad:
        warnings.append("charset: UTF-8 page with stray Windows-1252 bytes")
        return data.decode("utf-8", errors="bookmaker-cp1252")
    if declared in (None, "iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii",
                    "windows-1252", "cp1252", "iso-8859-15"):
        # HTML's default, and what Latin-1 declarations mean in practice
        if declared is None:
            warnings.append("charset: the page declares no charset; decoded it as "
                            "windows-1252")
        return data.decode("cp1252", errors="bookmaker-cp1252")
    if declared and not declared.replace("-", "").startswith(("utf16", "utf32", "ucs")):
        try:
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            text = ""
        # a Cyrillic or Greek letter inside a Latin word: the declared charset is wrong,
        # and the page is Windows-1252 like most MIA pages
        if text and not re.search(r"[A-Za-z][\u0370-\u04ff]|[\u0370-\u04ff][a-z]", text):
            return text
        if text:
            warnings.append(f"charset: the page declares {declared} but its letters are "
                            "Latin; decoded it as windows-1252")
            return data.decode("cp1252", errors="bookmaker-cp1252")
    guess = _guess(data)
    if guess is not None:
        text, encoding = guess
        warnings.append(f"charset: the page declares {declared or 'no charset'}; "
                        f"decoded it as {encoding}")
        return text
    warnings.append(f"charset: the page declares {declared or 'no charset'}; "
                    "decoded it as windows-1252")
    return data.decode("cp1252", errors="bookmaker-cp1252")


def _guess(data: bytes) -> tuple[str, str] | None:
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data, cp_isolation=["utf_8", "cp1252", "cp1251", "latin_1",
                                              "cp1250", "iso8859_15"]).best()
        if best is not None and best.encoding:
            return str(best), best.encoding
    except Exception:  # a third-party guesser must not turn bad bytes into a crash
        pass
    return None


def _c1_fix(text: str) -> str:
    """`&#145;`-style references decode to C1 controls; they meant Windows-1252."""
    if not _C1.search(text):
        return text
    return _C1.sub(lambda m: bytes([ord(m.group())]).decode("cp1252", errors="ignore"), text)


# --- parsing and furniture -----------------------------------------------------------------

def _parse(text: str, name: str, warnings: list[str] | None = None) -> etree._Element:
    """The page's tree, void elements emptied; a page nested deeper than
    `MAX_DEPTH` is flattened there first (with a warning), its text kept."""
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses str with an encoding decl
    if not text.strip():
        raise SourceError("no text: the page is empty", path=name, line=1)
    root = _parse_tree(text, name)
    if depth(root) > MAX_DEPTH:
        text, line = flatten(text, _BLOCK)
        root = _parse_tree(text, name)
        said = warnings if warnings is not None else []
        if line:
            said.append(f"nesting: elements nested more than {MAX_DEPTH} deep, or inside "
                        f"three of their kind (from line {line}), were flattened; their "
                        "text is kept")
        if depth(root) > MAX_DEPTH * 2:  # cannot happen with what flatten leaves
            said.append("nesting: the page still nests too deep; text may be lost")
    unwrap_void(root)
    return root


def _parse_tree(text: str, name: str) -> etree._Element:
    # huge_tree: libxml2's limits would cut the page at 256 levels without an error;
    # a parser of its own per page, as threads may read pages at once
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"not an HTML page: {exc}", path=name, line=1) from None


def _strip_controls(root: etree._Element) -> int:
    """Remove the control characters that character references put in the text
    (`&#1;`); returns how many. C1 controls stay: `_c1_fix` maps them."""
    removed = 0
    for el in root.iter():
        for attr in ("text", "tail"):
            value = getattr(el, attr)
            if value and CONTROL.search(value):
                clean, count = CONTROL.subn("", value)
                setattr(el, attr, clean)
                removed += count
        if isinstance(el.tag, str) and el.get("alt") and CONTROL.search(el.get("alt")):
            clean, count = CONTROL.subn("", el.get("alt"))
            el.set("alt", clean)
            removed += count
    return removed


def _classes(el: etree._Element) -> str:
    return " ".join((el.get("class") or "").split())


def _strip_furniture(body: etree._Element) -> list[str]:
    """Remove page furniture; returns the texts of the "next" links and link-only
    trailer it removed, which the text rendering keeps."""
    doomed: list[etree._Element] = []
    kept: list[str] = []
    for el in body.iter():
        if not isinstance(el.tag, str):
            doomed.append(el)  # comments, processing instructions
            continue
        tag = el.tag.lower()
        cls = _classes(el)
        if tag in _DROP or (tag in _BLOCK and tag != "body" and cls
                            and _FURNITURE_CLASS.search(cls) and not _dated(el, cls)):
            doomed.append(el)
            if cls.lower() == "next":  # the rendering keeps these ("Next: Chapter IV")
                kept.append(_visible(el))
        elif tag == "img" and re.fullmatch(r"(?i)\s*(return|natalia in red)\s*",
                                          el.get("alt") or ""):
            doomed.append(el)
        elif tag == "a" and (el.get("href") or "").strip().lower() in ("#top", "#0"):
            doomed.append(el)
    for el in doomed:
        _remove(el)
    return kept + _strip_link_trailer(body)


_TRAILER_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "center", "table", "tr", "td")


def _dated(el: etree._Element, cls: str) -> bool:
    """A block of class "updat" that holds a date line, not "Last updated …": the
    article's date in the wrong class ("February 24, 1946"); the rendering keeps it."""
    return "updat" in cls.lower() and bool(DATELINE.fullmatch(_visible(el)))


def _strip_link_trailer(body: etree._Element) -> list[str]:
    """Short blocks at the end of the page that are nothing but links ("Natalia
    Sedova Archive – Marxist Writers Archive") are navigation; returns their texts."""
    removed: list[str] = []
    blocks = [el for el in body.iter(*_TRAILER_TAGS)
              if el.text_content().strip(" \t\n\xa0")]
    done: set[int] = set()
    for leaf in reversed(blocks):
        el = leaf  # the largest short block around it: a whole trailer table
        while (el.getparent() is not None and el.getparent() is not body
               and el.getparent().tag in _TRAILER_TAGS
               and len(el.getparent().text_content()) <= 200):
            el = el.getparent()
        if id(el) in done or el.getparent() is None:
            continue
        done.add(id(el))
        text = " ".join(el.text_content().split())
        links = [a for a in el.iter("a") if a.get("href")]
        rest = text
        for a in links:
            rest = rest.replace(" ".join(a.text_content().split()), "", 1)
        rest = re.sub(r"(?i)\b(?:return|back|go) to\b.*", "", rest)  # "Return to … Writings on"
        if len(text) > 200 or not links or re.sub(r"[\W_]+", "", rest):
            break
        removed.append(_visible(el))
        _remove(el)
    return removed[::-1]


def _visible(el: etree._Element) -> str:
    """An element's text with its images' alt texts, as the text rendering shows it,
    without the furniture lines the text reader drops."""
    lines = "".join(_visible_parts(el)).split("\n")
    return " ".join(" ".join(line.split()) for line in lines
                    if line.strip() and not is_furniture(line))


def _visible_parts(el: etree._Element) -> list[str]:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    gap = "\n" if tag in _BLOCK or tag == "br" else ""
    out: list[str] = [gap, _WS.sub(" ", el.text or "")]  # the source's line ends are spaces
    for child in el:
        if isinstance(child.tag, str):
            if child.tag.lower() == "img":
                out.append(child.get("alt") or "")
            else:
                out += _visible_parts(child)
        out.append(_WS.sub(" ", child.tail or ""))
    out.append(gap)
    return out


def _remove(el: etree._Element) -> None:
    """Remove an element but keep its tail text."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


# --- notes ------------------------------------------------------------------------------

def _anchor_ids(el: etree._Element) -> list[str]:
    return [v for v in (el.get("id"), el.get("name") if el.tag == "a" else None) if v]


@dataclass
class _Page:
    name: str
    images: int = 0
    calls: dict[int, tuple[str, str]] = field(default_factory=dict)  # id(a) -> (note, label)
    targets: dict[str, str] = field(default_factory=dict)  # anchor id -> note id
    labels: dict[str, str] = field(default_factory=dict)  # note id -> label
    order: dict[int, int] = field(default_factory=dict)
    keep: list = field(default_factory=list)
    after_rule: bool = False  # an <hr> came before the next unit

    def find_notes(self, body: etree._Element) -> None:
        """Pair note calls with notes: see the module docstring."""
        anchors: dict[str, etree._Element] = {}
        self.keep = list(body.iter())  # keeps lxml's proxies alive, so id() is stable
        for index, el in enumerate(self.keep):
            self.order[id(el)] = index
            if isinstance(el.tag, str):
                for key in _anchor_ids(el):
                    anchors.setdefault(key, el)
        for el in body.iter("a"):
            href = (el.get("href") or "").strip()
            if not href.startswith("#") or len(href) < 2:
                continue
            target = anchors.get(href[1:])
            if target is None or target is el:
                continue
            if self.order.get(id(target), 0) <= self.order[id(el)]:
                continue  # a back-link, or a link up the page
            label = _call_label(el)
            if label is None or not _starts_block(target):
                continue
            note_id = _note_id(href[1:])
            self.calls[id(el)] = (note_id, label)
            for key in _anchor_ids(target):
                self.targets[key] = note_id
            self.labels.setdefault(note_id, label)

    # --- units -----------------------------------------------------------------

    def units(self, el: etree._Element) -> Iterator[Unit]:
        """The units of a container element's content, in order."""
        run: list[etree._Element | str] = []  # inline material waiting for a block
        if el.text:
            run.append(el.text)
        for child in el:
            if isinstance(child.tag, str) and (child.tag.lower() in _BLOCK
                                               or _holds_blocks(child)):
                yield from self._inline_units(run, el)
                run = []
                yield from self._block(child)
            elif isinstance(child.tag, str):
                run.append(child)
            if child.tail:
                run.append(child.tail)
        yield from self._inline_units(run, el)

    def _block(self, el: etree._Element) -> Iterator[Unit]:
        tag = el.tag.lower()
        cls = _classes(el)
        if tag == "hr":
            self.after_rule = True
            return
        if tag in ("ul", "ol", "dir", "menu"):
            block = self._list(el)
            if block is not None:
                yield self._ready(block, el)
            return
        layout = tag == "blockquote" and any(
            isinstance(d.tag, str) and (d.tag.lower() in ("h1", "h2", "h3", "h4")
                                        or _classes(d) in ("information", "title"))
            for d in el.iterdescendants())  # a whole page indented by <blockquote>
        if not layout and (tag == "blockquote"
                           or (tag in ("p", "div") and _QUOTE_CLASSES.match(cls))):
            inner = [u for u in self.units(el) if u.block is not None or u.joined]
            blocks = [_simple(u) for u in inner]
            if blocks:
                yield replace(self._ready(Quote(tuple(blocks)), el),
                              lines=tuple(line for u in inner for line in u.lines),
                              note=next((u.note for u in inner if u.note), None),
                              note_label=next((u.note_label for u in inner if u.note), ""))
            return
        if tag == "pre":
            text = _c1_fix(el.text_content()).strip("\n")
            if text.strip():
                yield self._ready(Preformatted(text), el)
            return
        if tag == "table":
            yield from self._table(el)
            return
        if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "address", "dt", "dd", "li",
                   "caption", "figcaption", "center", "div", "td", "th"):
            if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6") and not _holds_blocks(el):
                yield from self._inline_units(_children(el), el, tag=tag, cls=cls)
                return
        yield from self.units(el)

    def _ready(self, block: Block, el: etree._Element) -> Unit:
        return self._ruled(Unit(lines=tuple(_lines_of(block)), line=el.sourceline or 1, block=block,
                    tag=el.tag.lower()))

    def _list(self, el: etree._Element) -> ListBlock | None:
        items: list[tuple[Block, ...]] = []
        for li in el:
            if not isinstance(li.tag, str):
                continue
            blocks = tuple(_simple(u) for u in self.units(li) if u.block is not None or u.joined)
            if blocks:
                items.append(blocks)
        if not items:
            return None
        start = el.get("start") or "1"
        return ListBlock(tuple(items), ordered=el.tag.lower() == "ol",
                         start=int(start) if start.isdigit() else 1)

    def _table(self, el: etree._Element) -> Iterator[Unit]:
        if not _is_data_table(el):  # layout: the content as if the table were not there
            for part in el.iter("caption", "td", "th"):
                if _nearest_table(part) is el:
                    yield from self.units(part)
            return
        caption: tuple[Inline, ...] = ()
        for found in el.iter("caption"):
            if _nearest_table(found) is el:
                caption = self._cell_content(found)
                break
        rows: list[tuple[Cell, ...]] = []
        for row in el.iter("tr"):
            cells = tuple(Cell(self._cell_content(c),
                               header=c.tag.lower() == "th" or row.getparent().tag == "thead",
                               colspan=_span(c.get("colspan")), rowspan=_span(c.get("rowspan")))
                          for c in _cells(row))
            if any(c.content or c.rowspan > 1 for c in cells):
                rows.append(cells)
        if not caption and len(rows) > 1 and len(rows[0]) == 1 and max(map(len, rows)) > 1:
            caption = rows.pop(0)[0].content  # a title row across the table
        if rows:
            yield self._ready(Table(tuple(rows), caption), el)

    def _cell_content(self, cell: etree._Element) -> tuple[Inline, ...]:
        """A cell's inlines: its paragraphs and lines joined by single line breaks."""
        nodes = [n for n in self.inlines(cell) if not isinstance(n, _Target)]
        joined: list[Inline] = []
        for piece in _split_paragraphs(nodes):
            if joined:
                joined.append(LineBreak())
            joined.extend(piece)
        content = _merge(tuple(joined))
        if not plain_text(content).strip(" \t\n\xa0"):
            return ()
        return _strip_nbsp(content)

    def _inline_units(self, run: list, parent: etree._Element, *, tag: str = "",
                      cls: str = "") -> Iterator[Unit]:
        nodes: list[Inline] = []
        standalone = _standalone_figure(run)
        if standalone is not None:
            yield self._figure(standalone)
            return
        for item in run:
            if isinstance(item, str):
                nodes.extend(self._text(item))
            else:
                nodes.extend(self.inline(item))
        if not any(not isinstance(n, LineBreak) for n in nodes):
            return
        for piece in _split_paragraphs(nodes):
            yield self._unit(piece, parent, tag, cls)

    def _unit(self, content: tuple[Inline, ...], el: etree._Element, tag: str,
              cls: str) -> Unit:
        note, label = None, ""
        first = next((i for i, n in enumerate(content[:4]) if isinstance(n, _Target)), None)
        if first is not None and len(plain_text(tuple(
                n for n in content[:first] if not isinstance(n, _Target))).strip(" [(\xa0")) <= 3:
            note = content[first].note_id  # type: ignore[union-attr]
            label = self.labels.get(note, "")
            content = _drop_label(tuple(n for n in content if not isinstance(n, _Target)))
        content = tuple(n for n in content if not isinstance(n, _Target))
        content = _merge(content)
        lines = tuple(plain_text(content).split("\n")) if content else ("",)
        extra: tuple[str, ...] = ()
        low = cls.lower()
        if low in ("information", "info") or (tag == "h5" and _infoish(lines)):
            extra = ("info",)
        elif low in ("date",):
            extra = ("date",)
        elif low in ("author", "sig", "sign"):
            extra = ("sig",)
        return self._ruled(Unit(lines=lines, line=el.sourceline or 1, content=content, tag=tag,
                                cls=cls, note=note, note_label=label, extra=extra))

    def _ruled(self, unit: Unit) -> Unit:
        if self.after_rule:
            self.after_rule = False
            return replace(unit, extra=unit.extra + ("rule",))
        return unit

    def _figure(self, img: etree._Element) -> Unit:
        self.images += 1
        alt = _WS.sub(" ", _c1_fix(img.get("alt") or "")).strip()
        figure = Figure(src=(img.get("src") or "").strip(), alt=alt)
        return self._ruled(Unit(lines=(alt,), line=img.sourceline or 1, block=figure,
                                tag="img"))

    # --- inlines ----------------------------------------------------------------

    def _text(self, text: str) -> list[Inline]:
        text = _WS.sub(" ", _c1_fix(text))
        return [Text(text)] if text else []

    def inlines(self, el: etree._Element) -> list[Inline]:
        out: list[Inline] = []
        if el.text:
            out.extend(self._text(el.text))
        for child in el:
            if isinstance(child.tag, str):
                out.extend(self.inline(child))
            if child.tail:
                out.extend(self._text(child.tail))
        return out

    def inline(self, el: etree._Element) -> list[Inline]:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        # the markers travel with the inlines until the notes are cut out
        marks: list[Inline] = [cast(Inline, _Target(self.targets[k])) for k in _anchor_ids(el)
                               if k in self.targets]
        if tag == "br":
            return marks + [LineBreak()]
        if tag == "img":
            alt = _WS.sub(" ", _c1_fix(el.get("alt") or "")).strip()
            self.images += 1
            return marks + ([Text(alt)] if alt else [])
        if tag in _BLOCK:  # a block inside a line: read it as a line of its own
            return marks + [LineBreak()] + self.inlines(el) + [LineBreak()]
        if tag == "a" and id(el) in self.calls:
            note_id, label = self.calls[id(el)]
            return marks + [NoteRef(note_id=note_id, label=label)]
        kids = self.inlines(el)
        marks += [k for k in kids if isinstance(k, _Target)]  # hoisted out of formatting
        kids = [k for k in kids if not isinstance(k, _Target)]
        if not kids:
            return marks
        if tag in _EMPH:
            return marks + [Emphasis(tuple(kids))]
        if tag in _STRONG:
            return marks + [Strong(tuple(kids))]
        style = (el.get("style") or "").lower().replace(" ", "")
        if "small-caps" in style or re.search(r"(?i)\b(?:smallcaps|small-caps|sc)\b",
                                              el.get("class") or ""):
            return marks + [SmallCaps(tuple(kids))]
        if tag == "a":
            href = self._href(el.get("href") or "")
            if href:
                return marks + [Link(href, tuple(kids))]
        return marks + kids

    def _href(self, href: str) -> str | None:
        href = href.strip()
        if not href or href.startswith("#") or href.lower().startswith("javascript:"):
            return None
        if re.match(r"(?i)(?:https?|mailto|ftp):", href):
            return href.replace(" ", "%20")
        if re.match(r"(?i)[a-z][a-z0-9+.-]*:", href):
            return None
        return href  # relative: resolved against the article's address when rendered


@dataclass(frozen=True, slots=True)
class _Target:
    """A marker: the note `note_id` starts here (removed before the model sees it)."""

    note_id: str


def _holds_blocks(el: etree._Element) -> bool:
    return el.tag.lower() not in ("a",) and any(
        isinstance(d.tag, str) and d.tag.lower() in _BLOCK for d in el.iterdescendants())


def _children(el: etree._Element) -> list:
    run: list = []
    if el.text:
        run.append(el.text)
    for child in el:
        if isinstance(child.tag, str):
            run.append(child)
        if child.tail:
            run.append(child.tail)
    return run


_LAYOUT_IN_CELL = {"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dir", "menu",
                   "blockquote", "pre", "img"}


def _is_data_table(table: etree._Element) -> bool:
    """The layout-vs-data rule of the module docstring."""
    if any(d.tag == "table" for d in table.iterdescendants()):
        return False
    rows = list(table.iter("tr"))
    filled = sum(1 for row in rows
                 if sum(1 for c in _cells(row) if c.text_content().strip(" \t\n\xa0")) >= 2)
    if filled < 2:
        return False
    for index, row in enumerate(rows):
        cells = _cells(row)
        if index == 0 and len(cells) == 1:
            continue  # the table's title may be a heading
        for cell in cells:
            tags = [d.tag.lower() for d in cell.iterdescendants() if isinstance(d.tag, str)]
            if _LAYOUT_IN_CELL.intersection(tags) or sum(t in ("p", "div") for t in tags) > 1:
                return False
    return True


def _cells(row: etree._Element) -> list[etree._Element]:
    return [c for c in row if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]


def _span(value: str | None) -> int:
    """A colspan or rowspan as a number from 1 to 100 (bad values count as 1)."""
    value = (value or "").strip()
    return min(int(value), 100) if value.isdigit() and int(value) > 0 else 1


def _nearest_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _note_id(anchor: str) -> str:
    clean = re.sub(r"[^\w.-]", "-", anchor).strip("-") or "note"
    return clean if clean[0].isalpha() else "n" + clean


def _call_label(a: etree._Element) -> str | None:
    """The mark of a note call ("1", "*", "a"), or None for a longer link text."""
    text = _WS.sub(" ", a.text_content()).strip()
    match = _LABEL.fullmatch(text) if text else None
    if match is None:
        return None
    return match.group(1)


def _starts_block(target: etree._Element) -> bool:
    """True when the anchor stands at the start of its block (little text before it)."""
    block = target
    while block is not None and (not isinstance(block.tag, str)
                                 or block.tag.lower() not in _BLOCK):
        block = block.getparent()
    if block is None:
        return False
    if block.tag.lower() in ("h1", "h2", "h3", "h4", "h5", "h6", "body", "table", "tr"):
        if block.tag.lower() == "body":
            return _anchor_before_text(target)
        return False
    before: list[str] = []

    def walk(el: etree._Element) -> bool:
        if el is target:
            return True
        if el.text:
            before.append(el.text)
        for child in el:
            if walk(child):
                return True
            if child.tail:
                before.append(child.tail)
        return False

    walk(block)
    return len("".join(before).strip(" \t\n\xa0[(")) <= 3


def _anchor_before_text(target: etree._Element) -> bool:
    """An empty anchor loose in the body: a note if the text that follows starts with a label."""
    follow = (target.text_content() or "") + (target.tail or "")
    return bool(NOTE_START.match(follow.strip()) or _LABEL.match(follow))


def _standalone_figure(run: list) -> etree._Element | None:
    elements = [x for x in run if not isinstance(x, str)]
    if any(isinstance(x, str) and x.strip(" \t\n\r\xa0") for x in run):
        return None
    imgs: list[etree._Element] = []
    for el in elements:
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag == "img":
            imgs.append(el)
        elif tag in ("a", "span", "font", "center", "strong", "b", "em", "i", "small", "big"):
            found = list(el.iter("img"))
            if len(found) != 1 or _WS.sub("", el.text_content().replace("\xa0", "")):
                return None
            imgs.extend(found)
        elif tag != "br":
            return None
    return imgs[0] if len(imgs) == 1 else None


def _split_paragraphs(nodes: list[Inline]) -> list[tuple[Inline, ...]]:
    """Cut at two or more line breaks (the text rendering's blank line), and
    drop lines that hold only white space."""
    lines: list[list[Inline]] = [[]]
    for node in nodes:
        if isinstance(node, LineBreak):
            lines.append([])
        else:
            lines[-1].append(node)
    pieces: list[list[list[Inline]]] = [[]]
    breaks = 0
    for line in lines:
        blank = not plain_text(tuple(n for n in line if not isinstance(n, _Target))
                               ).strip(" \xa0\t") and not any(
            isinstance(n, (NoteRef, _Target)) for n in line)
        if blank:
            breaks += 1
            continue
        if breaks >= 1 and pieces[-1]:
            pieces.append([])
        breaks = 0
        pieces[-1].append(line)
    out: list[tuple[Inline, ...]] = []
    for piece in pieces:
        if not piece:
            continue
        joined: list[Inline] = []
        for index, line in enumerate(piece):
            if index:
                joined.append(LineBreak())
            joined.extend(_trim(line))
        out.append(tuple(joined))
    return out


def _trim(nodes: list[Inline]) -> list[Inline]:
    """A line without leading and trailing ASCII white space (NBSPs are text)."""
    out = list(lstrip(nodes))
    while out:
        tail = out[-1]
        if isinstance(tail, Text):
            rest = tail.text.rstrip(" \t\n")
            if rest:
                out[-1] = Text(rest)
                break
            out.pop()
        elif isinstance(tail, (Emphasis, Strong, SmallCaps, Link)):
            kids = _trim(list(tail.children))
            if kids:
                out[-1] = replace(tail, children=tuple(kids))
                break
            out.pop()
        else:
            break
    return out


def _merge(nodes: tuple[Inline, ...], top: bool = True) -> tuple[Inline, ...]:
    """Adjacent texts joined, doubled spaces collapsed, empty formatting dropped; at
    the top level, no space at the start or end of a line."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, (Emphasis, Strong, SmallCaps, Link)):
            kids = _merge(node.children, top=False)
            if not kids:
                continue
            node = replace(node, children=kids)
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        elif not (isinstance(node, Text) and not node.text):
            out.append(node)
    fixed: list[Inline] = []
    for i, node in enumerate(out):
        if isinstance(node, Text):
            text = re.sub(r" {2,}", " ", node.text)
            prev = fixed[-1] if fixed else None
            if text.startswith(" ") and ((prev is None and top) or isinstance(prev, LineBreak)
                                         or (prev is not None and _ends_space(prev))):
                text = text[1:]
            nxt = out[i + 1] if i + 1 < len(out) else None
            if text.endswith(" ") and ((nxt is None and top) or isinstance(nxt, LineBreak)):
                text = text[:-1]
            if text:
                fixed.append(Text(text))
        else:
            fixed.append(node)
    return tuple(fixed)


def _ends_space(node: Inline) -> bool:
    if isinstance(node, Text):
        return node.text.endswith(" ")
    if isinstance(node, (Emphasis, Strong, SmallCaps, Link)) and node.children:
        return _ends_space(node.children[-1])
    return False


def _strip_nbsp(content: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """A cell without the no-break spaces that aligned it at its start and end."""
    out = list(content)
    for index in (0, -1):
        node = out[index]
        if isinstance(node, Text):
            text = node.text.lstrip("\xa0 ") if index == 0 else node.text.rstrip("\xa0 ")
            out[index] = Text(text)
    return _merge(tuple(n for n in out if not (isinstance(n, Text) and not n.text)))


def _drop_label(content: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """A note's text without its number ("1.", "[1]") at the start."""
    text = plain_text(content)
    match = re.match(r"\s*[\[(]?\s*(?:\d{1,3}[a-z]?(?!\d)\*?|[*†‡§]{1,3}|[A-Za-z]{1,2}|[ivxlc]{1,6})"
                     r"\s*[\])]?\s*[.:)]?\s*(?=\S|$)", text)  # "23." alone, a table below
    if match and not text[:match.end()].strip().isalpha():
        return strip_prefix(content, match.end())
    return lstrip(content)


def _infoish(lines: tuple[str, ...]) -> bool:
    return any(is_info_line(s) for s in lines)


def _simple(unit: Unit) -> Block:
    if unit.block is not None:
        return unit.block
    return Paragraph(unit.content or (), role="")


def _lines_of(block: Block) -> list[str]:
    from ...model import blocks_text
    return blocks_text(block).split("\n") or [""]


