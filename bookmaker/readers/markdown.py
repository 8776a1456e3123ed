"""Read Markdown (CommonMark) files: new articles, and a book's prefaces,
dedications and epigraphs.

A file may open with a front-matter block, TOML between `+++` lines or simple
`key: value` lines between `---` lines:

    +++
    title = "A Preface"
    author = "The Editor"
    +++

Without a `title` there, the first `#` heading is the title; with one, a first
heading that repeats it is the title too, not a section. The known keys
are checked (`language` as a BCP 47 tag, like the book's). Raw HTML in the
Markdown is kept as literal text, never passed on as markup; so is a link to
anything but a web or mail address (a file beside this one, `data:`), which
keeps its text only. Quotes nested deeper than `MAX_NESTING` (lists deeper
than half that) are kept as plain text at that depth; control characters are
removed. Warnings start
with a stable kind, "kind: message", like the other readers'.

Besides CommonMark, through markdown-it-py's own rule and plug-ins: footnotes
(`[^1]`, `[^name]`, `^[inline]`, bodies of several paragraphs), which become the
article's notes; GFM pipe tables, alignment kept; and definition lists.
"""

from __future__ import annotations

import datetime as _dt
import re
import tomllib
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..addresses import is_relative
from ..errors import SourceError
from ..licences import licence_by_id, recognise_licence
from ..model import (Article, Attribution, Block, Cell, Definition, DefinitionList, Emphasis,
                     FrontMatter, Heading, Inline, LineBreak, Link, ListBlock, Note, NoteRef,
                     Paragraph, Person, Preformatted, Quote, Separator, Strong, Table, Text,
                     plain_text)
from ..tomlfile import load_toml

__all__ = ["read", "read_front_matter", "parse", "Parsed", "FRONT_TITLES"]

FRONT_TITLES = {"preface": "Preface", "dedication": "Dedication", "epigraph": "Epigraph"}
_KEYS = {"title", "subtitle", "author", "authors", "date", "language", "lang", "licence",
         "license", "source"}
_YAML_LINE = re.compile(r"([A-Za-z_][\w-]*)\s*:\s*(.*)")
# Control characters (C0 but tab and line ends, DEL, C1) and what XML cannot hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Links a book may carry; anything else (a file beside this one, data:, javascript:)
# is kept as its text.
_KEPT_LINK = re.compile(r"(?i)(?:https?|mailto|ftp):\S")
# Containers nest this deep at most (a quote counts one, a list level two: the
# list and its item); what lies deeper is kept as text at that depth.
# markdown-it's own limit drops it without a word.
MAX_NESTING = 50


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A block rule ahead of all others: past MAX_NESTING, the rest of the
    container is one paragraph of its lines, as written."""
    if state.level < MAX_NESTING or silent:
        return False
    lines = [state.getLines(n, n + 1, state.blkIndent, False).strip("\n")
             for n in range(start, end)]
    state.push("paragraph_open", "p", 1).map = [start, end]
    inline = state.push("inline", "", 0)
    inline.content = "\n".join(line.strip() for line in lines if line.strip())
    inline.map = [start, end]
    inline.children = None  # markdown-it parses the inline content later
    inline.meta = {"too_deep": start + 1}
    state.push("paragraph_close", "p", -1)
    state.line = end
    return True


_md = (MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                 "maxNesting": MAX_NESTING * 2})
       .enable("table").use(footnote_plugin).use(deflist_plugin))
_md.block.ruler.before("table", "too_deep", _too_deep)
_ALIGN = re.compile(r"text-align:\s*(left|right|center)")


# --- front matter ----------------------------------------------------------------

def _unquote(value: str) -> Any:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    if value.startswith("[") and value.endswith("]"):
        return [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
    return value


def _yaml_ish(lines: list[str], name: str, first: int) -> dict[str, Any]:
    """`key: value` lines, `key: [a, b]`, or `key:` followed by `- item` lines."""
    data: dict[str, Any] = {}
    last: str | None = None
    for offset, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.lstrip().startswith("- ") and last is not None:
            if not isinstance(data[last], list):
                data[last] = []
            data[last].append(_unquote(line.lstrip()[2:]))
            continue
        match = _YAML_LINE.fullmatch(line.strip())
        if not match:
            raise SourceError(f"front matter: expected 'key: value', found {line.strip()!r}",
                              path=name, line=first + offset)
        last = match.group(1)
        data[last] = _unquote(match.group(2)) if match.group(2).strip() else []
    return data


def _split_front_matter(text: str, name: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, the Markdown after it, the number of lines the block took)."""
    lines = text.split("\n")
    fence = lines[0].strip() if lines else ""
    if fence not in ("+++", "---"):
        return {}, text, 0
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == fence)
    except StopIteration:
        raise SourceError(f"front matter opened with {fence!r} on line 1 is never closed",
                          path=name, line=1) from None
    block = lines[1:end]
    if fence == "+++":
        try:
            data = load_toml("\n".join(block))  # nested at most MAX_NESTING deep
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
            line = int(match.group(1)) + 1 if match else 1
            raise SourceError(f"front matter is not valid TOML: "
                              f"{re.sub(r' ?[(]at line.*[)]', '', str(exc))}",
                              path=name, line=line) from None
    else:
        data = _yaml_ish(block, name, 2)
    return data, "\n".join(lines[end + 1:]), end + 1


# --- Markdown tokens to the model --------------------------------------------------

def _inlines(tokens: Sequence[Token], warnings: list[str]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    stack: list[tuple[str, str, list[Inline]]] = []  # (kind, href, the outer list)

    def add(node: Inline) -> None:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)

    for tok in tokens:
        kind = tok.type
        if kind in ("text", "code_inline", "html_inline"):
            add(Text(tok.content))
        elif kind == "softbreak":
            add(Text(" "))
        elif kind == "hardbreak":
            add(LineBreak())
        elif kind == "footnote_ref":  # a note call: the note is read from the footnote block
            add(NoteRef(_note_id(tok.meta["id"]), _note_label(tok.meta["id"])))
        elif kind == "image":
            warnings.append(f"images: not supported; kept the description of {tok.attrGet('src')}")
            add(Text(tok.content))
        elif kind in ("em_open", "strong_open", "link_open"):
            stack.append((kind, str(tok.attrGet("href") or ""), out))
            out = []
        elif kind in ("em_close", "strong_close", "link_close") and stack:
            opener, href, outer = stack.pop()
            children = tuple(out)
            out = outer
            if opener == "em_open":
                out.append(Emphasis(children))
            elif opener == "strong_open":
                out.append(Strong(children))
            elif _KEPT_LINK.match(href) or is_relative(href):
                # a relative link is resolved against the article's address when rendered
                out.append(Link(href, children))
            else:  # not an address a book can carry: data:, javascript:
                for child in children:
                    add(child)
        else:  # anything else: its text, never markup
            if tok.content:
                add(Text(tok.content))
    while stack:  # unbalanced (cannot happen with markdown-it): flatten
        _, _, outer = stack.pop()
        outer.extend(out)
        out = outer
    return tuple(out)


def _note_id(index: int) -> str:
    """markdown-it numbers footnotes 0, 1, … in the order of their first call."""
    return f"fn{index + 1}"


def _note_label(index: int) -> str:
    # `[^name]` is a key, not a mark to print: the note prints as its number
    return str(index + 1)


def _table(tokens: list[Token], start: int, warnings: list[str]) -> tuple[Table, int]:
    """A pipe table from its `table_open` at tokens[start]; the header row is of `th`."""
    rows: list[tuple[Cell, ...]] = []
    row: list[Cell] = []
    i = start + 1
    while tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type in ("th_open", "td_open"):
            align = _ALIGN.search(str(tok.attrGet("style") or ""))
            row.append(Cell(_inlines(tokens[i + 1].children or [], warnings),
                            header=tok.type == "th_open", align=align.group(1) if align else ""))
            i += 3
            continue
        if tok.type == "tr_close":
            rows.append(tuple(row))
            row = []
        i += 1
    return Table(tuple(rows)), i + 1


def _definitions(tokens: list[Token], start: int,
                 warnings: list[str]) -> tuple[DefinitionList, int]:
    """A definition list from its `dl_open` at tokens[start]: each term, its definitions."""
    items: list[Definition] = []
    i = start + 1
    while tokens[i].type != "dl_close":
        tok = tokens[i]
        if tok.type == "dt_open":
            items.append(Definition(_inlines(tokens[i + 1].children or [], warnings)))
            i += 3
        elif tok.type == "dd_open":
            body, i = _blocks(tokens, i + 1, "dd_close", warnings)
            if not items:  # cannot happen with the plug-in: a definition needs a term
                items.append(Definition(()))
            items[-1] = Definition(items[-1].term, items[-1].definitions + (tuple(body),))
        else:
            i += 1
    return DefinitionList(tuple(items)), i + 1


def _notes(tokens: list[Token], start: int, warnings: list[str]) -> tuple[Note, ...]:
    """The notes of the footnote block that opens at tokens[start]."""
    notes: list[Note] = []
    i = start + 1
    while i < len(tokens) and tokens[i].type == "footnote_open":
        meta = tokens[i].meta
        body, i = _blocks(tokens, i + 1, "footnote_close", warnings)
        notes.append(Note(_note_id(meta["id"]), tuple(body), _note_label(meta["id"])))
    return tuple(notes)


def _blocks(tokens: list[Token], start: int, stop: str | None,
            warnings: list[str]) -> tuple[list[Block], int]:
    """Blocks from tokens[start:] up to the closing token `stop`; returns (blocks, next)."""
    out: list[Block] = []
    i = start
    while i < len(tokens):
        tok = tokens[i]
        if stop is not None and tok.type == stop:
            return out, i + 1
        if tok.type == "paragraph_open":
            content = _inlines(tokens[i + 1].children or [], warnings)
            if content:
                out.append(Paragraph(content))
            i += 3
        elif tok.type == "heading_open":
            content = _inlines(tokens[i + 1].children or [], warnings)
            if content:
                out.append(Heading(content, level=int(tok.tag[1:])))
            i += 3
        elif tok.type == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close", warnings)
            out.append(Quote(tuple(inner)))
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            ordered = tok.type == "ordered_list_open"
            close = tok.type.replace("_open", "_close")
            items: list[tuple[Block, ...]] = []
            i += 1
            while tokens[i].type != close:
                item, i = _blocks(tokens, i + 1, "list_item_close", warnings)
                items.append(tuple(item))
            i += 1
            start_at = tok.attrGet("start")
            out.append(ListBlock(tuple(items), ordered=ordered,
                                 start=int(start_at) if start_at is not None else 1))
        elif tok.type == "hr":
            out.append(Separator())
            i += 1
        elif tok.type in ("code_block", "fence"):
            out.append(Preformatted(tok.content.rstrip("\n")))
            i += 1
        elif tok.type == "table_open":
            table, i = _table(tokens, i, warnings)
            out.append(table)
        elif tok.type == "dl_open":
            definitions, i = _definitions(tokens, i, warnings)
            out.append(definitions)
        elif tok.type == "footnote_block_open":  # the notes come last: parse() reads them
            return out, i
        elif tok.type == "html_block":  # only if a plug-in enabled HTML: keep it as text
            out.append(Paragraph((Text(tok.content.strip()),)))
            i += 1
        else:
            i += 1
    return out, i


def _decode(data: bytes, name: str) -> tuple[str, int]:
    """The text, and how many control characters were taken out of it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SourceError(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8",
                          path=name, line=line) from None
    return _CONTROL.subn("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _key_line(text: str, key: str) -> int:
    """The line of the front matter that sets `key` (1 if not found)."""
    match = re.search(rf"(?m)^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*[=:]", text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _check_meta(meta: dict[str, Any], text: str, name: str) -> None:
    """The known front-matter keys hold values of the right kind; `language` is a
    BCP 47 tag, checked as the book's language is."""
    from ..languages import is_language_tag

    def fail(key: str, expected: str) -> SourceError:
        return SourceError(f"front matter: {key} must be {expected}, found {meta[key]!r}",
                           path=name, line=_key_line(text, key), key=key)

    for key in ("subtitle", "licence", "license", "source", "language", "lang"):
        if key in meta and (not isinstance(meta[key], str) or not meta[key].strip()):
            raise fail(key, "a non-empty string")
    for key in ("language", "lang"):
        if key in meta and not is_language_tag(meta[key].strip()):
            raise fail(key, "a BCP 47 language tag such as 'en', 'fr' or 'de-CH'")
    for key in ("author", "authors"):
        value = meta.get(key, [])
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise fail(key, "a name or a list of names")
    if "date" in meta and (isinstance(meta["date"], bool)
                           or not isinstance(meta["date"], (str, int, _dt.date))):
        raise fail("date", "a date (text, a year or a TOML date)")


class Parsed(NamedTuple):
    """What `parse` makes of a Markdown file."""

    meta: dict[str, Any]
    title: str | None
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...]
    warnings: list[str]


def _same_title(a: str, b: str) -> bool:
    """Two spellings of one title: case, spacing, punctuation and quotes aside."""
    def norm(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).casefold()
        return " ".join(re.sub(r"[\W_]+", " ", text).split())
    return norm(a) == norm(b)


def parse(data: bytes, *, name: str, default_title: str | None = None) -> Parsed:
    """The front matter, title, blocks, notes and warnings of a Markdown file's bytes.

    The title is the front matter's, else the first level-1 heading (taken out
    of the blocks), else `default_title`; a first heading that repeats the
    front matter's or the default title is the title, not a section. Headings
    are renumbered so the highest is level 1. The notes are the footnotes, in
    the order of their first call, with ids `fn1`, `fn2`, ….
    """
    text, removed = _decode(data, name)
    meta, body, skipped = _split_front_matter(text, name)
    warnings: list[str] = []
    if removed:  # control characters are invalid in XHTML and never meant as text
        warnings.append(f"control: removed {removed} control character(s)")
    head = "\n".join(text.split("\n")[:skipped])  # the front matter's lines
    title = meta.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise SourceError(f"front matter: title must be a non-empty string, found {title!r}",
                          path=name, line=_key_line(head, "title"), key="title")
    _check_meta(meta, head, name)
    env: dict[str, Any] = {}
    tokens = _md.parse(body, env)
    deep = [t.meta["too_deep"] for t in tokens if t.meta.get("too_deep")]
    if deep:
        warnings.append(f"nesting: quotes and lists nested too deep (from line "
                        f"{deep[0] + skipped}: more than {MAX_NESTING} quotes, or "
                        f"{MAX_NESTING // 2 - 1} lists) are kept as plain text")
    blocks, end = _blocks(tokens, 0, None, warnings)
    notes = _notes(tokens, end, warnings) if end < len(tokens) else ()
    for label, index in env.get("footnotes", {}).get("refs", {}).items():
        if index < 0:  # the plug-in leaves out a note nothing calls
            warnings.append(f"notes: footnote [^{label[1:]}] is never called; left out")
    if title is None:
        for index, block in enumerate(blocks):
            if isinstance(block, Heading) and block.level == 1:
                title = plain_text(block.content).strip()
                del blocks[index]
                break
    if title is None:
        title = default_title
    if title is not None and blocks and isinstance(blocks[0], Heading) and _same_title(
            plain_text(blocks[0].content), title):
        del blocks[0]  # says the title again: it is the title, not a section
    levels = [b.level for b in blocks if isinstance(b, Heading)]
    if levels and min(levels) > 1:
        shift = min(levels) - 1
        blocks = [Heading(b.content, b.level - shift) if isinstance(b, Heading) else b
                  for b in blocks]
    return Parsed(meta, title.strip() if isinstance(title, str) else None, tuple(blocks), notes,
                  warnings)


def _people(value: Any) -> tuple[Person, ...]:
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(Person(str(n).strip()) for n in names if str(n).strip())


def read(data: bytes, *, name: str = "<bytes>") -> Article:
    """Read a Markdown article."""
    meta, title, blocks, notes, warnings = parse(data, name=name)
    for key in meta:
        if key not in _KEYS:
            warnings.append(f"front-matter: key {key!r} ignored; known: {', '.join(sorted(_KEYS))}")
    if title is None:
        stem = Path(name).stem.replace("-", " ").replace("_", " ").strip() or "Untitled"
        title = stem[:1].upper() + stem[1:]
        warnings.append(f"no-title: no 'title' in front matter, no '#' heading: using {title!r}")
    authors = _people(meta.get("authors", meta.get("author")))
    if not authors:
        warnings.append("no-author: no author in the front matter: the book's author applies")
    licence = None
    statement = meta.get("licence", meta.get("license"))
    if statement is not None:
        statement = str(statement)
        licence = licence_by_id(statement) or recognise_licence(statement)
        if licence is None:
            warnings.append(f"licence: not recognised: {statement}")
    source = meta.get("source")
    fields = tuple((label, str(meta[key])) for key, label in
                   (("source", "Source"), ("licence", "Licence"), ("license", "Licence"))
                   if key in meta)
    date = meta.get("date")
    language = meta.get("language", meta.get("lang", "en"))
    subtitle = meta.get("subtitle")
    return Article(title=title, blocks=blocks, notes=notes,
                   subtitle=str(subtitle) if subtitle else None, authors=authors,
                   date=str(date) if date is not None else None,
                   attribution=Attribution(fields=fields, source=str(source) if source else None,
                                           licence=licence, origin=name),
                   language=str(language).strip(), warnings=tuple(warnings))


def read_front_matter(path: str | Path, kind: str) -> FrontMatter:
    """A preface, dedication or epigraph (`kind`) from a Markdown file."""
    from . import read_source

    _, title, blocks, notes, _ = parse(read_source(path), name=str(path),
                                       default_title=FRONT_TITLES.get(kind, kind.title()))
    return FrontMatter(kind=kind, title=title or kind.title(), blocks=blocks, notes=notes)
