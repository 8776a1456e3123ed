"""Which images a book may load: files inside the book's own folder, and small
data: URLs. Everything else (http, https, file: elsewhere, oversize data:) is
refused with a warning naming the article, and the book is built without it.

An SVG image is a program of sorts: it may declare entities (one that reads
/etc/passwd), run scripts, load other files or addresses. Each is rewritten
by `clean_svg` before any writer sees it (no DTD, entities, scripts, event
attributes, foreign content, `@import`, nor any reference outside the image
but embedded raster images), or refused when it is not well-formed XML."""

from __future__ import annotations

import base64
import hashlib
import logging
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .model import Chapter

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["LocalResources", "MAX_DATA_URL", "IMAGE_TYPES", "clean_svg"]

log = logging.getLogger("bookmaker")

MAX_DATA_URL = 1_000_000  # characters
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}


@dataclass
class LocalResources:
    base_dir: Path | None
    problems: dict[str, list[str]] = field(default_factory=dict)

    def find(self, src: str, chapter: Chapter) -> Path | str | None:
        """A local file or a data: URL for `src`, or None (and a recorded reason)."""
        where = chapter.article.attribution.origin or chapter.article.title
        parts = urlsplit(src)
        if parts.scheme == "data":
            kind = src[5:].split(";")[0].split(",")[0]
            if len(src) > MAX_DATA_URL or kind not in IMAGE_TYPES:
                self._refuse(where, src, "data: URL too large or not an image")
                return None
            return src if kind != SVG else self._svg(where, src, _data_bytes(src)[0])
        if parts.scheme not in ("", "file") or parts.netloc:
            self._refuse(where, src, "only files inside the book's folder are loaded")
            return None
        if self.base_dir is None:
            self._refuse(where, src, "the book has no folder to load files from")
            return None
        root = self.base_dir.resolve()
        path = Path(unquote(parts.path))
        path = (path if path.is_absolute() else root / path).resolve()
        if not path.is_relative_to(root):
            self._refuse(where, src, "outside the book's folder")
            return None
        if not path.is_file():
            self._refuse(where, src, "file not found")
            return None
        mime = mimetypes.guess_type(path.name)[0]
        if mime not in IMAGE_TYPES:
            self._refuse(where, src, "not an image type books can carry")
            return None
        return path if mime != SVG else self._svg(where, src, path.read_bytes())

    def _svg(self, where: str, src: str, data: bytes) -> str | None:
        """A cleaned SVG image as a data: URL, or None (refused)."""
        clean = clean_svg(data)
        if clean is None:
            self._refuse(where, src, "an SVG image that is not well-formed XML")
            return None
        return f"data:{SVG};base64,{base64.b64encode(clean).decode()}"

    def _refuse(self, where: str, src: str, reason: str) -> None:
        self.problems.setdefault(where, []).append(f"{src[:100]} ({reason})")

    def warn(self) -> None:
        """One warning per article, naming what was left out and why."""
        for where, items in self.problems.items():
            unique = list(dict.fromkeys(items))
            log.warning("%s: %d image(s) left out: %s", where, len(unique), "; ".join(unique[:5])
                        + (" …" if len(unique) > 5 else ""))
        self.problems.clear()

    @staticmethod
    def data_url(found: Path | str) -> str:
        if isinstance(found, str):
            return found
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return f"data:{kind};base64,{base64.b64encode(found.read_bytes()).decode()}"

    @staticmethod
    def epub_name(found: Path | str) -> tuple[str, bytes, str]:
        """(file name inside the EPUB, bytes, media type) for a found image."""
        if isinstance(found, str):
            data, kind = _data_bytes(found)
        else:
            kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            data = found.read_bytes()
        ext = mimetypes.guess_extension(kind) or ".bin"
        return f"images/{hashlib.sha256(data).hexdigest()[:16]}{ext}", data, kind


def _data_bytes(url: str) -> tuple[bytes, str]:
    """(bytes, media type) of a data: URL."""
    head, _, payload = url[5:].partition(",")
    data = base64.b64decode(payload) if head.endswith(";base64") else unquote(payload).encode()
    return data, head.split(";")[0]


# --- SVG ---------------------------------------------------------------------------

SVG = "image/svg+xml"
_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_DROPPED = {"script", "foreignObject", "handler", "listener"}
_NEEDS_HREF = {"image", "feImage", "use", "tref", "textPath"}
_EMBEDDED = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*")
_CSS_URL = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)""", re.I | re.S)
_CSS_IMPORT = re.compile(r"@import\b[^;]*;?", re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _local(ref: str) -> bool:
    """A reference inside the image (`#id`) or an embedded raster image."""
    ref = ref.strip()
    return ref.startswith("#") or bool(_EMBEDDED.fullmatch(ref))


def _clean_css(css: str) -> str | None:
    """CSS without @import and with external url()s as none; None when the CSS
    hides what a pattern cannot see (escapes)."""
    css = _CSS_COMMENT.sub("", css)
    if "\\" in css:
        return None
    css = _CSS_IMPORT.sub("", css)
    return _CSS_URL.sub(lambda m: m.group(0) if _local(m.group(2)) else "none", css)


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:  # the tail is text of the parent
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def clean_svg(data: bytes) -> bytes | None:
    """The SVG image with nothing that reaches outside it or runs, or None when it
    is not a well-formed SVG document. Read without its DTD, without expanding
    external entities and without the network; written without a DOCTYPE."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root.tag != f"{{{_SVG_NS}}}svg":
        return None
    for node in list(root.iter()):
        if not isinstance(node.tag, str):  # an entity reference (or a comment)
            _drop(node)
            continue
        namespace, _, tag = node.tag.rpartition("}")
        if namespace[1:] != _SVG_NS or tag in _DROPPED or (
                tag in ("set", "animate") and "href" in (node.get("attributeName") or "")):
            _drop(node)
            continue
        href = node.get("href", node.get(_XLINK_HREF))
        if tag in _NEEDS_HREF and (href is None or not _local(href)):
            _drop(node)  # an image, a use… of nothing draws nothing
            continue
        if tag == "style":
            css = _clean_css(node.text or "")
            if css is None:
                _drop(node)
                continue
            for child in list(node):
                node.remove(child)
            node.text = css
        for name, value in list(node.attrib.items()):
            local = name.rpartition("}")[2]
            if local.lower().startswith("on") or name == _XML_BASE:
                del node.attrib[name]
            elif local in ("href", "src"):  # in any namespace: only inside the image
                if _local(value):
                    node.set(name, value)
                else:
                    del node.attrib[name]
            elif "url(" in value.lower() or local == "style" or "\\" in value:
                css = _clean_css(value)
                if css is None:
                    del node.attrib[name]
                else:
                    node.set(name, css)
            else:
                node.set(name, value)  # an entity's value becomes plain text
    out = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    try:  # what is left must stand on its own: no DTD, no entity
        etree.fromstring(out, etree.XMLParser(resolve_entities=False, no_network=True,
                                              load_dtd=False))
    except etree.XMLSyntaxError:
        return None
    return out
