"""Where articles were published: their public addresses.

A spec maps folders to the addresses they mirror (`[urls]`), and may give an
article its own (`url`); `bookmaker book` takes `--url FOLDER=ADDRESS`. An
article's address is printed in its credits, is its `dc:source`, and is the
base its relative links are resolved against. It is applied after reading
(the reader keeps a page's relative links as written), so an article read
once stays valid whatever address a book gives it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

__all__ = ["check_url", "address_of", "resolve_link", "is_relative"]


def check_url(value: object, fail: Callable[[str], Exception]) -> str:
    """`value` if it is an absolute http or https address, else `fail(message)` raised."""
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    if not isinstance(value, str) or not value.strip():
        raise fail(f"found {shown}; expected an absolute http or https address, "
                   "e.g. 'https://www.marxists.org/archive/'")
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if (parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc
            or any(ch.isspace() for ch in url)):
        raise fail(f"found {shown}; expected an absolute http or https address "
                   "(with its host, without spaces), e.g. 'https://www.marxists.org/archive/'")
    return url


def address_of(path: Path, urls: Sequence[tuple[Path, str]]) -> str | None:
    """The address of the file at `path` (absolute, resolved) under the folder
    that holds it most closely of `urls` ((absolute folder, address) pairs), or None."""
    best: tuple[int, Path, str] | None = None
    full = str(path)
    for folder, address in urls:
        prefix = str(folder).rstrip(os.sep) + os.sep
        if full.startswith(prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), folder, address)
    if best is None:
        return None
    _, folder, address = best
    rel = path.relative_to(folder).as_posix()
    return address.rstrip("/") + "/" + quote(rel, safe="/~!$&'()*+,;=:@-._")


def is_relative(href: str) -> bool:
    """A link the source wrote relative to its own page (not `#in-page`, no scheme)."""
    href = href.strip()
    if not href or href.startswith("#"):
        return False
    try:
        return not urlsplit(href).scheme
    except ValueError:
        return False


def resolve_link(href: str, base: str | None) -> str | None:
    """A relative link's absolute address against the page's address `base`;
    None when there is no base or the link cannot be resolved to http(s)."""
    if base is None or not is_relative(href):
        return None
    try:
        found = urljoin(base, href.strip().replace(" ", "%20"))
    except ValueError:
        return None
    return found if found.lower().startswith(("http://", "https://")) else None
