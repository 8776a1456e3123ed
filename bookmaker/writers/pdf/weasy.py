"""What bookmaker asks of WeasyPrint: a URL fetcher that loads only the
theme's and the book's own files, the variant's options, and the conditions a
layout runs under (its warnings quiet, font subsets stamped with the book's
date)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from ...files import source_date_epoch
from ...resources import MAX_DATA_URL
from ...theme import Theme

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

__all__ = ["fetcher", "laying_out", "epoch_of", "variant_options"]

log = logging.getLogger("bookmaker")


def variant_options(variant: str | None) -> dict[str, Any]:
    """What WeasyPrint is asked for a PDF variant (as `check_options` settles
    it): tags for every variant, an sRGB output intent for PDF/X-4."""
    return {"pdf_variant": variant, "pdf_tags": variant is not None,
            "output_intent": "srgb" if variant == "pdf/x-4" else None}


def fetcher(theme: Theme, base_dir: Path | None) -> "URLFetcher":
    """A URL fetcher serving only files inside the theme or the book's folder."""
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> object:
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(theme.path):
                    found = theme.resolve(path.relative_to(theme.path).as_posix())
                    if found:
                        return super().fetch(found.as_uri(), headers)
                root = base_dir.resolve() if base_dir else None
                if root and path.is_relative_to(root) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
            elif parts.scheme == "data" and len(url) <= MAX_DATA_URL:
                return super().fetch(url, headers)
            log.warning("refused to load %s", url[:120])
            raise ValueError(f"refused to load {url[:80]}")

    return LocalOnly(allowed_protocols={"file", "data"}, timeout=5)


@contextlib.contextmanager
def laying_out(epoch: int) -> Iterator[None]:
    """While WeasyPrint works: its own warnings quiet (refused URLs are reported by
    the fetcher), and font subsets stamped with the book's date, not the clock."""
    quiet = logging.getLogger("weasyprint")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with source_date_epoch(epoch):
            yield
    finally:
        quiet.setLevel(level)


def epoch_of(stamp: str) -> int:
    return int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())
