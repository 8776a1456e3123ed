"""Read the plain-text renderings of marxists.org (MIA) pages.

The format is described in shared/design/SEED-FORMAT.md: blocks separated by
blank lines, no markup. Structure is recovered by heuristics on blocks and
lines, shared with the HTML reader (`article`). The rule everywhere: page
furniture aside, never drop or rewrite a sentence of the source; when in doubt,
a block stays a plain paragraph.
"""

from __future__ import annotations

import re

from ...model import Article
from .article import build_article
from .units import Unit, is_furniture

__all__ = ["read", "clearly_other_code_page", "guess_encoding"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")  # C0, C1, XML-invalid


def read(data: bytes, *, name: str = "<bytes>") -> Article:
    """Read one seed-format text page into an `Article`; raise SourceError if unusable."""
    text, warnings = _decode(data)
    return build_article(_split_blocks(text), name=name, warnings=warnings)


def _decode(data: bytes) -> tuple[str, list[str]]:
    warnings: list[str] = []
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text, encoding = guess_encoding(data)
        warnings.append(f"charset: the file is not UTF-8; decoded it as {encoding}")
    text, removed = _CONTROL.subn("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if removed:  # control characters are invalid in XHTML and never meant as text
        warnings.append(f"control: removed {removed} control character(s)")
    return text, warnings


def guess_encoding(data: bytes) -> tuple[str, str]:
    """Windows-1252 when the bytes fit it and read as mostly ASCII letters: the
    Archive is overwhelmingly English, and a guesser that sees a handful of
    non-ASCII bytes in English text picks any code page ("£40" as cp1250's "Ł40").
    Text that is clearly another code page (Cyrillic or Greek bytes read as
    Windows-1252 are nearly all accented letters) goes to charset-normalizer."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90 or 0x9d: not Windows-1252
        text = None
    if text is not None and not clearly_other_code_page(text):
        return text, "windows-1252"
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data).best()
        if best is not None and best.encoding:
            return str(best), best.encoding
    except Exception:  # a third-party guesser must not turn bad bytes into a crash
        pass
    return data.decode("cp1252", errors="replace"), "cp1252"


def clearly_other_code_page(text: str) -> bool:
    """Bytes of another single-byte code page read as Windows-1252: a quarter or
    more of the letters are non-ASCII (English, French or German text has far
    fewer; Russian in cp1251 or Greek in cp1253 has nearly all)."""
    letters = [c for c in text if c.isalpha()]
    foreign = sum(1 for c in letters if ord(c) > 127)
    return bool(letters) and foreign * 4 >= len(letters)


def _split_blocks(text: str) -> list[Unit]:
    """Blank lines (any number) separate blocks; furniture lines are left out."""
    blocks: list[Unit] = []
    lines: list[str] = []
    start = 1
    for number, raw in enumerate(text.split("\n") + [""], 1):
        line = raw.rstrip(" \t")
        if line.strip() and not is_furniture(line):
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            blocks.append(Unit(tuple(lines), start))
            lines = []
    return blocks
