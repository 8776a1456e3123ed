"""Putting a book laid out in parts together into one PDF, as if it had been laid
out in one piece: pages in order with blank versos where a part must open on a
recto, folios renumbered, one subset of each font for the whole book, one
structure tree (tags), one set of named destinations, the outline, page labels
and the document's metadata.

The book is streamed to its file part by part (see pdf_objects): one part is
open at a time, and only object numbers and small book-wide tables (pages,
parent-tree keys, destinations) are kept, so memory does not grow with the
book's tagged content.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from ...cache.blobs import BlobCache
from ...errors import WriterError
from ...files import source_date_epoch
from .objects import REFERENCE, ObjectWriter, Row
from .parts import Segment

__all__ = ["Placed", "OutlineNode", "Assembler", "CopyCache", "Fonts", "page_labels"]

_DIGITS = "0123456789"
_ObjGen = tuple[int, int]


@dataclass
class Placed:
    """A part in the book: its first page number when it is renumbered, or None
    to keep its own folios (the front matter)."""

    segment: Segment
    first_number: int | None
    blank_before: bool = False


@dataclass
class OutlineNode:
    title: str
    dest: str
    children: list["OutlineNode"]


class Fonts:
    """One merged, subset font per font file, for every part of the book. Each
    part's font dictionary points to the merged one's number; the merged fonts
    are written last, once every part's glyphs are known."""

    def __init__(self, out: ObjectWriter, epoch: int) -> None:
        self.out = out
        self.epoch = epoch
        self.glyphs: dict[str, dict[int, str]] = {}
        self.files: dict[str, Path] = {}
        self.numbers: dict[str, int] = {}  # font file digest -> the merged font's object
        self.templates: dict[str, _Template] = {}
        self.free_numbers = [0, -1]  # the first and last numbers kept for fonts
        self.digit_gids: dict[str, dict[str, int]] = {}
        self.digit_widths: dict[str, dict[int, float]] = {}

    def add_segment(self, segment: Segment) -> None:
        for digest, glyphs in sorted(segment.fonts.items()):  # the same order every time
            known = self.glyphs.setdefault(digest, {})
            for gid, text in sorted(glyphs.items()):
                # A glyph drawn for two texts: the text's own character wins
                # over the hyphen that line breaking added.
                if known.get(gid) in (None, "\u2010", "\u00ad"):
                    known[gid] = text
            self.files.setdefault(digest, segment.font_file(digest))
            self.digits(digest)  # folios may need any digit: every subset carries all ten

    def digits(self, digest: str) -> dict[str, int]:
        if digest not in self.digit_gids:
            from fontTools.ttLib import TTFont

            font = TTFont(str(self.files[digest]))
            cmap = font.getBestCmap()
            gids = {d: font.getGlyphID(cmap[ord(d)]) for d in _DIGITS if ord(d) in cmap}
            upem = font["head"].unitsPerEm
            self.digit_gids[digest] = gids
            self.digit_widths[digest] = {g: font["hmtx"][font.getGlyphName(g)][0] * 1000 / upem
                                         for g in gids.values()}
            for d, g in gids.items():
                self.glyphs[digest].setdefault(g, d)
        return self.digit_gids[digest]

    def number(self, digest: str) -> int:
        """The merged font's object number: one of the numbers the book keeps
        for its own objects, so that no part's numbers depend on its fonts."""
        if digest not in self.numbers:
            if self.free_numbers[0] > self.free_numbers[1]:
                raise WriterError(f"the book uses more than {len(self.numbers)} font files; "
                                  "a PDF made in parts has room for that many")
            self.numbers[digest] = self.free_numbers[0]
            self.free_numbers[0] += 1
        return self.numbers[digest]

    def learn(self, digest: str, template: "_Template") -> None:
        """The first part's font dictionary for a file gives the merged one
        everything but its glyphs."""
        self.templates.setdefault(digest, template)

    def write(self) -> None:
        for digest in sorted(self.templates):
            self._write(digest)

    def _write(self, digest: str) -> None:
        """The font subset once to every glyph any part uses (glyph ids kept)."""
        from fontTools import subset
        from fontTools.ttLib import TTFont

        glyphs = self.glyphs[digest]
        font = TTFont(str(self.files[digest]), lazy=True)
        for table in ("GSUB", "GPOS", "SVG ", "DSIG"):  # dropped anyway: never decoded
            if table in font:
                del font[table]
        upem = font["head"].unitsPerEm
        options = subset.Options(retain_gids=True, passthrough_tables=True,
                                 ignore_missing_glyphs=True, hinting=False,
                                 desubroutinize=True, notdef_outline=True)
        options.drop_tables += ["GSUB", "GPOS", "SVG", "DSIG"]
        subsetter = subset.Subsetter(options)
        gids = sorted(g for g in glyphs if g < len(font.getGlyphOrder()))
        subsetter.populate(gids=gids)
        subsetter.subset(font)
        buffer = io.BytesIO()
        with source_date_epoch(self.epoch):  # fontTools stamps 'head' with the time
            font.save(buffer)
        program = buffer.getvalue()
        order = font.getGlyphOrder()
        widths = b" ".join(b"%d [ %d ]" % (g, round((font["hmtx"][order[g]][0] if g < len(order) else 0)
                                                    * 1000 / upem)) for g in gids)
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(
            digest.encode() + repr(gids).encode()).digest()[:6])
        top, cid, descriptor, base_name = self.templates[digest]
        base = pikepdf.Name(f"/{tag}+{base_name}").unparse()
        out = self.out
        program_ref, unicode_ref, descriptor_ref, cid_ref = out.new(), out.new(), out.new(), out.new()
        out.add_stream(program_ref, b"/Length1 %d" % len(program), program, compressed=False)
        out.add_stream(unicode_ref, b"", _to_unicode(glyphs), compressed=False)
        out.add(descriptor_ref, b"<< %s /FontName %s /FontFile2 %d 0 R >>"
                % (descriptor, base, program_ref))
        out.add(cid_ref, b"<< %s /BaseFont %s /FontDescriptor %d 0 R /W [ %s ] >>"
                % (cid, base, descriptor_ref, widths))
        out.add(self.numbers[digest], b"<< %s /BaseFont %s /DescendantFonts [ %d 0 R ] /ToUnicode %d 0 R >>"
                % (top, base, cid_ref, unicode_ref))


_Template = tuple[bytes, bytes, bytes, str]


def _template(font: pikepdf.Dictionary) -> _Template:
    """What a merged font takes from a part's font dictionary: its entries, its
    descendant's and its descriptor's (less glyphs and references), its name."""
    descendant = font.DescendantFonts[0]
    return (_entries(font, ("/BaseFont", "/DescendantFonts", "/ToUnicode")),
            _entries(descendant, ("/BaseFont", "/FontDescriptor", "/W", "/CIDSet")),
            _entries(descendant.FontDescriptor,
                     ("/FontName", "/FontFile", "/FontFile2", "/FontFile3", "/CIDSet")),
            str(font.BaseFont).split("+", 1)[-1])


def _entries(obj: pikepdf.Dictionary, leave: tuple[str, ...]) -> bytes:
    """A font dictionary's own entries as text, less some (no references)."""
    out = []
    for key, value in obj.items():
        if key in leave:
            continue
        text = _text(value)
        if any(m.group(1) for m in REFERENCE.finditer(text)):
            continue  # an entry pointing elsewhere: the merged font does without it
        out.append(pikepdf.Name(key).unparse() + b" " + text)
    return b" ".join(out)


def _to_unicode(glyphs: dict[int, str]) -> bytes:
    def utf16(text: str) -> str:
        return text.encode("utf-16-be").hex()

    items = sorted(glyphs.items())
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0",
             b">> def", b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{g:04x}> <{utf16(t)}>".encode() for g, t in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


_LENGTH = re.compile(rb"/Length \d+(?: \d+ R)?(?![\d.])")


class _Copier:
    """Copies the objects of one part, renumbered, as they are reached from the
    references it is asked for. `fixed` sends some of the part's objects to
    objects of the book instead (its page tree, its structure root, its fonts)."""

    def __init__(self, out: ObjectWriter, pdf: pikepdf.Pdf, fixed: dict[_ObjGen, int]) -> None:
        self.out = out
        self.pdf = pdf
        self.numbers = dict(fixed)
        self.todo: list[_ObjGen] = []
        self.contents: dict[_ObjGen, bytes] = {}  # new (decoded) data for some streams

    def ref(self, objgen: _ObjGen) -> int:
        number = self.numbers.get(objgen)
        if number is None:
            number = self.numbers[objgen] = self.out.new()
            self.todo.append(objgen)
        return number

    def _renumber(self, match: re.Match[bytes]) -> bytes:
        if match.group(1) is None:
            return match.group(0)
        return b"%d 0 R" % self.ref((int(match.group(1)), int(match.group(2))))

    def value(self, obj: Any) -> bytes:
        """An object as it is written in the book: a reference, or its text."""
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            return b"%d 0 R" % self.ref(obj.objgen)
        return REFERENCE.sub(self._renumber, _text(obj))

    def drain(self) -> None:
        """Write every object reached so far, and those they reach."""
        while self.todo:
            objgen = self.todo.pop()
            obj = self.pdf.get_object(objgen)
            number = self.numbers[objgen]
            if isinstance(obj, pikepdf.Stream):
                entries = obj.stream_dict
                new = self.contents.get(objgen)
                if new is not None:
                    for key in ("/Filter", "/DecodeParms"):
                        if key in entries:
                            del entries[key]
                    data, compressed = new, False
                else:
                    # Metadata stays as it is (unfiltered: PDF/A and PDF/X ask it to be
                    # readable without decoding).
                    data = obj.read_raw_bytes()
                    compressed = "/Filter" in entries or entries.get("/Type") == "/Metadata"
                text = _LENGTH.sub(b"", entries.unparse())[2:-2].strip()
                self.out.add_stream(number, REFERENCE.sub(self._renumber, text), data,
                                    compressed=compressed)
            elif obj is None:
                self.out.add(number, b"null")
            else:
                self.out.add(number, REFERENCE.sub(self._renumber, obj.unparse(resolved=True)))


def _text(obj: Any) -> bytes:
    if isinstance(obj, pikepdf.Object):
        return obj.unparse(resolved=True)
    return pikepdf.Array([obj]).unparse()[1:-1].strip()  # a number or a boolean


def _font_tables(resources: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """The /Font dictionaries of some resources and of the forms they draw, once each."""
    seen: set[tuple[int, int]] = set()
    pending = [resources]
    while pending:
        current = pending.pop()
        if not isinstance(current, pikepdf.Dictionary):
            continue
        fonts = current.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            yield fonts
        xobjects = current.get("/XObject")
        if isinstance(xobjects, pikepdf.Dictionary):
            for xobject in xobjects.values():
                if xobject.is_indirect:
                    if xobject.objgen in seen:
                        continue
                    seen.add(xobject.objgen)
                if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                    pending.append(xobject.Resources)


_START = re.compile(rb"^1 0 0 -1 0 ([\d.]+) cm\nq\n([\d.]+) 0 0 ([\d.]+) 0 0 cm\n")
_TEXT = re.compile(rb"BT\n1 0 0 -1 ([-\d.]+) ([-\d.]+) Tm\n/(\S+) ([\d.]+) Tf\n"
                   rb"\[((?:<[0-9a-fA-F]*>-?[\d.]*)+)\] TJ\nET")
_GLYPHS = re.compile(rb"<([0-9a-fA-F]*)>")


def _renumber_folio(page: pikepdf.Page, number: int, fonts: Fonts, digests: dict[_ObjGen, str],
                    bottom: float) -> bytes | None:
    """The page's content with its folio (the last text shown below `bottom`,
    in points from the page's foot) set to `number`, keeping its alignment; or
    None to leave the page as it is.

    WeasyPrint writes every page the same way (a flip, a scale, then one text
    object per run), so the folio is found in the raw content stream; a page
    written otherwise is left as it is.
    """
    stream = page.obj.Contents
    if isinstance(stream, pikepdf.Array):
        return None
    data = stream.read_bytes()
    start = _START.match(data)
    if start is None:
        return None
    height, scale = float(start.group(1)), float(start.group(3))
    folio = None
    for match in _TEXT.finditer(data):
        if height - float(match.group(2)) * scale < bottom:
            folio = match
    if folio is None:
        return None
    font_name = "/" + folio.group(3).decode()
    resources = page.obj.Resources.Font
    font = resources[font_name] if font_name in resources else None
    digest = digests.get(font.objgen) if font is not None and font.is_indirect else None
    if digest is None:
        return None
    gids = fonts.digits(digest)
    widths = fonts.digit_widths[digest]
    old_gids = [int(h[i:i + 4], 16) for h in _GLYPHS.findall(folio.group(5)) for i in range(0, len(h), 4)]
    if not old_gids or not all(g in widths for g in old_gids) or any(d not in gids for d in str(number)):
        return None  # not a number: leave the page alone
    new_gids = [gids[d] for d in str(number)]
    size = float(folio.group(4))
    x = float(folio.group(1))
    if number % 2 == 1:  # a recto's folio is right-aligned: keep its right edge
        x += (sum(widths[g] for g in old_gids) - sum(widths[g] for g in new_gids)) * size / 1000
    text = (b"BT\n1 0 0 -1 %s %s Tm\n/%s %s Tf\n[<%s>] TJ\nET" % (
        f"{x:.6f}".rstrip("0").rstrip(".").encode(), folio.group(2), folio.group(3),
        folio.group(4), "".join(f"{g:04x}" for g in new_gids).encode()))
    return data[:folio.start()] + text + data[folio.end():]


def _as_list(obj: Any) -> list[Any]:
    return list(obj) if isinstance(obj, pikepdf.Array) else [obj]


# The book's own objects take the first numbers: the catalog, the page tree,
# the structure tree's Document element, then the merged fonts.
_CATALOG, _PAGES, _DOCUMENT, _FIRST_FONT, _RESERVED = 1, 2, 3, 4, 256


def _block(used: int) -> int:
    """The numbers a part takes: what it uses and some to spare, so that a part
    that gains or loses a few objects when edited leaves every later part's
    numbers, and so its cached copy, as they are."""
    return -(-(used + used // 8 + 16) // 64) * 64


def _key_block(used: int) -> int:
    """The same for the structure parent-tree keys (one per page and link)."""
    return -(-(used + used // 4 + 4) // 16) * 16


@dataclass
class _Copy:
    """A part as written into the book: its objects' bytes and cross-reference
    rows (numbers from `base`), and what the book's own objects need of it."""

    data: bytes
    rows: list[Row]
    base: int
    used: int                           # numbers used from base
    keys: int                           # parent-tree keys used from the part's first
    version: str
    boxes: bytes
    pages: list[int]
    struct_kids: list[bytes] | None     # None: the part has no tags
    parent_nums: list[bytes]
    role_map: dict[bytes, bytes]
    dests: list[tuple[str, bytes]]
    catalog_entries: dict[str, bytes]
    info: int | None
    identifier: bytes | None
    fonts: dict[str, _Template]

    def dump(self) -> bytes:
        def text(b: bytes) -> str:
            return b.decode("latin-1")

        meta = {"rows": self.rows, "base": self.base, "used": self.used, "keys": self.keys,
                "version": self.version, "boxes": text(self.boxes), "pages": self.pages,
                "struct_kids": None if self.struct_kids is None else [text(k) for k in self.struct_kids],
                "parent_nums": [text(n) for n in self.parent_nums],
                "role_map": [[text(k), text(v)] for k, v in self.role_map.items()],
                "dests": [[name, text(v)] for name, v in self.dests],
                "catalog_entries": [[k, text(v)] for k, v in self.catalog_entries.items()],
                "info": self.info,
                "identifier": None if self.identifier is None else text(self.identifier),
                "fonts": {d: [text(t[0]), text(t[1]), text(t[2]), t[3]] for d, t in self.fonts.items()}}
        head = json.dumps(meta).encode("utf-8")  # in order: the catalog's entries keep theirs
        return b"%d\n" % len(head) + head + self.data

    @classmethod
    def load(cls, blob: bytes) -> "_Copy":
        def raw(t: str) -> bytes:
            return t.encode("latin-1")

        size, _, rest = blob.partition(b"\n")
        m = json.loads(rest[:int(size)])
        return cls(data=rest[int(size):], rows=[tuple(r) for r in m["rows"]], base=m["base"],
                   used=m["used"], keys=m["keys"], version=m["version"], boxes=raw(m["boxes"]),
                   pages=m["pages"],
                   struct_kids=None if m["struct_kids"] is None else [raw(k) for k in m["struct_kids"]],
                   parent_nums=[raw(n) for n in m["parent_nums"]],
                   role_map={raw(k): raw(v) for k, v in m["role_map"]},
                   dests=[(name, raw(v)) for name, v in m["dests"]],
                   catalog_entries={k: raw(v) for k, v in m["catalog_entries"]},
                   info=m["info"], identifier=None if m["identifier"] is None else raw(m["identifier"]),
                   fonts={d: (raw(t[0]), raw(t[1]), raw(t[2]), t[3]) for d, t in m["fonts"].items()})


class CopyCache:
    """Parts as written into a book, kept between builds: a rebuild after one
    chapter changed copies the others' bytes as they are. Entries are
    digest-checked (see BlobCache): a damaged one is made again, never trusted."""

    def __init__(self, root: Path | None, fresh: bool = False) -> None:
        self.blobs = BlobCache(root, fresh=fresh) if root is not None else None
        self.used: set[str] = set()

    def get(self, key: str) -> "_Copy | None":
        if self.blobs is None:
            return None
        self.used.add(key)
        payload = self.blobs.get("parts", key)
        if payload is None:
            return None
        try:
            return _Copy.load(payload)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError,
                UnicodeError, RecursionError):  # whole, but not a copy
            self.blobs.path("parts", key).unlink(missing_ok=True)
            return None

    def put(self, key: str, copy: _Copy) -> None:
        if self.blobs is not None:
            self.used.add(key)
            self.blobs.put("parts", key, copy.dump())

    def prune(self) -> None:
        """Forget the copies this build did not use (one book's copies to a
        folder: they are only ever good for that book's next build)."""
        if self.blobs is None or not self.blobs.root.is_dir():
            return
        for entry in self.blobs.root.rglob("*"):
            if len(entry.name) == 64 and entry.name not in self.used and entry.is_file():
                entry.unlink(missing_ok=True)


class Assembler:
    """Streams a book to `target` as its parts arrive, in any order: `order`
    says where each part's pages go. The merged fonts, the page tree, the
    structure tree's root, the destinations and the outline are written by
    finish(). With `copies`, each part's copy is kept for the next build."""

    def __init__(self, target: Path, *, epoch: int, bottom_margin: float,
                 copies: CopyCache | None = None) -> None:
        self.file = open(target, "wb")
        self.out = ObjectWriter(self.file, "1.7")
        self.fonts = Fonts(self.out, epoch)
        self.epoch = epoch
        self.bottom = bottom_margin
        self.copies = copies or CopyCache(None)
        self.catalog, self.pages_root = self.out.new(), self.out.new()
        assert (self.catalog, self.pages_root) == (_CATALOG, _PAGES)
        self.out.skip_to(_RESERVED + 1)  # the Document element (if tagged) and fonts: written last
        self.fonts.free_numbers = [_FIRST_FONT, _RESERVED]
        self.pages: dict[float, list[int]] = {}      # order -> the part's page objects
        self.document: int | None = None    # the structure tree's Document element
        self.struct_kids: dict[float, list[bytes]] = {}
        self.parent_nums: list[bytes] = []
        self.next_key = 0
        self.role_map: dict[bytes, bytes] = {}
        self.dests: dict[str, bytes] = {}
        self.catalog_entries: dict[str, bytes] = {}
        self.info: int | None = None
        self.identifier = b"()"
        self.boxes = b""
        self.copied = 0                     # parts copied from their PDF, not from the cache

    def close(self) -> None:
        self.file.close()

    def add(self, p: Placed, order: float, *, document: bool = False) -> None:
        """Copy a part's pages (and a blank page first, if it asks for one).
        The `document` part gives the book its metadata and language."""
        self.fonts.add_segment(p.segment)
        numbers = {d: self.fonts.number(d) for d in sorted(p.segment.fonts)}
        base, shift = self.out.next_number, self.next_key
        key = hashlib.sha256(repr((
            "copy 1", p.segment.digest, p.first_number, p.blank_before, document, base, shift,
            sorted(numbers.items()), sorted(p.segment.font_names.items()), self.boxes,
            self.bottom)).encode("utf-8")).hexdigest()
        copy = self.copies.get(key)
        if copy is None or copy.base != base:
            with pikepdf.open(io.BytesIO(p.segment.read())) as src:
                copy = self._copy(p, src, base, shift, document)
            self.copies.put(key, copy)
            self.copied += 1
        self._splice(copy, p, order, shift, document)

    def add_blank(self, order: float) -> None:
        """A blank page (of the size of the pages added so far)."""
        self.pages[order] = [self._blank(self.out, self.boxes)]

    def _splice(self, c: _Copy, p: Placed, order: float, shift: int, document: bool) -> None:
        if not self.pages:
            self.out.version = c.version  # every part is made alike
        self.boxes = self.boxes or c.boxes
        for digest, template in sorted(c.fonts.items()):
            self.fonts.learn(digest, template)
        self.out.skip_to(c.base + _block(c.used))
        self.out.splice(c.data, c.rows)
        self.pages[order] = c.pages
        if c.struct_kids is not None:
            self.document = _DOCUMENT
            self.struct_kids[order] = c.struct_kids
        self.parent_nums += c.parent_nums
        self.role_map.update(c.role_map)
        self.next_key = shift + _key_block(c.keys)
        # Named destinations: a part's own anchors win over the stand-ins
        # that the contents page carries for them (parts that keep their folios).
        for name, value in c.dests:
            if name not in self.dests or p.first_number is not None:
                self.dests[name] = value
        if document:
            self.catalog_entries.update(c.catalog_entries)
            self.info = c.info
            if c.identifier is not None:
                self.identifier = c.identifier

    def _copy(self, p: Placed, src: pikepdf.Pdf, base: int, shift: int, document: bool) -> _Copy:
        """Write a part's objects, numbered from `base`, into bytes of their own."""
        buffer = io.BytesIO()
        out = ObjectWriter(buffer, src.pdf_version, first=base, header=False)
        root = src.Root
        fixed: dict[_ObjGen, int] = {root.objgen: self.catalog, root.Pages.objgen: self.pages_root}
        tree = root.get("/StructTreeRoot")
        children: list[Any] = []
        if tree is not None:
            fixed[tree.objgen] = _DOCUMENT
            for kid in _as_list(tree.K):
                # WeasyPrint wraps each part in a Document element: keep its children.
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Document" and "/K" in kid:
                    fixed[kid.objgen] = _DOCUMENT
                    children += _as_list(kid.K)
                else:
                    children.append(kid)
        copier = _Copier(out, src, fixed)

        # Fonts: each part's subset of a font file becomes the book's one subset.
        digests: dict[_ObjGen, str] = {}
        templates: dict[str, _Template] = {}
        for page in src.pages:
            for table in _font_tables(page.obj.get("/Resources")):
                for font in table.values():
                    digest = p.segment.font_names.get(str(font.get("/BaseFont", "")).lstrip("/"))
                    if digest in self.fonts.glyphs and font.is_indirect:
                        digests[font.objgen] = digest
                        copier.numbers[font.objgen] = self.fonts.number(digest)
                        if digest not in templates:
                            templates[digest] = _template(font)

        model = src.pages[0].obj
        boxes = self.boxes or b"".join(b" %s %s" % (box.encode(), model[box].unparse(resolved=True))
                                       for box in ("/MediaBox", "/TrimBox", "/BleedBox", "/CropBox")
                                       if box in model)
        pages = [self._blank(out, boxes)] if p.blank_before else []
        highest = shift - 1
        for offset, page in enumerate(src.pages):
            obj = page.obj
            parent = obj.get("/Parent")
            if parent is None or parent.objgen != root.Pages.objgen:
                obj.Parent = root.Pages
            if "/StructParents" in obj:
                obj.StructParents = int(obj.StructParents) + shift
                highest = max(highest, int(obj.StructParents))
            for annot in obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + shift
                    highest = max(highest, int(annot.StructParent))
            if p.first_number is not None and p.first_number != 1:
                new = _renumber_folio(page, p.first_number + offset, self.fonts, digests, self.bottom)
                if new is not None:
                    copier.contents[obj.Contents.objgen] = new
            pages.append(copier.ref(obj.objgen))

        # Tags: one tree for the book; parent-tree keys renumbered per part.
        struct_kids: list[bytes] | None = None
        parent_nums: list[bytes] = []
        role_map: dict[bytes, bytes] = {}
        if tree is not None:
            struct_kids = [copier.value(kid) for kid in children]
            nums = tree.ParentTree.get("/Nums", pikepdf.Array())
            for i in range(0, len(nums), 2):
                key = int(nums[i]) + shift
                parent_nums.append(b"%d %s" % (key, copier.value(nums[i + 1])))
                highest = max(highest, key)
            for name, value in tree.get("/RoleMap", pikepdf.Dictionary()).items():
                role_map[pikepdf.Name(name).unparse()] = copier.value(value)

        dests: list[tuple[str, bytes]] = []
        names = root.get("/Names")
        if names is not None and "/Dests" in names:
            array = names.Dests.get("/Names", pikepdf.Array())
            dests = [(str(array[i]), copier.value(array[i + 1])) for i in range(0, len(array), 2)]

        catalog_entries: dict[str, bytes] = {}
        info = identifier = None
        if document:  # the document: metadata, language, viewer preferences, output intents
            for entry in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/OutputIntents", "/Metadata"):
                if entry in root:
                    catalog_entries[entry] = copier.value(root[entry])
            if "/Info" in src.trailer:
                info = copier.ref(src.trailer.Info.objgen)
            ident = src.trailer.get("/ID")
            if isinstance(ident, pikepdf.Array) and len(ident):
                identifier = ident[0].unparse()
        copier.drain()
        out.flush()
        return _Copy(data=buffer.getvalue(), rows=out.rows(), base=base, used=out.next_number - base,
                     keys=highest - shift + 1, version=src.pdf_version, boxes=boxes, pages=pages,
                     struct_kids=struct_kids, parent_nums=parent_nums, role_map=role_map,
                     dests=dests, catalog_entries=catalog_entries, info=info,
                     identifier=identifier, fonts=templates)

    def _blank(self, out: ObjectWriter, boxes: bytes) -> int:
        number, contents = out.new(), out.new()
        out.add_stream(contents, b"", b"", compressed=False)
        out.add(number, b"<< /Type /Page /Parent %d 0 R%s /Resources << >> /Contents %d 0 R >>"
                % (self.pages_root, boxes, contents))
        return number

    def finish(self, outline: Sequence[OutlineNode], front_pages: int) -> None:
        out = self.out
        self.fonts.write()
        pages = [n for order in sorted(self.pages) for n in self.pages[order]]
        out.add(self.pages_root, b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (
            len(pages), b" ".join(b"%d 0 R" % n for n in pages)))
        entries = [b"/Type /Catalog", b"/Pages %d 0 R" % self.pages_root]
        if self.document is not None:
            tree, parent_tree = out.new(), out.new()
            kids = [k for order in sorted(self.struct_kids) for k in self.struct_kids[order]]
            out.add(self.document, b"<< /Type /StructElem /S /Document /P %d 0 R /K [ %s ] >>" % (
                tree, b" ".join(kids)))
            out.add(parent_tree, b"<< /Nums [ %s ] >>" % b" ".join(sorted(
                self.parent_nums, key=lambda entry: int(bytes(entry).split(b" ", 1)[0]))))
            role_map = (b" /RoleMap << %s >>" % b" ".join(b"%s %s" % kv for kv in sorted(self.role_map.items()))
                        if self.role_map else b"")
            out.add(tree, b"<< /Type /StructTreeRoot /K [ %d 0 R ] /ParentTree %d 0 R"
                    b" /ParentTreeNextKey %d%s >>" % (self.document, parent_tree, self.next_key, role_map))
            entries.append(b"/StructTreeRoot %d 0 R" % tree)
        dests = out.new()
        out.add(dests, b"<< /Names [ %s ] >>" % b" ".join(
            b"%s %s" % (pikepdf.String(name).unparse(), self.dests[name]) for name in sorted(self.dests)))
        entries.append(b"/Names << /Dests %d 0 R >>" % dests)
        entries.append(b"/Outlines %d 0 R" % self._outline(outline))
        entries.append(b"/PageLabels " + page_labels(front_pages).unparse())
        entries += [b"%s %s" % (key.encode(), value) for key, value in self.catalog_entries.items()]
        out.add(self.catalog, b"<< %s >>" % b" ".join(entries))
        out.finish(self.catalog, self.info, self.identifier)
        self.file.close()

    def _outline(self, nodes: Sequence[OutlineNode]) -> int:
        root = self.out.new()
        first, last, count = self._outline_level(root, nodes)
        if first is None or last is None:
            self.out.add(root, b"<< /Type /Outlines /Count 0 >>")
        else:
            self.out.add(root, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>"
                         % (first, last, count))
        return root

    def _outline_level(self, parent: int, nodes: Sequence[OutlineNode]) -> tuple[int | None, int | None, int]:
        items = [node for node in nodes if node.dest in self.dests]
        numbers = [self.out.new() for _ in items]
        total = 0
        for i, (node, number) in enumerate(zip(items, numbers)):
            first, last, count = self._outline_level(number, node.children)
            entries = [b"/Title " + pikepdf.String(node.title).unparse(),
                       b"/Parent %d 0 R" % parent, b"/Dest " + self.dests[node.dest]]
            if i:
                entries.append(b"/Prev %d 0 R" % numbers[i - 1])
            if i + 1 < len(numbers):
                entries.append(b"/Next %d 0 R" % numbers[i + 1])
            if first is not None and last is not None:
                entries.append(b"/First %d 0 R /Last %d 0 R /Count %d" % (first, last, count))
            self.out.add(number, b"<< %s >>" % b" ".join(entries))
            total += 1 + count
        return (numbers[0] if numbers else None), (numbers[-1] if numbers else None), total


def page_labels(front_pages: int) -> pikepdf.Dictionary:
    """Front matter labelled i, ii, …, the body 1, 2, …, as the folios are."""
    nums: list[Any] = []
    if front_pages:
        nums += [0, pikepdf.Dictionary(S=pikepdf.Name.r)]
    nums += [front_pages, pikepdf.Dictionary(S=pikepdf.Name.D)]
    return pikepdf.Dictionary(Nums=pikepdf.Array(nums))
