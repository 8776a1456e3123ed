"""Laying a print book out in parts: one WeasyPrint document per chapter, in
worker processes, each cached on disk by what it is made of.

WeasyPrint lays a document out on one core and holds all of it in memory, and
it slows down as the document grows; chapters laid out on their own keep every
process small and every core busy. A chapter's layout does not depend on where
it lands in the book (chapters open on a recto, and folios are renumbered when
the parts are put together), so a cached chapter is reused as long as its
content, the theme and the options are the same.

A part is its deflated PDF (`<key>.pdf.z`), its record (`<key>.json`: the
SHA-256 of its JSON, a line, then the JSON: page count, anchors, the PDF's
digest, the glyphs of each font) and the font files it uses, each named by
its digest. Every one of them is checked against its digest when it is
looked up: a part with anything damaged, missing or of the wrong kind is
removed and laid out again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ...errors import WriterError
from ...files import clear_in_the_way, sha256_file
from ...cache.ledger import mark
from .. import atomic_path

__all__ = ["SegmentJob", "Segment", "SegmentCache", "render_segment"]

log = logging.getLogger("bookmaker")


@dataclass(frozen=True)
class SegmentJob:
    """Everything a worker needs to lay out one part of a book."""

    html: str
    theme: str
    theme_css: str
    page_css: str
    base_dir: str | None
    variant: str | None
    identifier: str
    epoch: int
    engine: str  # bookmaker and WeasyPrint versions: part of the cache key

    def key(self) -> str:
        h = hashlib.sha256()
        for part in (self.html, self.theme, self.theme_css, self.page_css, str(self.base_dir),
                     str(self.variant), self.identifier, str(self.epoch), self.engine):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        return h.hexdigest()


@dataclass(frozen=True)
class Segment:
    """A laid-out part: its PDF file, page count and the page of each anchor."""

    path: str
    pages: int
    anchors: dict[str, int]
    digest: str
    fonts: dict[str, dict[int, str]]  # font file digest -> {glyph id: text} of glyphs used
    font_names: dict[str, str]        # the part's font name (BaseFont) -> font file digest

    def font_file(self, digest: str) -> Path:
        return Path(self.path).parent / "fonts" / digest

    def mark(self, made: bool) -> None:
        """Note the part's files as used by the running build (see `ledger`)."""
        folder, name = os.path.split(self.path)
        mark(self.path, made)
        mark(os.path.join(folder, name[:-len(".pdf.z")] + ".json"), made)
        for font in self.fonts:
            mark(os.path.join(folder, "fonts", font))

    def read(self) -> bytes:
        """The part's PDF file (stored deflated: see `render_segment`), checked
        again: a part that changed since it was looked up is never used."""
        try:
            stored = Path(self.path).read_bytes()
            if hashlib.sha256(stored).hexdigest() != self.digest:
                raise ValueError("digest mismatch")
            return zlib.decompress(stored)
        except (OSError, ValueError, zlib.error):
            raise WriterError("a laid-out part changed in the cache while the book was being "
                              "made (another build using the same cache?); build again",
                              path=self.path) from None


# font files this process found whole: path -> their stat when they were (a
# book's parts share a few fonts: each is hashed once, not once a part)
_WHOLE: dict[str, tuple[int, int, int, int]] = {}


def _whole(path: Path, digest: str) -> bool:
    """Whether the file at `path` is there and its SHA-256 is `digest`."""
    try:
        st = os.stat(path)
        signature = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        if _WHOLE.get(str(path)) == signature:
            return True
        if sha256_file(path) != digest:
            return False
    except OSError:
        return False
    _WHOLE[str(path)] = signature
    return True


def _record(data: bytes) -> dict[str, Any]:
    """A part's record from its file's bytes; ValueError if damaged."""
    digest, _, body = data.partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode() != digest:
        raise ValueError("record damaged")
    record = json.loads(body)
    if not isinstance(record, dict):
        raise ValueError("not a record")
    return record


def _segment(path: Path, data: dict[str, Any]) -> Segment:
    """The part a record describes, its types checked; ValueError, KeyError,
    TypeError or AttributeError if it does not describe one."""
    def digest(value: Any) -> str:
        if type(value) is not str or len(value) != 64:
            raise ValueError("not a digest")
        return value

    def number(value: Any) -> int:
        if type(value) is not int:
            raise ValueError("not a number")
        return value

    def text(value: Any) -> str:
        if type(value) is not str:
            raise ValueError("not a text")
        return value

    pages = number(data["pages"])
    anchors = {text(k): number(v) for k, v in data["anchors"].items()}
    if pages < 1 or not all(0 <= v < pages for v in anchors.values()):
        raise ValueError("pages out of range")
    return Segment(path=str(path), pages=pages, anchors=anchors, digest=digest(data["digest"]),
                   fonts={digest(f): {int(text(g)): text(t) for g, t in glyphs.items()}
                          for f, glyphs in data["fonts"].items()},
                   font_names={text(k): digest(v) for k, v in data["font_names"].items()})


class SegmentCache:
    """Laid-out parts on disk, keyed by content. A corrupt or stale entry is
    detected by its digest and laid out again, never trusted. `fresh`: every
    part is laid out again (and kept), whatever the cache holds."""

    def __init__(self, root: Path | None, fresh: bool = False) -> None:
        self._tmp = None
        self.fresh = fresh
        if root is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="bookmaker-pdf-")
            root = Path(self._tmp.name)
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError:  # a file in the way: a cache that cannot be kept only keeps less
            clear_in_the_way(str(self.root), str(self.root / "_"))
            with contextlib.suppress(OSError):
                self.root.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()

    def paths(self, key: str) -> tuple[Path, Path]:
        return self.root / f"{key}.pdf.z", self.root / f"{key}.json"

    def get(self, key: str) -> Segment | None:
        pdf, meta = self.paths(key)
        if self.fresh:
            return None
        try:
            segment = _segment(pdf, _record(meta.read_bytes()))
            if sha256_file(pdf) != segment.digest:
                raise ValueError("digest mismatch")
            for font in segment.fonts:
                if not _whole(segment.font_file(font), font):
                    raise ValueError("font file missing or damaged")
            if set(segment.font_names.values()) - set(segment.fonts):
                raise ValueError("a font without its glyphs")
            return segment
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            # (and `<key>.pdf`: where earlier builds kept a part, not deflated)
            for stale in (pdf, meta, self.root / f"{key}.pdf"):
                with contextlib.suppress(OSError):
                    stale.unlink(missing_ok=True)
                clear_in_the_way(str(self.root), str(stale))
            return None

    def keep_font(self, digest: str, whole: bytes) -> None:
        """Keep a font file under its digest, unless it is there whole already."""
        target = self.root / "fonts" / digest
        if _whole(target, digest):
            return
        clear_in_the_way(str(self.root), str(target))  # a folder in its place, say
        with contextlib.suppress(OSError):
            target.parent.mkdir(exist_ok=True)
        _atomic_write(target, whole)


def _atomic_write(path: Path, data: bytes) -> None:
    with atomic_path(path, durable=False) as tmp:  # a cache: its digests catch a lost write
        tmp.write_bytes(data)


# (theme, its CSS, base folder) -> fonts, the theme's stylesheet, the URL fetcher
# and each set of page rules seen
_STYLES: dict[tuple[str, str, str | None], tuple[Any, Any, Any, dict[str, Any]]] = {}


def render_segment(job: SegmentJob, cache_root: str, fresh: bool = False) -> Segment:
    """Lay one part out and store it in the cache (runs in a worker process);
    `fresh`: even if the cache has it."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration, get_hb_object_data

    from ...theme import load_theme
    from .writer import _fetcher, laying_out, variant_options

    cache = SegmentCache(Path(cache_root), fresh)
    key = job.key()
    found = cache.get(key)
    if found is not None:
        return found
    theme = load_theme(job.theme)
    base_dir = Path(job.base_dir) if job.base_dir else None
    # A worker lays out many parts with the same styles: parse them (and load
    # the fonts, and make the URL fetcher) once per process, not once per part.
    # Parts differ only in a few page rules (where they open): those are small.
    style_key = (job.theme, job.theme_css, job.base_dir)
    if style_key not in _STYLES:
        fetcher = _fetcher(theme, base_dir)
        fonts = FontConfiguration()
        _STYLES.clear()
        _STYLES[style_key] = (fonts, CSS(string=job.theme_css, base_url=theme.path.as_uri() + "/",
                                         url_fetcher=fetcher, font_config=fonts), fetcher, {})
    fonts, theme_css, fetcher, page_rules = _STYLES[style_key]
    if job.page_css not in page_rules:
        if len(page_rules) > 64:
            page_rules.clear()
        page_rules[job.page_css] = CSS(string=job.page_css, font_config=fonts)
    css = [theme_css, page_rules[job.page_css]]
    base = (base_dir or theme.path).resolve().as_uri() + "/"
    with laying_out(job.epoch):
        document = HTML(string=job.html, base_url=base, url_fetcher=fetcher).render(
            stylesheets=css, font_config=fonts)
        anchors: dict[str, int] = {}
        for index, page in enumerate(document.pages):
            for name in page.anchors:
                anchors.setdefault(name, index)
        # Uncompressed: WeasyPrint deflates every page at its highest level,
        # and the book is put together from the decoded pages anyway (their
        # folios are rewritten there, then deflated once). The part is stored
        # deflated as a whole, at the fastest level.
        data = document.write_pdf(pdf_identifier=job.identifier.encode(),
                                  **variant_options(job.variant), uncompressed_pdf=True)
        # WeasyPrint's subsets keep the whole font's glyph ids, so the parts'
        # subsets merge into one when the book is put together: each part
        # records which font file (by digest) each of its fonts comes from.
        glyphs: dict[str, dict[int, str]] = {}
        tags: dict[str, str] = {}
        for font in document.fonts.values():
            whole = get_hb_object_data(font.hb_face)  # the font file, not the subset
            digest = hashlib.sha256(whole).hexdigest()
            cache.keep_font(digest, whole)
            glyphs.setdefault(digest, {}).update(
                {int(g): str(t) for g, t in font.to_unicode.items()})
            tags[font.name.decode().lstrip("/")] = digest
    pdf_path, meta_path = cache.paths(key)
    stored = zlib.compress(data, 1)
    _atomic_write(pdf_path, stored)
    segment = Segment(path=str(pdf_path), pages=len(document.pages), anchors=anchors,
                      digest=hashlib.sha256(stored).hexdigest(), fonts=glyphs, font_names=tags)
    meta = json.dumps({k: v for k, v in asdict(segment).items() if k != "path"},
                      sort_keys=True).encode("utf-8")
    _atomic_write(meta_path, hashlib.sha256(meta).hexdigest().encode() + b"\n" + meta)
    return segment

