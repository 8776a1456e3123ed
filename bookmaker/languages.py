"""Language tags, as books and articles name their language."""

from __future__ import annotations

import re

__all__ = ["is_language_tag"]

_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def is_language_tag(value: str) -> bool:
    """A BCP 47 language tag, checked as the book's language is ('en', 'de-CH')."""
    return bool(_LANGUAGE.fullmatch(value))
