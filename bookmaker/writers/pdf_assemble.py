"""Putting a book laid out in parts together into one PDF, as if it had been laid
out in one piece: pages in order with blank versos where a part must open on a
recto, folios renumbered, one subset of each font for the whole book, one
structure tree (tags), one set of named destinations, the outline, page labels
and the document's metadata."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from ..files import source_date_epoch
from .pdf_parts import Segment

__all__ = ["Placed", "OutlineNode", "assemble_pdf", "page_labels"]

_DIGITS = "0123456789"


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


class _Fonts:
    """One merged, subset font per font file, for every part of the book."""

    def __init__(self, out: pikepdf.Pdf, placed: Sequence[Placed], epoch: int) -> None:
        self.out = out
        self.glyphs: dict[str, dict[int, str]] = {}
        self.files: dict[str, Path] = {}
        for p in placed:
            for digest, glyphs in sorted(p.segment.fonts.items()):  # the same order every time
                self.glyphs.setdefault(digest, {}).update(glyphs)
                self.files.setdefault(digest, p.segment.font_file(digest))
        self.epoch = epoch
        self.merged: dict[str, pikepdf.Object] = {}
        self.digit_gids: dict[str, dict[str, int]] = {}
        self.digit_widths: dict[str, dict[int, float]] = {}
        for digest in sorted(self.glyphs):
            self.digits(digest)  # folios may need any digit: every subset carries all ten

    def note_template(self, digest: str, font: pikepdf.Dictionary) -> None:
        """The first font dictionary seen for a file becomes the merged font (once)."""
        if digest not in self.merged and digest in self.glyphs:
            self.merged[digest] = self._merge(digest, font)

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

    def _merge(self, digest: str, template: pikepdf.Dictionary) -> pikepdf.Object:
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
        widths: list[Any] = []
        for g in gids:
            advance = font["hmtx"][order[g]][0] if g < len(order) else 0
            widths += [g, pikepdf.Array([round(advance * 1000 / upem)])]
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(
            digest.encode() + repr(gids).encode()).digest()[:6])

        merged = self.out.copy_foreign(template)
        descendant = merged.DescendantFonts[0]
        name = str(merged.BaseFont).split("+", 1)[-1]
        merged.BaseFont = pikepdf.Name(f"/{tag}+{name}")
        descendant.BaseFont = merged.BaseFont
        descendant.W = pikepdf.Array(widths)
        descriptor = descendant.FontDescriptor
        descriptor.FontName = merged.BaseFont
        for key in ("/BookmakerFont", "/CIDSet", "/FontFile3", "/FontFile"):
            if key in descriptor:
                del descriptor[key]
        descriptor.FontFile2 = pikepdf.Stream(self.out, program)
        descriptor.FontFile2.Length1 = len(program)
        merged.ToUnicode = pikepdf.Stream(self.out, _to_unicode(glyphs))
        return self.out.make_indirect(merged)


def _copy(out: pikepdf.Pdf, obj: Any) -> Any:
    """Copy an object from another PDF into `out`, direct or indirect."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_copy(out, x) for x in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({k: _copy(out, v) for k, v in obj.items()})
    return obj


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


def _swap_fonts(resources: pikepdf.Object, fonts: _Fonts, names: dict[str, str]) -> None:
    """Before a page is copied: mark each font by its file, so that no part's
    font is copied; the marks are replaced by the merged fonts afterwards."""
    for table in _font_tables(resources):
        for name in list(table.keys()):
            digest = names.get(str(table[name].get("/BaseFont", "")).lstrip("/"))
            if digest:
                fonts.note_template(digest, table[name])
                table[name] = pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                 BookmakerMark=pikepdf.String(digest))


def _restore_fonts(resources: pikepdf.Object, fonts: _Fonts) -> None:
    for table in _font_tables(resources):
        for name in list(table.keys()):
            mark = table[name].get("/BookmakerMark")
            if mark is not None:
                table[name] = fonts.merged[str(mark)]


_START = re.compile(rb"^1 0 0 -1 0 ([\d.]+) cm\nq\n([\d.]+) 0 0 ([\d.]+) 0 0 cm\n")
_TEXT = re.compile(rb"BT\n1 0 0 -1 ([-\d.]+) ([-\d.]+) Tm\n/(\S+) ([\d.]+) Tf\n"
                   rb"\[((?:<[0-9a-fA-F]*>-?[\d.]*)+)\] TJ\nET")
_GLYPHS = re.compile(rb"<([0-9a-fA-F]*)>")


def _renumber_folio(out: pikepdf.Pdf, page: pikepdf.Page, number: int, fonts: _Fonts,
                    bottom: float) -> None:
    """Rewrite the page's folio (the last text shown below `bottom`, in points
    from the page's foot) to `number`, keeping its alignment.

    WeasyPrint writes every page the same way (a flip, a scale, then one text
    object per run), so the folio is found in the raw content stream; a page
    written otherwise is left as it is.
    """
    stream = page.obj.Contents
    if isinstance(stream, pikepdf.Array):
        return
    data = stream.read_bytes()
    start = _START.match(data)
    if start is None:
        return
    height, scale = float(start.group(1)), float(start.group(3))
    folio = None
    for match in _TEXT.finditer(data):
        if height - float(match.group(2)) * scale < bottom:
            folio = match
    if folio is None:
        return
    font_name = "/" + folio.group(3).decode()
    resources = page.obj.Resources.Font
    mark = resources[font_name].get("/BookmakerMark") if font_name in resources else None
    if mark is None:
        return
    digest = str(mark)
    gids = fonts.digits(digest)
    widths = fonts.digit_widths[digest]
    old_gids = [int(h[i:i + 4], 16) for h in _GLYPHS.findall(folio.group(5)) for i in range(0, len(h), 4)]
    if not old_gids or not all(g in widths for g in old_gids) or any(d not in gids for d in str(number)):
        return  # not a number: leave the page alone
    new_gids = [gids[d] for d in str(number)]
    size = float(folio.group(4))
    x = float(folio.group(1))
    if number % 2 == 1:  # a recto's folio is right-aligned: keep its right edge
        x += (sum(widths[g] for g in old_gids) - sum(widths[g] for g in new_gids)) * size / 1000
    text = (b"BT\n1 0 0 -1 %s %s Tm\n/%s %s Tf\n[<%s>] TJ\nET" % (
        f"{x:.6f}".rstrip("0").rstrip(".").encode(), folio.group(2), folio.group(3),
        folio.group(4), "".join(f"{g:04x}" for g in new_gids).encode()))
    page.obj.Contents = out.make_stream(data[:folio.start()] + text + data[folio.end():])


def _own(stream: pikepdf.Object) -> None:
    """Give a copied stream its own data, so that the part it came from may close."""
    stream.write(stream.read_raw_bytes(), filter=stream.get("/Filter"),
                 decode_parms=stream.get("/DecodeParms"), type_check=False)


def _own_streams(page: pikepdf.Page) -> None:
    contents = page.obj.get("/Contents")
    for stream in (contents if isinstance(contents, pikepdf.Array) else [contents]):
        if isinstance(stream, pikepdf.Stream):
            _own(stream)
    seen: set[tuple[int, int]] = set()
    pending = [page.obj.get("/Resources")]
    while pending:
        resources = pending.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        for group in ("/XObject", "/Pattern", "/Shading"):
            table = resources.get(group)
            if not isinstance(table, pikepdf.Dictionary):
                continue
            for obj in table.values():
                if not isinstance(obj, pikepdf.Stream) or obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
                _own(obj)
                pending.append(obj.get("/Resources"))
    for annot in page.obj.get("/Annots", []):
        appearance = annot.get("/AP")
        if isinstance(appearance, pikepdf.Dictionary):
            for stream in appearance.values():
                if isinstance(stream, pikepdf.Stream):
                    _own(stream)


def _blank_like(out: pikepdf.Pdf, model: pikepdf.Page) -> pikepdf.Dictionary:
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=model.obj.MediaBox,
                              Resources=pikepdf.Dictionary(),
                              Contents=pikepdf.Stream(out, b""))
    for box in ("/TrimBox", "/BleedBox", "/CropBox"):
        if box in model.obj:
            page[box] = model.obj[box]
    return page


def assemble_pdf(placed: Sequence[Placed], outline: Sequence[OutlineNode], *, front_pages: int,
                 epoch: int, bottom_margin: float) -> bytes:
    """One PDF from the parts, in order. `front_pages` is how many pages carry
    roman folios; `bottom_margin` (points) is where folios live."""
    out = pikepdf.new()
    fonts = _Fonts(out, placed, epoch)
    first = pikepdf.open(placed[0].segment.path)
    try:
        struct_children: list[Any] = []
        parent_nums: list[Any] = []
        role_map = pikepdf.Dictionary()
        dests: dict[str, Any] = {}
        key_offset = 0
        for p in placed:
            # One part at a time, closed once its pages are ours: memory stays bounded
            # by the book being made, not by every part at once.
            src = first if p is placed[0] else pikepdf.open(p.segment.path)
            for page in src.pages:
                _swap_fonts(page.obj.Resources, fonts, p.segment.font_names)
            if p.blank_before:
                out.pages.append(pikepdf.Page(_blank_like(out, src.pages[0])))
            start = len(out.pages)
            for page in src.pages:
                out.pages.append(page)
            copied = out.pages[start:]
            root = src.Root
            # Tags: one tree for the book; parent-tree keys renumbered per part.
            tree = root.get("/StructTreeRoot")
            shift = key_offset
            if tree is not None:
                highest = -1
                for page in copied:
                    if "/StructParents" in page.obj:
                        page.obj.StructParents = int(page.obj.StructParents) + shift
                        highest = max(highest, int(page.obj.StructParents))
                    for annot in page.obj.get("/Annots", []):
                        if "/StructParent" in annot:
                            annot.StructParent = int(annot.StructParent) + shift
                            highest = max(highest, int(annot.StructParent))
                foreign = _copy(out, tree)
                nums = foreign.ParentTree.get("/Nums", pikepdf.Array())
                for i in range(0, len(nums), 2):
                    parent_nums += [int(nums[i]) + shift, nums[i + 1]]
                    highest = max(highest, int(nums[i]) + shift)
                kids = foreign.K if isinstance(foreign.K, pikepdf.Array) else pikepdf.Array([foreign.K])
                for kid in kids:
                    # WeasyPrint wraps each part in a Document element: keep its children.
                    inner = kid.get("/K") if kid.get("/S") == "/Document" else None
                    if inner is not None:
                        struct_children += list(inner) if isinstance(inner, pikepdf.Array) else [inner]
                    else:
                        struct_children.append(kid)
                for name, value in foreign.get("/RoleMap", pikepdf.Dictionary()).items():
                    role_map[name] = value
                key_offset = highest + 1
            # Named destinations: a part's own anchors win over the stand-ins
            # that the contents page carries for them.
            names = root.get("/Names")
            if names is not None and "/Dests" in names:
                array = names.Dests.get("/Names", pikepdf.Array())
                for i in range(0, len(array), 2):
                    dest_name = str(array[i])
                    if dest_name not in dests or p.first_number is not None:
                        dests[dest_name] = _copy(out, array[i + 1])
            # Folios (found through the font marks), then the merged fonts.
            if p.first_number is not None and p.first_number != 1:
                for offset, page in enumerate(copied):
                    _renumber_folio(out, page, p.first_number + offset, fonts, bottom_margin)
            for page in copied:
                _restore_fonts(page.obj.Resources, fonts)
                _own_streams(page)
            if src is not first:
                src.close()
        # The document: metadata, language, tags, destinations, outline, labels.
        for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/OutputIntents", "/Metadata"):
            if key in first.Root:
                out.Root[key] = _copy(out, first.Root[key])
        out.docinfo = out.copy_foreign(first.trailer.Info) if "/Info" in first.trailer else out.docinfo
        if struct_children:
            document = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                            S=pikepdf.Name.Document,
                                                            K=pikepdf.Array(struct_children)))
            tree_root = out.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array([document]),
                ParentTree=out.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(parent_nums))),
                ParentTreeNextKey=key_offset))
            if len(role_map):
                tree_root.RoleMap = role_map
            for kid in struct_children:
                if isinstance(kid, pikepdf.Dictionary):
                    kid.P = tree_root.K[0]
            document.P = tree_root
            out.Root.StructTreeRoot = tree_root
        names_array = pikepdf.Array()
        for name in sorted(dests):
            names_array.append(pikepdf.String(name))
            names_array.append(dests[name])
        out.Root.Names = pikepdf.Dictionary(Dests=out.make_indirect(
            pikepdf.Dictionary(Names=names_array)))
        with out.open_outline() as tree:
            tree.root.extend(_outline_items(outline, dests))
        out.Root.PageLabels = page_labels(front_pages)
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()
    finally:
        first.close()


def page_labels(front_pages: int) -> pikepdf.Dictionary:
    """Front matter labelled i, ii, …, the body 1, 2, …, as the folios are."""
    nums: list[Any] = []
    if front_pages:
        nums += [0, pikepdf.Dictionary(S=pikepdf.Name.r)]
    nums += [front_pages, pikepdf.Dictionary(S=pikepdf.Name.D)]
    return pikepdf.Dictionary(Nums=pikepdf.Array(nums))


def _outline_items(nodes: Sequence[OutlineNode], dests: dict[str, Any]) -> list[pikepdf.OutlineItem]:
    items = []
    for node in nodes:
        dest = dests.get(node.dest)
        if dest is None:
            continue
        item = pikepdf.OutlineItem(node.title)
        item.destination = dest
        item.children.extend(_outline_items(node.children, dests))
        items.append(item)
    return items
