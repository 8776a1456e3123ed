"""Typographic polish at render time; the model keeps the source's own text.

Straight quotes, double hyphens and three dots become curly quotes, dashes and
ellipses (smartypants, which leaves tags, <pre> and <code> alone); text that is
already typographic is unchanged. Abbreviations that must not end a line
("p. 1", "Vol. V") get a no-break space.
"""

from __future__ import annotations

import re

import smartypants

__all__ = ["smarten", "tie"]

_ATTRS = smartypants.Attr.q | smartypants.Attr.b | smartypants.Attr.d | smartypants.Attr.e \
    | smartypants.Attr.u
_TIE = re.compile(r"\b(p|pp|Vol|vol|No|Nos|no|ch|Ch|Art|art|fig|Fig|cf|Mr|Mrs|Dr|St)\. "
                  r"(?=[0-9IVXLCivxlc\w])")
_NEEDS_SMARTENING = re.compile(r"[\"']|--|\.\.\.")


def tie(text: str) -> str:
    """'p. 1' -> 'p.\u00a01': keep an abbreviation with what follows it."""
    return _TIE.sub(lambda m: m.group(1) + ".\u00a0", text)


def smarten(html: str) -> str:
    """Curly quotes, dashes and ellipses in an HTML fragment's text."""
    if not _NEEDS_SMARTENING.search(html.replace('="', "").replace("='", "")):
        return html
    return smartypants.smartypants(html, _ATTRS)
