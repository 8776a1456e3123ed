"""The PDF writer's options (`[options.pdf]`), checked as they are made.

Light on purpose: a spec is checked without importing the writer (or
WeasyPrint, which is asked only for a variant name of its own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import WriterError
from ..options import WriteOptions

__all__ = ["PdfOptions", "TRIM_SIZES", "VARIANTS", "LAYOUTS", "trim_size"]

# width, height in mm
TRIM_SIZES: dict[str, tuple[float, float]] = {
    "A5": (148, 210),
    "A4": (210, 297),
    "letter": (215.9, 279.4),
    "us-trade": (152.4, 228.6),
    "royal": (156, 234),
}
VARIANTS = {"ua": "pdf/ua-1", "a": "pdf/a-3b", "x": "pdf/x-4", "none": None}
LAYOUTS = ("auto", "single", "parallel")
_CUSTOM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|in)?\s*[x×]\s*(\d+(?:\.\d+)?)\s*(mm|in)?\s*$")
_LENGTH = re.compile(r"^\s*\d+(\.\d+)?\s*(mm|pt|in|cm)\s*$")


def trim_size(name: str) -> tuple[float, float]:
    """Width and height in mm of a trim size: a name of TRIM_SIZES or WIDTHxHEIGHT in mm or in."""
    for key, size in TRIM_SIZES.items():
        if key.lower() == name.lower():
            return size
    m = _CUSTOM.match(name)
    if m:
        scale = 25.4 if (m.group(2) or m.group(4)) == "in" else 1.0
        return float(m.group(1)) * scale, float(m.group(3)) * scale
    raise WriterError(f"unknown trim size {name!r}; use one of {', '.join(TRIM_SIZES)} "
                      "or WIDTHxHEIGHT in mm or in (e.g. 140x216mm)", key="options.pdf.trim")


def _text(value: object, key: str, example: str) -> str:
    if not isinstance(value, str):
        raise WriterError(f"expected a string such as {example!r}", key=f"options.pdf.{key}")
    return value


@dataclass(frozen=True)
class PdfOptions(WriteOptions):
    """`[options.pdf]`. `variant` is kept settled: WeasyPrint's name for it
    ("ua" is "pdf/ua-1"), None for none."""

    trim: str | None = None             # A5, A4, letter, us-trade, royal, or WIDTHxHEIGHT;
                                        # None: the theme's (`[page] trim`), else A5
    variant: str | None = "ua"          # ua, a, x, none, or a WeasyPrint variant name
    bleed: str | None = None            # e.g. "3mm", for a press
    marks: str | None = None            # "crop", "cross" or "crop cross"
    layout: str = "auto"                # single, parallel, or auto (parallel from 4 chapters)

    def __post_init__(self) -> None:
        if self.trim is not None:
            trim_size(_text(self.trim, "trim", "A5"))
        object.__setattr__(self, "variant", _variant(self.variant))
        if self.bleed is not None and not _LENGTH.match(_text(self.bleed, "bleed", "3mm")):
            raise WriterError(f"bleed must be a length such as '3mm' (mm, pt, in or cm), "
                              f"not {self.bleed!r}", key="options.pdf.bleed")
        if self.marks is not None and (set(_text(self.marks, "marks", "crop").split())
                                       - {"crop", "cross"}):
            raise WriterError(f"marks must be 'crop', 'cross' or 'crop cross', not {self.marks!r}",
                              key="options.pdf.marks")
        if self.layout not in LAYOUTS:
            raise WriterError(f"layout must be one of {', '.join(LAYOUTS)}, not {self.layout!r}",
                              key="options.pdf.layout")


def _variant(value: str | None) -> str | None:
    if value is None:
        return None
    name = _text(value, "variant", "ua").lower()
    if name in VARIANTS:
        return VARIANTS[name]
    if name in VARIANTS.values():
        return name
    from weasyprint.pdf import VARIANTS as WEASY_VARIANTS  # type: ignore[import-untyped]

    if name not in WEASY_VARIANTS:
        raise WriterError(f"unknown PDF variant {name!r}; use ua, a, x, none or one of "
                          + ", ".join(WEASY_VARIANTS), key="options.pdf.variant")
    return name
