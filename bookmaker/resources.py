"""Which images a book may load: files inside the book's own folder, and small
data: URLs. Everything else (http, https, file: elsewhere, oversize data:) is
refused with a warning naming the article, and the book is built without it."""

from __future__ import annotations

import base64
import hashlib
import logging
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .model import Chapter

__all__ = ["LocalResources", "MAX_DATA_URL", "IMAGE_TYPES"]

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
            if len(src) <= MAX_DATA_URL and src[5:].split(";")[0].split(",")[0] in IMAGE_TYPES:
                return src
            return self._refuse(where, src, "data: URL too large or not an image")
        if parts.scheme not in ("", "file") or parts.netloc:
            return self._refuse(where, src, "only files inside the book's folder are loaded")
        if self.base_dir is None:
            return self._refuse(where, src, "the book has no folder to load files from")
        root = self.base_dir.resolve()
        path = Path(unquote(parts.path))
        path = (path if path.is_absolute() else root / path).resolve()
        if not path.is_relative_to(root):
            return self._refuse(where, src, "outside the book's folder")
        if not path.is_file():
            return self._refuse(where, src, "file not found")
        if mimetypes.guess_type(path.name)[0] not in IMAGE_TYPES:
            return self._refuse(where, src, "not an image type books can carry")
        return path

    def _refuse(self, where: str, src: str, reason: str) -> None:
        self.problems.setdefault(where, []).append(f"{src[:100]} ({reason})")
        return None

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
            head, _, payload = found[5:].partition(",")
            kind = head.split(";")[0]
            data = base64.b64decode(payload) if head.endswith(";base64") else unquote(payload).encode()
        else:
            kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            data = found.read_bytes()
        ext = mimetypes.guess_extension(kind) or ".bin"
        return f"images/{hashlib.sha256(data).hexdigest()[:16]}{ext}", data, kind
