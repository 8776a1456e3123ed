"""A generated cover: the title and authors set in the theme's face and colours."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from .model import Metadata
from .render import names
from .theme import Theme

__all__ = ["make_cover", "COVER_SIZE"]

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


def _fit(draw: ImageDraw.ImageDraw, text: str, face: str, width: int, start: int,
         max_lines: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which the text fits in `max_lines` lines of `width`."""
    size = start
    while True:
        font = ImageFont.truetype(face, size)
        lines = _wrap(draw, text, font, width)
        widest = max(draw.textlength(line, font=font) for line in lines)
        if (len(lines) <= max_lines and widest <= width) or size <= 40:
            return font, lines
        size -= 6


def _block(draw: ImageDraw.ImageDraw, lines: list[str], font: ImageFont.FreeTypeFont, top: int,
           colour: str, leading: float = 1.18) -> int:
    step = int(font.size * leading)
    for i, line in enumerate(lines):
        draw.text((COVER_SIZE[0] // 2, top + i * step), line, font=font, fill=colour, anchor="ma")
    return top + len(lines) * step


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

    title_font, title_lines = _fit(draw, metadata.title, str(theme.face("bold")), inner, 190, 5)
    bottom = _block(draw, title_lines, title_font, 520, fg)
    if metadata.subtitle:
        sub_font, sub_lines = _fit(draw, metadata.subtitle, str(theme.face("italic")), inner, 90, 3)
        bottom = _block(draw, sub_lines, sub_font, bottom + 60, fg)
    draw.line((width // 2 - 200, bottom + 90, width // 2 + 200, bottom + 90), fill=accent, width=6)
    people = names(metadata.authors) or names(metadata.editors)
    if people:
        author_font, author_lines = _fit(draw, people, str(theme.face("regular")), inner, 120, 3)
        _block(draw, author_lines, author_font, height - 420 - 140 * (len(author_lines) - 1), accent)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
