"""A generated cover: the title and authors set in the theme's face and colours."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from .model import Metadata
from .render.environment import names
from .theme import Theme

__all__ = ["make_cover", "cover_credit", "COVER_SIZE", "MIN_SIZE", "fit_text"]

COVER_SIZE = (1600, 2560)
_MARGIN = 150


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(trial, font=font) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


MIN_SIZE = 40
_MAX_CHARS = 400  # more than the lines of a cover hold at the smallest size


def _clip(draw: ImageDraw.ImageDraw, line: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """The longest start of `line` that fits in `width` with an ellipsis after it."""
    low, high = 0, len(line)
    while low < high:
        mid = (low + high + 1) // 2
        if draw.textlength(line[:mid].rstrip() + "…", font=font) <= width:
            low = mid
        else:
            high = mid - 1
    return line[:low].rstrip() + "…"


def fit_text(draw: ImageDraw.ImageDraw, text: str, face: str, width: int, start: int,
         max_lines: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which the text fits in `max_lines` lines of `width`;
    at the smallest size, what does not fit is cut short with an ellipsis (an
    image as wide as a long title would be too large for Pillow to draw)."""
    size = start
    if len(text) > _MAX_CHARS:
        text = text[:_MAX_CHARS] + "…"
    while True:
        font = ImageFont.truetype(face, size)
        lines = _wrap(draw, text, font, width)
        widest = max(draw.textlength(line, font=font) for line in lines)
        if len(lines) <= max_lines and widest <= width:
            return font, lines
        if size <= MIN_SIZE:
            if len(lines) > max_lines:
                lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
            return font, [line if draw.textlength(line, font=font) <= width
                          else _clip(draw, line, font, width) for line in lines]
        size -= 6


def _block(draw: ImageDraw.ImageDraw, lines: list[str], font: ImageFont.FreeTypeFont, top: int,
           colour: str, leading: float = 1.18) -> int:
    step = int(font.size * leading)
    for i, line in enumerate(lines):
        draw.text((COVER_SIZE[0] // 2, top + i * step), line, font=font, fill=colour, anchor="ma")
    return top + len(lines) * step


def cover_credit(metadata: Metadata) -> str:
    """Who the cover names: the authors; an editor or a translator named as one,
    never as if an author ("Edited by A. Reader")."""
    people = names(metadata.authors) or (f"Edited by {names(metadata.editors)}"
                                         if metadata.editors else "")
    if metadata.translators:
        by = f"translated by {names(metadata.translators)}"
        people = f"{people}; {by}" if people else by[:1].upper() + by[1:]
    return people


def make_cover(metadata: Metadata, theme: Theme) -> bytes:
    """A PNG cover of COVER_SIZE pixels, legible as a thumbnail."""
    width, height = COVER_SIZE
    bg = theme.colours.get("background", "#222222")
    fg = theme.colours.get("foreground", "#ffffff")
    accent = theme.colours.get("accent", fg)
    image = Image.new("RGB", COVER_SIZE, bg)
    draw = ImageDraw.Draw(image)
    inner = width - 2 * _MARGIN
    draw.rectangle((60, 60, width - 60, height - 60), outline=accent, width=6)

    title_font, title_lines = fit_text(draw, metadata.title, str(theme.face("bold")), inner, 190, 5)
    bottom = _block(draw, title_lines, title_font, 520, fg)
    if metadata.subtitle:
        sub_font, sub_lines = fit_text(draw, metadata.subtitle, str(theme.face("italic")), inner, 90, 3)
        bottom = _block(draw, sub_lines, sub_font, bottom + 60, fg)
    draw.line((width // 2 - 200, bottom + 90, width // 2 + 200, bottom + 90), fill=accent, width=6)
    people = cover_credit(metadata)
    if people:
        author_font, author_lines = fit_text(draw, people, str(theme.face("regular")), inner, 120, 3)
        _block(draw, author_lines, author_font, height - 420 - 140 * (len(author_lines) - 1), accent)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
